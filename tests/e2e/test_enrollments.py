"""Enrolling a student with a grade, changing the grade, and the course's roster."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import create

pytestmark = pytest.mark.e2e


def test_enroll_with_grade_then_change_it(page: Page, api: httpx.Client, unique: str) -> None:
    student = create(api, "students", {"name": f"Alan {unique}", "email": f"alan.{unique}@x.org"})
    code = f"EN{unique[:4].upper()}1"
    course = create(api, "courses", {"code": code, "title": "Computability", "credits": 6})

    page.goto(f"/#/students/{student['id']}")
    expect(page.get_by_text("Not enrolled in any course yet.")).to_be_visible()
    enroll = page.locator("form.form--inline")
    enroll.get_by_label("Course").select_option(label=f"{code} · Computability")
    enroll.get_by_label("Term").select_option("2026-FALL")
    enroll.get_by_label("Grade").select_option("B+")
    enroll.get_by_role("button", name="Enroll").click()

    item = page.locator(".enrollment", has_text=code)
    expect(item).to_contain_text("Fall 2026 · 6 credits")
    expect(item.get_by_label("Grade")).to_have_value("B+")
    expect(page.get_by_text("1 course · 6 credits")).to_be_visible()
    expect(enroll.get_by_label("Course")).to_be_focused()
    expect(enroll.get_by_label("Course")).to_have_value("")

    item.get_by_label("Grade").select_option("A-")
    item.get_by_role("button", name="Save grade").click()
    expect(page.get_by_text("Grade A- saved.")).to_be_visible()
    expect(item.get_by_role("button", name="Save grade")).to_be_disabled()
    stored = api.get("/enrollments", params={"student_id": student["id"]}).json()["items"]
    assert [(e["term"], e["grade"]) for e in stored] == [("2026-FALL", "A-")]

    # The same enrollment again is refused, with the API's reason at the top of the form.
    enroll.get_by_label("Course").select_option(label=f"{code} · Computability")
    enroll.get_by_label("Term").select_option("2026-FALL")
    enroll.get_by_role("button", name="Enroll").click()
    expect(enroll.get_by_role("alert")).to_contain_text("already enrolled in this course")

    # The course's page lists the student with the grade.
    item.get_by_role("link", name=f"{code} · Computability").click()
    expect(page.get_by_label("Term")).to_have_value("2026-FALL")
    expect(page.get_by_label(f"Grade for Alan {unique}")).to_have_value("A-")
    assert course["id"] in page.url


def test_enroll_without_choosing_a_course_points_at_the_course_field(
    page: Page, api: httpx.Client, unique: str
) -> None:
    student = create(api, "students", {"name": f"Nora {unique}", "email": f"nora.{unique}@x.org"})
    create(api, "courses", {"code": f"NC{unique[:4].upper()}1", "title": "Any", "credits": 1})
    page.goto(f"/#/students/{student['id']}")
    enroll = page.locator("form.form--inline")
    enroll.get_by_role("button", name="Enroll").click()
    expect(enroll.get_by_label("Course")).to_have_accessible_description("Choose a course.")


def test_remove_enrollment_after_confirming(page: Page, api: httpx.Client, unique: str) -> None:
    student = create(api, "students", {"name": f"Rita {unique}", "email": f"rita.{unique}@x.org"})
    code = f"RM{unique[:4].upper()}1"
    course = create(api, "courses", {"code": code, "title": "Drop me", "credits": 2})
    create(
        api,
        "enrollments",
        {"student_id": student["id"], "course_id": course["id"], "term": "2025-SPRING"},
    )
    page.goto(f"/#/students/{student['id']}")
    page.get_by_role("button", name=f"Remove enrollment in {code} · Drop me, Spring 2025").click()
    page.get_by_role("dialog", name="Remove enrollment?").get_by_role(
        "button", name="Remove enrollment"
    ).click()
    expect(page.get_by_text("Not enrolled in any course yet.")).to_be_visible()
    assert api.get("/enrollments", params={"student_id": student["id"]}).json()["items"] == []

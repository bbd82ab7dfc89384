"""Students: create, edit, delete, search, and errors shown where they belong."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import create

pytestmark = pytest.mark.e2e


def test_student_create_edit_delete_round_trip(page: Page, api: httpx.Client, unique: str) -> None:
    page.goto("/#/students")
    page.get_by_role("button", name="New student").click()
    dialog = page.get_by_role("dialog", name="New student")
    expect(dialog.get_by_label("Full name")).to_be_focused()
    dialog.get_by_label("Full name").fill(f"Grace Hopper {unique}")
    dialog.get_by_label("Email").fill(f"grace.{unique}@example.edu")
    dialog.get_by_label("Program").fill("Mathematics")
    dialog.get_by_label("Date of birth").fill("1990-12-09")
    dialog.get_by_role("button", name="Create student").click()

    expect(dialog).to_be_hidden()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Grace Hopper {unique}")
    expect(heading).to_be_focused()
    expect(page.get_by_text("Mathematics")).to_be_visible()
    expect(page.get_by_text("Dec 9, 1990")).to_be_visible()

    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit student")
    expect(dialog.get_by_label("Full name")).to_have_value(f"Grace Hopper {unique}")
    dialog.get_by_label("Full name").fill(f"Grace B. Hopper {unique}")
    dialog.get_by_label("Program").fill("")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    expect(heading).to_have_text(f"Grace B. Hopper {unique}")
    expect(page.get_by_role("button", name="Edit")).to_be_focused()
    program = page.locator(".details__item", has_text="Program")
    expect(program).to_contain_text("Not set")

    found = api.get("/students", params={"q": f"grace.{unique}"}).json()["items"]
    assert [(s["name"], s.get("program")) for s in found] == [(f"Grace B. Hopper {unique}", None)]

    page.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name="Delete student?")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    confirm.get_by_role("button", name="Delete student").click()
    expect(page).to_have_url(re.compile(r"#/students$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Students")
    expect(page.get_by_text(f"Student “Grace B. Hopper {unique}” deleted.")).to_be_visible()
    assert api.get("/students", params={"q": f"grace.{unique}"}).json()["items"] == []


def test_student_invalid_email_is_shown_next_to_the_field(page: Page, unique: str) -> None:
    page.goto("/#/students")
    page.get_by_role("button", name="New student").click()
    dialog = page.get_by_role("dialog", name="New student")
    dialog.get_by_label("Full name").fill(f"No Email {unique}")
    email = dialog.get_by_label("Email")
    email.fill("not-an-email")
    dialog.get_by_role("button", name="Create student").click()

    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter a valid email address"))
    expect(email).to_be_focused()
    expect(dialog.locator("#new-student-email-error")).to_contain_text("valid email address")
    # The name was fine: no error on it.
    expect(dialog.get_by_label("Full name")).not_to_have_attribute("aria-invalid", "true")


def test_student_missing_name_says_it_is_required(page: Page, unique: str) -> None:
    page.goto("/#/students")
    page.get_by_role("button", name="New student").click()
    dialog = page.get_by_role("dialog", name="New student")
    dialog.get_by_label("Email").fill(f"nameless.{unique}@example.edu")
    dialog.get_by_role("button", name="Create student").click()
    name = dialog.get_by_label("Full name")
    expect(name).to_have_accessible_description("Full name is required.")
    expect(name).to_be_focused()


def test_student_duplicate_email_is_shown_on_the_email_field(
    page: Page, api: httpx.Client, unique: str
) -> None:
    create(api, "students", {"name": "First", "email": f"taken.{unique}@example.edu"})
    page.goto("/#/students")
    page.get_by_role("button", name="New student").click()
    dialog = page.get_by_role("dialog", name="New student")
    dialog.get_by_label("Full name").fill("Second")
    dialog.get_by_label("Email").fill(f"TAKEN.{unique}@example.edu")
    dialog.get_by_role("button", name="Create student").click()
    expect(dialog.get_by_label("Email")).to_have_accessible_description(
        re.compile("A student with this email already exists")
    )


def test_student_with_enrollments_delete_is_refused_with_a_reason(
    page: Page, api: httpx.Client, unique: str
) -> None:
    student = create(api, "students", {"name": f"Kept {unique}", "email": f"kept.{unique}@x.org"})
    course = create(
        api, "courses", {"code": f"KP{unique[:4].upper()}1", "title": "T", "credits": 3}
    )
    create(
        api,
        "enrollments",
        {"student_id": student["id"], "course_id": course["id"], "term": "2026-FALL"},
    )
    page.goto(f"/#/students/{student['id']}")
    page.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name="Delete student?")
    confirm.get_by_role("button", name="Delete student").click()
    expect(confirm.get_by_role("alert")).to_contain_text(
        f"Kept {unique} is still enrolled in one or more courses"
    )
    expect(confirm.get_by_role("alert")).to_be_focused()
    confirm.get_by_role("button", name="Close", exact=True).last.click()
    expect(confirm).to_be_hidden()
    expect(page.get_by_role("button", name="Delete")).to_be_focused()
    assert api.get(f"/students/{student['id']}").status_code == 200


def test_student_search_and_load_more(page: Page, api: httpx.Client, unique: str) -> None:
    for i in range(23):
        create(api, "students", {"name": f"Zed{unique} {i:02}", "email": f"z{i}.{unique}@x.org"})
    page.goto("/#/students")
    page.get_by_label("Search by name, email or program").fill(f"zed{unique}")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(20)
    expect(page.get_by_role("status").first).to_contain_text(
        f"Showing 20 of 23 students matching “zed{unique}”"
    )
    page.get_by_role("button", name="Load more").click()
    expect(rows).to_have_count(23)
    expect(page.get_by_role("link", name=f"Zed{unique} 20")).to_be_focused()
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()

    page.get_by_label("Search by name, email or program").fill(f"nobody-{unique}")
    expect(page.get_by_role("heading", name=f"No students match “nobody-{unique}”")).to_be_visible()


def test_student_can_be_created_with_the_keyboard_only(page: Page, unique: str) -> None:
    page.goto("/#/students")
    expect(page.get_by_role("button", name="New student")).to_be_visible()  # the page is drawn
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    for _ in range(4):  # the brand, "Students", "Courses", then the page's first control
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Export CSV")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Import")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="New student")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.type(f"Key Board {unique}")
    page.keyboard.press("Tab")
    page.keyboard.type(f"keys.{unique}@example.edu")
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Key Board {unique}")
    expect(heading).to_be_focused()
    page.keyboard.press("Escape")  # nothing open: nothing happens
    expect(heading).to_be_focused()

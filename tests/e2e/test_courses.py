"""Courses: create, edit, delete, and a duplicate code shown on its field."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import create

pytestmark = pytest.mark.e2e


def test_course_create_edit_delete_round_trip(page: Page, api: httpx.Client, unique: str) -> None:
    code = f"QA{unique[:4].upper()}"
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    expect(page.get_by_role("heading", level=1)).to_be_focused()

    page.get_by_role("button", name="New course").click()
    dialog = page.get_by_role("dialog", name="New course")
    dialog.get_by_label("Course code").fill(f"{code.lower()}101")
    dialog.get_by_label("Credits").fill("4")
    dialog.get_by_label("Title").fill("Software Quality")
    dialog.get_by_role("button", name="Create course").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"{code}101 · Software Quality")  # stored upper-case
    expect(page.get_by_text("4 credits")).to_be_visible()
    expect(page.get_by_text("Nobody is enrolled yet.")).to_be_visible()

    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit course")
    dialog.get_by_label("Credits").fill("5")
    dialog.get_by_label("Title").fill("Software Quality Engineering")
    dialog.get_by_role("button", name="Save changes").click()
    expect(heading).to_have_text(f"{code}101 · Software Quality Engineering")
    expect(page.get_by_text("5 credits")).to_be_visible()

    page.get_by_role("link", name="All courses").click()
    expect(page.get_by_role("row", name=re.compile(f"{code}101"))).to_contain_text("5")
    page.get_by_role("link", name=f"{code}101").click()
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete course").click()
    expect(page).to_have_url(re.compile(r"#/courses$"))
    expect(page.get_by_role("link", name=f"{code}101")).to_have_count(0)
    codes = [c["code"] for c in api.get("/courses", params={"limit": 100}).json()["items"]]
    assert f"{code}101" not in codes


def test_course_bad_code_and_credits_are_shown_next_to_their_fields(page: Page) -> None:
    page.goto("/#/courses")
    page.get_by_role("button", name="New course").click()
    dialog = page.get_by_role("dialog", name="New course")
    dialog.get_by_label("Course code").fill("101 CS")
    dialog.get_by_label("Credits").fill("40")
    dialog.get_by_label("Title").fill("Anything")
    dialog.get_by_role("button", name="Create course").click()
    expect(dialog.get_by_label("Course code")).to_have_accessible_description(
        re.compile("Use 2–8 letters followed by up to 4 digits")
    )
    expect(dialog.get_by_label("Credits")).to_have_accessible_description(
        "Enter a whole number of credits from 1 to 20."
    )
    expect(dialog.get_by_label("Course code")).to_be_focused()


def test_course_duplicate_code_is_shown_on_the_code_field(
    page: Page, api: httpx.Client, unique: str
) -> None:
    code = f"DU{unique[:4].upper()}1"
    create(api, "courses", {"code": code, "title": "Original", "credits": 3})
    page.goto("/#/courses")
    page.get_by_role("button", name="New course").click()
    dialog = page.get_by_role("dialog", name="New course")
    dialog.get_by_label("Course code").fill(code)
    dialog.get_by_label("Credits").fill("3")
    dialog.get_by_label("Title").fill("Copy")
    dialog.get_by_role("button", name="Create course").click()
    expect(dialog.get_by_label("Course code")).to_have_accessible_description(
        re.compile("A course with this code already exists")
    )

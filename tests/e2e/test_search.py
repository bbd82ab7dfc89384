"""Issue 12 in the browser, at desktop and phone widths: word search (item 1) and
one course per code (item 5). Each state is screenshotted into
test-output/screenshots/ (copies committed in tests/e2e/screenshots/)."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import create, snapshot

pytestmark = pytest.mark.e2e

PEOPLE = [
    ("Ada Lovelace", "countess"),
    ("Anders Ångström", "anders"),
    ("Gabriel García Márquez", "gabo"),
    ("Conan O'Brien", "conan"),
]


def search(page: Page, label: str, text: str) -> None:
    page.get_by_label(label).fill(text)
    # "Showing 2 students matching “…”" or "No students match “…”": this query's answer.
    answer = re.compile(f"match(ing)? “{re.escape(text)}”")
    expect(page.get_by_role("status").first).to_contain_text(answer)


def test_students_are_found_by_any_word_ignoring_accents_and_punctuation(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    for name, user in PEOPLE:
        create(api, "students", {"name": name, "email": f"{user}.{unique}@example.edu"})
    page.goto("/#/students")
    label = "Search by name, email or program"

    for text, name in [
        ("lovelace", "Ada Lovelace"),
        ("angstrom", "Anders Ångström"),
        ("García", "Gabriel García Márquez"),
        ("garcia", "Gabriel García Márquez"),
        ("marq", "Gabriel García Márquez"),
        ("obrien", "Conan O'Brien"),
    ]:
        search(page, label, text)
        expect(page.get_by_role("link", name=name).first).to_be_visible()
        others = [n for n, _ in PEOPLE if n != name]
        for other in others:
            expect(page.get_by_role("link", name=other)).to_have_count(0)
    snapshot(page, "search-students-obrien")

    search(page, label, f"conan.{unique}")  # the email's local part, punctuation and all
    expect(page.get_by_role("link", name="Conan O'Brien")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"#/students\?q=conan\.{unique}$"))


def test_courses_list_searches_code_however_spelled_and_title_words(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    letters = unique[:5].upper()
    create(
        api, "courses", {"code": f"{letters}201", "title": f"Linear Algebra {unique}", "credits": 5}
    )
    create(api, "courses", {"code": f"{letters}305", "title": f"Databases {unique}", "credits": 4})
    page.goto("/#/courses")
    label = "Search by code or title"
    algebra = page.get_by_role("link", name=f"{letters}201")
    databases = page.get_by_role("link", name=f"{letters}305")

    for text in (f"{letters.lower()} 201", f"{letters}-201", f"algebra {unique}"):
        search(page, label, text)
        expect(algebra).to_be_visible()
        expect(databases).to_have_count(0)
    snapshot(page, "search-courses")

    search(page, label, f"{letters}9")
    expect(page.get_by_role("heading", name=f"No courses match “{letters}9”")).to_be_visible()
    snapshot(page, "search-courses-none")


def test_a_course_code_spelled_another_way_is_the_same_course(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    letters = unique[:5].upper()
    page.goto("/#/courses")
    page.get_by_role("button", name="New course").click()
    dialog = page.get_by_role("dialog", name="New course")
    dialog.get_by_label("Course code").fill(f"{letters.lower()} 110")
    dialog.get_by_label("Credits").fill("3")
    dialog.get_by_label("Title").fill("Statistics")
    dialog.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{letters}110 · Statistics")

    page.get_by_role("link", name="All courses").click()
    page.get_by_role("button", name="New course").click()
    dialog = page.get_by_role("dialog", name="New course")
    code = dialog.get_by_label("Course code")
    code.fill(f"{letters}-110")
    dialog.get_by_label("Credits").fill("3")
    dialog.get_by_label("Title").fill("Statistics again")
    dialog.get_by_role("button", name="Create course").click()
    expect(code).to_have_accessible_description(
        re.compile("A course with this code already exists")
    )
    expect(code).to_have_attribute("aria-invalid", "true")
    snapshot(page, "course-code-taken")
    codes = [c["code"] for c in api.get("/courses", params={"q": letters}).json()["items"]]
    assert codes == [f"{letters}110"]

"""Issue 12 item 4 in the browser, at desktop and phone widths: lists sorted by name
or code, how many records match, the way back from a record to the list as it was
left (pages and scroll position), and the list exported as CSV. Each state is
screenshotted into test-output/screenshots/ (copies committed in tests/e2e/screenshots/)."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from api_core.search import plain
from tests.e2e.conftest import create, snapshot

pytestmark = pytest.mark.e2e

ROW_LINKS = "tbody th a.row-link"


def total(api: httpx.Client, resource: str, **query: str) -> int:
    reply = api.get(f"/{resource}", params={"limit": 1, "count": "true", **query})
    assert reply.status_code == 200, reply.text
    return int(reply.json()["total"])


def row_names(page: Page) -> list[str]:
    return [name.strip() for name in page.locator(ROW_LINKS).all_inner_texts()]


def sort_by(page: Page, label: str) -> None:
    page.get_by_label("Sort by").select_option(label=label)
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def later_first(width: int) -> str:
    """Letters that sort before those of any earlier call (tenths of a second, counted
    down): this test's records come first in a database earlier tests wrote to."""
    left = 26**width - 1 - int(time.time() * 10) % 26**width
    letters = ""
    for _ in range(width):
        left, digit = divmod(left, 26)
        letters = chr(ord("a") + digit) + letters
    return letters


def make_students(api: httpx.Client, unique: str, count: int) -> list[str]:
    """`count` students who, by name, come first and in this order (the second starts
    with "Á": accents and case do not count); created in the reverse order."""
    family = "Aaa" + later_first(9)
    names = [f"{family} {chr(ord('a') + n // 26)}{chr(ord('a') + n % 26)}" for n in range(count)]
    names[1] = "Á" + names[1][1:]
    for n, name in reversed(list(enumerate(names))):
        create(
            api,
            "students",
            {"name": name, "email": f"s{n}.{unique}@example.edu", "program": "Physics, Applied"},
        )
    return names


def test_students_sorted_by_name_with_the_count_in_the_header(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    names = make_students(api, unique, 3)
    page.goto("/#/students")
    expect(page.locator(ROW_LINKS).first).to_be_visible()
    everyone = total(api, "students")
    expect(page.locator(".list-count")).to_have_text(f"{everyone:,} students")
    created_order = row_names(page)

    sort_by(page, "Name (A–Z)")

    expect(page.locator(ROW_LINKS).first).to_have_text(names[0])
    shown = row_names(page)
    assert shown[:3] == names
    assert shown == sorted(shown, key=plain)
    assert shown != created_order
    expect(page).to_have_url(re.compile(r"#/students\?sort=name$"))
    shows = (
        f"Showing 20 of {everyone:,} students" if everyone > 20 else f"Showing {everyone} students"
    )
    expect(page.get_by_role("status").first).to_contain_text(shows)
    snapshot(page, "list-students-by-name")

    # A search comes in creation order: the select says so and cannot be changed.
    page.get_by_label("Search by name, email or program").fill(unique)
    expect(page.locator(".list-count")).to_have_text(f"3 students matching “{unique}”")
    expect(page.get_by_label("Sort by")).to_be_disabled()
    expect(page.get_by_text("Search results are listed by date added.")).to_be_visible()
    assert row_names(page) == list(reversed(names))
    snapshot(page, "list-search-in-date-order")

    page.get_by_label("Search by name, email or program").fill(f"nobody{unique}")
    expect(page.get_by_role("heading", name=f"No students match “nobody{unique}”")).to_be_visible()
    expect(page.locator(".list-count")).to_be_hidden()  # the empty state says it already

    page.get_by_label("Search by name, email or program").fill("")
    expect(page.get_by_label("Sort by")).to_be_enabled()
    expect(page.locator(ROW_LINKS).first).to_have_text(names[0])  # by name again


def test_courses_sorted_by_code(sized_page: Page, api: httpx.Client, unique: str) -> None:
    page = sized_page
    letters = "AAA" + later_first(5).upper()
    for number in (9, 10, 2):  # codes sort as text: ...10 < ...2 < ...9
        create(api, "courses", {"code": f"{letters}{number}", "title": unique, "credits": 5})
    page.goto("/#/courses?sort=code")

    expect(page.locator(ROW_LINKS).first).to_have_text(f"{letters}10")
    codes = row_names(page)
    assert codes[:3] == [f"{letters}10", f"{letters}2", f"{letters}9"]
    assert codes == sorted(codes)
    expect(page.get_by_label("Sort by")).to_have_value("code")
    expect(page.locator(".list-count")).to_have_text(f"{total(api, 'courses'):,} courses")
    snapshot(page, "list-courses-by-code")


def test_back_from_a_record_keeps_the_loaded_pages_and_the_scroll_position(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    names = make_students(api, unique, 25)
    for n in range(41 - total(api, "students")):  # more than two pages in all
        create(api, "students", {"name": f"Zed {n}", "email": f"z{n}.{unique}@example.edu"})
    page.goto("/#/students?sort=name")
    expect(page.locator(ROW_LINKS).first).to_have_text(names[0])
    page.get_by_role("button", name="Load more").click()
    expect(page.locator(ROW_LINKS)).to_have_count(40)
    target = page.locator(ROW_LINKS).nth(23)  # on the second page
    target.scroll_into_view_if_needed()
    chosen = target.inner_text().strip()
    left_at = page.evaluate("window.scrollY")
    assert left_at > 0
    target.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)
    lists_asked: list[str] = []
    page.on(
        "request",
        lambda request: (
            lists_asked.append(request.url)
            if re.search(r"/api/students(\?|$)", request.url)
            else None
        ),
    )

    page.go_back()

    expect(page.locator(ROW_LINKS)).to_have_count(40)
    expect(page.get_by_role("button", name="Load more")).to_be_visible()
    assert abs(page.evaluate("window.scrollY") - left_at) <= 2
    assert row_names(page)[:25] == names
    assert lists_asked == []  # shown from what was loaded, not fetched again
    snapshot(page, "list-restored-two-pages")

    # "All students" on a record leads back to the same list, also as it was.
    page.get_by_role("link", name=names[3]).click()
    page.get_by_role("link", name="All students").click()
    expect(page).to_have_url(re.compile(r"#/students\?sort=name$"))
    expect(page.locator(ROW_LINKS)).to_have_count(40)

    # A change made on the page drops the copy: the list is fetched again.
    page.get_by_role("link", name=names[0]).click()
    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit student")
    dialog.get_by_label("Program").fill("Biology")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name="All students").click()
    expect(page.locator(ROW_LINKS)).to_have_count(20)
    assert len(lists_asked) == 1


def test_export_csv_has_every_record_of_the_list_in_its_order(
    sized_page: Page, api: httpx.Client, unique: str, tmp_path: Path
) -> None:
    page = sized_page
    names = make_students(api, unique, 3)
    page.goto("/#/students?sort=name")
    expect(page.locator(ROW_LINKS).first).to_have_text(names[0])
    everyone = total(api, "students")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    path = tmp_path / "students.csv"
    download.value.save_as(path)
    data = path.read_bytes()

    assert download.value.suggested_filename == "students.csv"
    assert data.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark
    text = data[3:].decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "Name,Email,Program"
    assert len(lines) == everyone + 1  # every student, not only the 20 on screen
    assert lines[1:4] == [
        f'{name},s{n}.{unique}@example.edu,"Physics, Applied"' for n, name in enumerate(names)
    ]
    assert names[1].encode() in data and "Á".encode() == b"\xc3\x81"
    names_in_file = [row[0] for row in csv.reader(lines[1:])]
    assert names_in_file == sorted(names_in_file, key=plain)
    expect(page.get_by_text(f"Exported {everyone:,} students to students.csv.")).to_be_visible()
    snapshot(page, "list-exported")

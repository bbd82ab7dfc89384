"""Bulk import from the page: choose a CSV file, follow the import, read its report.

The imports run for real in the app under test (PUT /api/imports/{id}/file); where a
state would last too short a time to be seen (the file not read yet, half done), the
test answers the page's polling itself, and lets the real answers through after.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e.conftest import OUTPUT, LiveApp

pytestmark = pytest.mark.e2e

SHOTS = OUTPUT / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
# Importing is a state to wait for, not a time: the machine may be slow.
FINISHED = 60_000


def students_csv(path: Path, tag: str) -> Path:
    """Three students, the second with a bad email (line 3 of the file)."""
    path.write_text(
        "name,email,program,date_of_birth\n"
        f"Zoë Ångström {tag},imp.{tag}.zoe@example.edu,Physics,2004-09-30\n"
        f"Bad Row {tag},not-an-email,,\n"
        f'"O\'Brien, Seán {tag}",imp.{tag}.sean@example.edu,,\n',
        encoding="utf-8",
    )
    return path


def open_import(page: Page) -> Locator:
    page.get_by_role("button", name="Import").click()
    dialog = page.get_by_role("dialog", name="Import from a CSV file")
    expect(dialog).to_be_visible()
    return dialog


def start(dialog: Locator, file: Path) -> None:
    dialog.get_by_label("CSV file").set_input_files(file)
    dialog.get_by_role("button", name="Import", exact=True).click()


def record(import_id: str, **fields: Any) -> dict[str, Any]:
    """An import record as GET /api/imports/{id} answers it, while it runs."""
    base = {"id": import_id, "kind": "students", "file_name": "students.csv", "status": "running"}
    base |= {"rows_total": None, "rows_done": 0, "rows_failed": 0, "failures": [], "error": None}
    base |= {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    return base | fields


def test_import_students_with_a_bad_row_reports_it_and_the_list_shows_the_others(
    page: Page, api: httpx.Client, unique: str, tmp_path: Path
) -> None:
    # Answer the page's polling with chosen states first, then with the real ones.
    scripted: list[dict[str, Any] | None] = [None]

    def progress(route: Route) -> None:
        state = scripted[-1]
        if state is None or route.request.method != "GET":
            route.continue_()
        else:
            import_id = route.request.url.rsplit("/", 1)[1]
            route.fulfill(json={**state, "id": import_id})

    page.route("**/api/imports/*", progress)
    page.goto(f"/#/students?q=imp.{unique}")
    expect(page.get_by_text(f"No students match “imp.{unique}”.")).to_be_visible()

    dialog = open_import(page)
    expect(dialog.get_by_role("radio", name="Students")).to_be_checked()
    expect(dialog.get_by_role("radio", name="Students")).to_be_focused()
    help_text = dialog.locator(".import-help")
    expect(help_text).to_contain_text("name required")
    expect(help_text).to_contain_text("date_of_birth optional")
    dialog.get_by_role("radio", name="Enrollments").check()
    expect(help_text).to_contain_text("student_email required")
    dialog.get_by_role("radio", name="Students").check()

    scripted.append(record("", rows_total=None))
    start(dialog, students_csv(tmp_path / "students.csv", unique))

    bar = dialog.get_by_role("progressbar", name="Importing “students.csv”")
    expect(bar).to_be_visible()
    assert bar.evaluate("bar => bar.position") == -1  # no value yet: indeterminate
    scripted.append(record("", rows_total=3, rows_done=1, rows_failed=1))
    expect(bar).to_have_attribute("value", "2")
    expect(bar).to_have_attribute("max", "3")
    expect(dialog.get_by_text("2 of 3 rows · 1 failed")).to_be_visible()
    expect(dialog.get_by_role("status")).to_have_text("Importing 3 rows…")
    scripted.append(None)  # the real import, which has surely finished by now or will

    heading = dialog.get_by_role("heading", name="Import finished")
    expect(heading).to_be_visible(timeout=FINISHED)
    expect(heading).to_be_focused()
    expect(dialog.get_by_role("status")).to_have_text(
        "Import finished: 2 students imported, 1 row failed."
    )
    expect(dialog.locator(".import-report__counts")).to_have_text(
        "2 students imported and 1 row failed, of 3 rows in “students.csv”."
    )
    failures = dialog.get_by_role("region", name="Rows that failed")
    expect(failures.get_by_role("row")).to_have_count(2)  # the header and the bad row
    bad = failures.get_by_role("row").nth(1)
    expect(bad.get_by_role("cell").nth(0)).to_have_text("3")
    expect(bad.get_by_role("cell").nth(1)).to_contain_text("email: value is not a valid email")

    dialog.locator(".form-actions").get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Import")).to_be_focused()
    expect(page.get_by_role("link", name=f"Zoë Ångström {unique}")).to_be_visible()
    expect(page.get_by_role("link", name=f"O'Brien, Seán {unique}")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Showing")).to_have_text(
        f"Showing 2 students matching “imp.{unique}”."
    )
    assert api.get("/students", params={"q": f"bad row {unique}"}).json()["items"] == []


def test_import_of_a_file_with_a_wrong_header_shows_the_file_error(
    page: Page, tmp_path: Path
) -> None:
    file = tmp_path / "courses.csv"
    file.write_text("code,name,credits\nCS101,Programming,5\n", encoding="utf-8")
    page.goto("/#/courses")

    dialog = open_import(page)
    expect(dialog.get_by_role("radio", name="Courses")).to_be_checked()
    start(dialog, file)

    expect(dialog.get_by_role("heading", name="Import failed")).to_be_visible(timeout=FINISHED)
    expected = "Unknown column 'name': the columns are code, title, credits."
    expect(dialog.locator(".form-alert")).to_have_text(expected)
    expect(dialog.get_by_role("status")).to_have_text(f"Import failed. {expected}")
    expect(dialog.get_by_role("region", name="Rows that failed")).to_have_count(0)

    dialog.get_by_role("button", name="Import another file").click()
    expect(dialog.get_by_role("radio", name="Courses")).to_be_checked()
    expect(dialog.get_by_label("CSV file")).to_have_value("")


def test_import_without_a_file_says_to_choose_one(page: Page) -> None:
    page.goto("/#/courses")
    dialog = open_import(page)

    dialog.get_by_role("button", name="Import", exact=True).click()

    file = dialog.get_by_label("CSV file")
    expect(file).to_be_focused()
    expect(file).to_have_attribute("aria-invalid", "true")
    # What the file needs is read out with the control, and so is what is wrong.
    description = re.compile(r"header row first\..*code\W+required.*Choose a CSV file to import\.$")
    expect(file).to_have_accessible_description(description)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize(
    ("path", "method", "status", "detail", "shown"),
    [
        (
            "**/api/imports/*/file",
            "PUT",
            413,
            "The file is larger than 20,000,000 bytes.",
            "The file is larger than 20,000,000 bytes.",
        ),
        (
            "**/api/imports",
            "POST",
            503,
            "The database is unreachable right now. Try again shortly.",
            "The database is unreachable right now. Try again shortly.",  # the API's words
        ),
    ],
)
def test_import_refused_by_the_api_says_why_and_keeps_the_form(
    page: Page, tmp_path: Path, path: str, method: str, status: int, detail: str, shown: str
) -> None:
    def refuse(route: Route) -> None:
        if route.request.method != method:
            route.continue_()
            return
        problem = {"type": "/problems/x", "title": "Refused", "status": status, "detail": detail}
        headers = {"Retry-After": "1"} if status == 503 else {}
        body = json.dumps(problem)
        route.fulfill(
            status=status, body=body, headers=headers, content_type="application/problem+json"
        )

    page.route(path, refuse)
    page.goto("/#/students")
    dialog = open_import(page)

    start(dialog, students_csv(tmp_path / "students.csv", "refused"))

    alert = dialog.get_by_role("alert")
    expect(alert).to_have_text(shown)
    expect(alert).to_be_focused()
    expect(dialog.get_by_role("button", name="Import", exact=True)).to_be_enabled()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots_of_the_import_dialog(
    browser: Browser, live_app: LiveApp, tmp_path: Path, unique: str, viewport: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_app.base_url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    try:
        page.goto("/#/students")
        dialog = open_import(page)
        page.screenshot(path=SHOTS / f"import-form-{viewport}.png")
        assert page.evaluate(fits), f"the import form is wider than the {viewport} screen"

        start(dialog, students_csv(tmp_path / "students.csv", f"shot{unique}"))
        expect(dialog.get_by_role("heading", name="Import finished")).to_be_visible(
            timeout=FINISHED
        )
        page.screenshot(path=SHOTS / f"import-report-{viewport}.png")
        assert page.evaluate(fits), f"the import report is wider than the {viewport} screen"
    finally:
        context.close()

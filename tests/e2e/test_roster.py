"""Issue 12 in the browser, at desktop and phone widths: a course's roster in one
request, graded in one action with per-row conflicts and a warning before unsaved
grades are lost (item 3), and exported as CSV (item 4). Each state is screenshotted
into test-output/screenshots/ (copies committed in tests/e2e/screenshots/)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Request, expect

from api_core.devtools.rosters import seed_roster
from tests.e2e.conftest import AuthApp, LiveApp, create, snapshot
from tests.e2e.test_auth import create as auth_create
from tests.e2e.test_auth import sign_in

pytestmark = pytest.mark.e2e

BIG = 500
BOM = b"\xef\xbb\xbf"


def enroll(api: httpx.Client, course_id: Any, name: str, email: str, term: str, **more: Any) -> Any:
    student = create(api, "students", {"name": name, "email": email})
    body = {"student_id": student["id"], "course_id": course_id, "term": term, **more}
    return create(api, "enrollments", body)


@pytest.fixture(scope="module")
def big_course(live_app: LiveApp) -> dict[str, Any]:
    """A course with 500 students enrolled for Fall 2026, stored in the live app's
    database through the repositories (1,000 API requests took up to a minute)."""
    people = [(f"Élève Núñez {n:03}", f"eleve{n}@big.example") for n in range(BIG)]
    course_id, _ = seed_roster(
        live_app.database.uri, live_app.server.database_name, "BIG500", people, "2026-FALL"
    )
    return {"id": course_id}


def api_requests(page: Page) -> list[str]:
    """The API URLs the page requests from now on."""
    seen: list[str] = []

    def note(request: Request) -> None:
        if "/api/" in request.url:
            seen.append(f"{request.method} {request.url}")

    page.on("request", note)
    return seen


def row(page: Page, name: str) -> Any:
    return page.locator(".roster-row", has=page.get_by_role("link", name=name, exact=True))


def test_roster_of_500_students_loads_with_at_most_3_api_requests(
    sized_page: Page, big_course: dict[str, Any]
) -> None:
    page = sized_page
    requests = api_requests(page)

    page.goto(f"/#/courses/{big_course['id']}")

    expect(page.get_by_text(f"{BIG} students · Fall 2026")).to_be_visible()
    expect(page.locator(".roster-row")).to_have_count(BIG)
    expect(row(page, "Élève Núñez 499")).to_contain_text("eleve499@big.example")
    page.wait_for_load_state("networkidle")
    assert len(requests) <= 3, requests
    assert [r for r in requests if "/roster" in r] == [
        f"GET {page.url.split('/#')[0]}/api/courses/{big_course['id']}/roster?term=latest&limit=500"
    ]
    page.get_by_role("heading", name="Roster", exact=True).scroll_into_view_if_needed()
    snapshot(page, "roster-500")


@pytest.fixture
def small_course(api: httpx.Client, unique: str) -> dict[str, Any]:
    """A course with three students in Spring 2026 (one graded) and one in Fall 2025."""
    code = f"GR{unique[:4].upper()}1"
    course = create(api, "courses", {"code": code, "title": "Grading", "credits": 4})
    people = {
        "Zoë Ångström": ("2026-SPRING", "B"),
        "Conan O'Brien, Jr.": ("2026-SPRING", None),
        "Ada Lovelace": ("2026-SPRING", None),
        "Bjørn Dvořák": ("2025-FALL", "A"),
    }
    course["enrollments"] = {
        name: enroll(
            api,
            course["id"],
            f"{name} {unique}",
            f"{n}.{unique}@grading.example",
            term,
            **({"grade": grade} if grade else {}),
        )
        for n, (name, (term, grade)) in enumerate(people.items())
    }
    return course


def test_grades_save_in_one_request_and_a_conflict_shows_on_its_row_only(
    sized_page: Page, api: httpx.Client, small_course: dict[str, Any], unique: str
) -> None:
    page = sized_page
    page.goto(f"/#/courses/{small_course['id']}")
    # The latest term with enrollments, whatever today's term is.
    expect(page.get_by_label("Term")).to_have_value("2026-SPRING")
    expect(page.locator(".roster-row")).to_have_count(3)

    for name, grade in [
        ("Zoë Ångström", "A-"),
        ("Conan O'Brien, Jr.", "C+"),
        ("Ada Lovelace", "A+"),
    ]:
        page.get_by_label(f"Grade for {name} {unique}").select_option(grade)
    save = page.get_by_role("button", name="Save grades (3)")
    expect(save).to_be_enabled()
    save.scroll_into_view_if_needed()
    snapshot(page, "roster-changed")

    # Meanwhile someone grades Ada through the API.
    ada = small_course["enrollments"]["Ada Lovelace"]
    assert api.patch(f"/enrollments/{ada['id']}", json={"grade": "B-"}).status_code == 200
    requests = api_requests(page)
    save.click()

    conflict = row(page, f"Ada Lovelace {unique}")
    expect(conflict).to_contain_text(
        "Someone else changed this grade meanwhile. Now: B-. Yours: A+."
    )
    expect(page.locator(".roster-row--conflict")).to_have_count(1)
    expect(page.locator(".roster-row__message:visible")).to_have_count(1)
    expect(page.get_by_text("2 saved. 1 changed meanwhile")).to_be_visible()
    assert [r.split("?")[0] for r in requests] == [
        f"PATCH {page.url.split('/#')[0]}/api/courses/{small_course['id']}/roster"
    ]
    conflict.scroll_into_view_if_needed()
    snapshot(page, "roster-conflict")

    stored = {
        e["enrollment_id"]: e
        for e in api.get(f"/courses/{small_course['id']}/roster").json()["items"]
    }
    enrollments = small_course["enrollments"]
    assert stored[enrollments["Zoë Ångström"]["id"]]["grade"] == "A-"
    assert stored[enrollments["Conan O'Brien, Jr."]["id"]]["grade"] == "C+"
    assert stored[ada["id"]]["grade"] == "B-"  # theirs, until chosen otherwise

    conflict.get_by_role("button", name="Keep mine").click()
    expect(page.locator(".roster-row--conflict")).to_have_count(0)
    page.get_by_role("button", name="Save grades (1)").click()
    expect(page.get_by_text("1 grade saved.")).to_be_visible()
    assert api.get(f"/enrollments/{ada['id']}").json()["grade"] == "A+"

    # "Take theirs" after another conflict keeps the server's grade and nothing to save.
    assert api.patch(f"/enrollments/{ada['id']}", json={"grade": "D"}).status_code == 200
    page.get_by_label(f"Grade for Ada Lovelace {unique}").select_option("F")
    page.get_by_role("button", name="Save grades (1)").click()
    conflict.get_by_role("button", name="Take theirs").click()
    expect(page.get_by_label(f"Grade for Ada Lovelace {unique}")).to_have_value("D")
    expect(page.get_by_role("button", name="Save grades")).to_be_disabled()
    assert api.get(f"/enrollments/{ada['id']}").json()["grade"] == "D"


def test_unsaved_grades_warn_before_leaving(
    sized_page: Page, small_course: dict[str, Any], unique: str
) -> None:
    page = sized_page
    course_url = f"#/courses/{small_course['id']}"
    page.goto(f"/{course_url}")
    page.get_by_role(
        "heading", name="Roster", exact=True
    ).click()  # a real click: the page was used
    page.get_by_label(f"Grade for Ada Lovelace {unique}").select_option("B")

    # Following a link within the app asks first; staying keeps the change.
    page.get_by_role("link", name="All courses").click()
    dialog = page.get_by_role("dialog", name="Leave without saving?")
    expect(dialog).to_contain_text("1 changed grade is not saved yet.")
    snapshot(page, "roster-leave-warning")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page).to_have_url(re.compile(f"{re.escape(course_url)}$"))
    expect(page.get_by_label(f"Grade for Ada Lovelace {unique}")).to_have_value("B")

    # Closing or reloading the page gets the browser's own warning.
    prompts: list[str] = []
    page.once("dialog", lambda dialog: (prompts.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    for _ in range(100):
        if prompts:
            break
        page.wait_for_timeout(50)
    assert prompts == ["beforeunload"]

    # Choosing to leave leaves; once nothing is pending, links just work.
    page.get_by_role("link", name="All courses").click()
    page.get_by_role("dialog", name="Leave without saving?").get_by_role(
        "button", name="Leave without saving"
    ).click()
    expect(page).to_have_url(re.compile(r"#/courses$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    page.go_back()
    expect(page.locator(".roster-row")).to_have_count(3)
    page.get_by_role("link", name="All courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")


def test_roster_exports_as_csv_for_the_chosen_term(
    sized_page: Page, small_course: dict[str, Any], unique: str
) -> None:
    page = sized_page
    page.goto(f"/#/courses/{small_course['id']}")
    expect(page.locator(".roster-row")).to_have_count(3)

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    content = Path(download.value.path()).read_bytes()

    assert download.value.suggested_filename == f"{small_course['code']}-2026-SPRING-roster.csv"
    assert content.startswith(BOM)
    lines = content[len(BOM) :].split(b"\r\n")
    assert lines[0] == b"name,email,term,grade"
    assert lines[-1] == b""  # every row ends with CRLF
    assert sorted(lines[1:-1]) == sorted(
        f"{name},{email},2026-SPRING,{grade}".encode()
        for name, email, grade in [
            (f"Zoë Ångström {unique}", f"0.{unique}@grading.example", "B"),
            (f'"Conan O\'Brien, Jr. {unique}"', f"1.{unique}@grading.example", ""),
            (f"Ada Lovelace {unique}", f"2.{unique}@grading.example", ""),
        ]
    )
    assert b"\n" not in content.replace(b"\r\n", b"")

    page.get_by_label("Term").select_option("2025-FALL")
    expect(page.get_by_text("1 student · Fall 2025")).to_be_visible()
    expect(row(page, f"Bjørn Dvořák {unique}")).to_be_visible()
    page.get_by_label("Term").scroll_into_view_if_needed()
    snapshot(page, "roster-other-term")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    fall = Path(download.value.path()).read_bytes().decode("utf-8-sig").split("\r\n")
    assert fall[1] == f"Bjørn Dvořák {unique},3.{unique}@grading.example,2025-FALL,A"


def test_without_the_navigation_api_in_app_links_still_ask_first(
    page: Page, small_course: dict[str, Any], unique: str
) -> None:
    page.add_init_script("Object.defineProperty(window, 'navigation', { value: undefined })")
    page.goto(f"/#/courses/{small_course['id']}")
    assert page.evaluate("window.navigation === undefined")
    page.get_by_label(f"Grade for Ada Lovelace {unique}").select_option("C")

    page.get_by_role("link", name="Courses", exact=True).click()  # the main navigation
    dialog = page.get_by_role("dialog", name="Leave without saving?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page).to_have_url(re.compile(f"#/courses/{small_course['id']}$"))
    page.get_by_role("link", name="All courses").click()
    dialog.get_by_role("button", name="Leave without saving").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")


def test_reader_sees_the_roster_and_grades_but_cannot_change_them(
    auth_page: Page, auth_app: AuthApp, unique: str
) -> None:
    course = auth_create(
        auth_app, "courses", {"code": f"RD{unique[:4].upper()}1", "title": "Read", "credits": 3}
    )
    student = auth_create(
        auth_app, "students", {"name": f"Émile Reader {unique}", "email": f"emile.{unique}@x.org"}
    )
    body = {
        "student_id": student["id"],
        "course_id": course["id"],
        "term": "2026-SPRING",
        "grade": "B+",
    }
    auth_create(auth_app, "enrollments", body)

    sign_in(auth_page, f"reader-{unique}", staff=False, start=f"/#/courses/{course['id']}")

    reader_row = row(auth_page, f"Émile Reader {unique}")
    expect(reader_row).to_contain_text("Grade B+")
    expect(auth_page.get_by_text("1 student · Spring 2026")).to_be_visible()
    expect(auth_page.locator(".roster select")).to_have_count(0)
    expect(auth_page.get_by_role("button", name=re.compile("Save grades"))).to_have_count(0)
    expect(auth_page.get_by_role("button", name="Export CSV")).to_be_enabled()

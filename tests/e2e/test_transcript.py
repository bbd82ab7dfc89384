"""Issue 12 item 2 (academic standing) and the transcript's CSV export (item 4) in the
browser, at desktop and phone widths: the GPAs shown, the transcript following the
enrollments panel, the print view, the CSV file's bytes. Screenshots go to
test-output/screenshots/ (copies committed in tests/e2e/screenshots/)."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.e2e.conftest import create, snapshot

pytestmark = pytest.mark.e2e

BLACK, WHITE = "rgb(0, 0, 0)", "rgb(255, 255, 255)"


def seed(api: httpx.Client, unique: str) -> tuple[dict[str, object], str]:
    """A student over two terms with an ungraded course and an F; the course codes' stem.

    Spring 2026: A- on 4 credits, ungraded on 3 -> term GPA 3.70.
    Fall 2026: F on 2 credits, B+ on 3 -> term 9.9 / 5 = 1.98, cumulative 24.7 / 9 = 2.74.
    """
    student = create(
        api,
        "students",
        {
            "name": f"Zoë Ångström {unique}",
            "email": f"zoe.{unique}@example.edu",
            "program": "Física",
        },
    )
    stem = f"TR{unique[:4].upper()}"
    for n, title, credits, term, grade in [
        (1, "Álgebra lineal", 4, "2026-SPRING", "A-"),
        (2, "Química", 3, "2026-SPRING", None),
        (3, "Física, teórica", 2, "2026-FALL", "F"),
        (4, "Cálculo", 3, "2026-FALL", "B+"),
    ]:
        course = create(api, "courses", {"code": f"{stem}{n}", "title": title, "credits": credits})
        enrollment = {"student_id": student["id"], "course_id": course["id"], "term": term}
        create(api, "enrollments", enrollment if grade is None else {**enrollment, "grade": grade})
    return student, stem


def figures(term: Locator) -> dict[str, str]:
    """The term's figures, label -> value, as shown."""
    labels = term.locator(".transcript__figures dt").all_inner_texts()
    values = term.locator(".transcript__figures dd").all_inner_texts()
    return dict(zip(labels, values, strict=True))


def term_of(page: Page, term: str) -> Locator:
    return page.locator(f".transcript__term[data-term='{term}']")


def scroll_to(section: Locator) -> None:
    """Bring the section's top under the sticky top bar, for its screenshot."""
    section.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 72)")


def open_transcript(page: Page, student: dict[str, object]) -> Locator:
    page.goto(f"/#/students/{student['id']}")
    transcript = page.get_by_role("region", name="Transcript")
    expect(transcript.locator(".transcript__term")).to_have_count(2)
    return transcript


def test_transcript_shows_terms_in_order_with_credits_and_gpas(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student, stem = seed(api, unique)

    transcript = open_transcript(page, student)

    headings = transcript.get_by_role("heading", level=3).all_inner_texts()
    assert headings == ["Spring 2026", "Fall 2026"]
    spring, fall = term_of(page, "2026-SPRING"), term_of(page, "2026-FALL")
    expect(spring.get_by_role("row", name=f"{stem}2")).to_contain_text("Not graded")
    assert figures(spring) == {
        "Credits attempted": "7",
        "Credits earned": "4",
        "Term GPA": "3.70",
        "Cumulative GPA": "3.70",
    }
    assert figures(fall) == {
        "Credits attempted": "5",
        "Credits earned": "3",
        "Term GPA": "1.98",
        "Cumulative GPA": "2.74",
    }
    expect(transcript.get_by_role("status")).to_have_text(
        "Cumulative GPA 2.74 · 7 of 12 credits earned"
    )
    expect(transcript).to_contain_text(
        "Ungraded courses count as attempted credits but not in the GPA"
    )
    scroll_to(transcript)
    snapshot(page, "transcript")


def test_transcript_follows_grade_changes_and_removals_in_enrollments_panel(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student, stem = seed(api, unique)
    transcript = open_transcript(page, student)
    spring, fall = term_of(page, "2026-SPRING"), term_of(page, "2026-FALL")

    # Grade the ungraded course: spring 26.8 / 7 = 3.83; overall 36.7 / 12 = 3.06.
    chemistry = page.locator(".enrollment", has_text=f"{stem}2")
    chemistry.get_by_label("Grade").select_option("A")
    chemistry.get_by_role("button", name="Save grade").click()
    expect(spring.locator(".transcript__figures")).to_contain_text("Term GPA3.83")
    expect(transcript.get_by_role("status")).to_have_text(
        "Cumulative GPA 3.06 · 10 of 12 credits earned"
    )

    # Remove the F: fall 9.9 / 3 = 3.30; overall 36.7 / 10 = 3.67.
    page.get_by_role(
        "button", name=f"Remove enrollment in {stem}3 · Física, teórica, Fall 2026"
    ).click()
    page.get_by_role("dialog", name="Remove enrollment?").get_by_role(
        "button", name="Remove enrollment"
    ).click()
    expect(fall.get_by_role("row", name=f"{stem}3")).to_have_count(0)
    assert figures(fall)["Term GPA"] == "3.30"
    expect(transcript.get_by_role("status")).to_have_text(
        "Cumulative GPA 3.67 · 10 of 10 credits earned"
    )
    scroll_to(transcript)
    snapshot(page, "transcript-after-changes")


def test_transcript_prints_clean_without_navigation_buttons_or_forms(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student, stem = seed(api, unique)
    transcript = open_transcript(page, student)
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    transcript.get_by_role("button", name="Print transcript").click()
    assert page.evaluate("window.printed") == 1

    page.emulate_media(media="print")

    for hidden in (".topbar", ".back-link", ".details__meta", "form.form--inline", ".enrollments"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("button")).to_have_count(0)  # hidden ones are not in the tree
    header = page.locator(".details")
    expect(header).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Zoë Ångström {unique}")
    expect(header).to_contain_text(f"zoe.{unique}@example.edu")
    expect(header).to_contain_text("Física")
    expect(term_of(page, "2026-FALL").get_by_role("row", name=f"{stem}4")).to_be_visible()
    cell = term_of(page, "2026-FALL").get_by_role("cell", name="Cálculo")
    assert cell.evaluate("e => getComputedStyle(e).color") == BLACK
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == WHITE
    # Printed as a table at any width (the phone layout turns rows into cards on screen).
    assert cell.evaluate("e => getComputedStyle(e).display") == "table-cell"
    page.evaluate("() => window.scrollTo(0, 0)")
    snapshot(page, "transcript-print")


def test_transcript_exports_csv_with_bom_crlf_and_accents(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student, stem = seed(api, unique)
    transcript = open_transcript(page, student)

    with page.expect_download() as info:
        transcript.get_by_role("button", name="Export CSV").click()
    download = info.value
    path = download.path()
    assert path is not None
    data = path.read_bytes()

    assert download.suggested_filename == f"transcript-zoe-angstrom-{unique}.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.decode("utf-8-sig").split("\r\n") == [
        "Term,Code,Title,Credits,Grade",
        f"2026-SPRING,{stem}1,Álgebra lineal,4,A-",
        f"2026-SPRING,{stem}2,Química,3,",
        f'2026-FALL,{stem}3,"Física, teórica",2,F',
        f"2026-FALL,{stem}4,Cálculo,3,B+",
        "",
    ]


def test_transcript_of_student_without_courses_says_so(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student = create(api, "students", {"name": f"New {unique}", "email": f"new.{unique}@x.org"})

    page.goto(f"/#/students/{student['id']}")

    transcript = page.get_by_role("region", name="Transcript")
    expect(transcript.get_by_role("status")).to_have_text("No courses yet.")
    expect(transcript.get_by_role("button", name="Print transcript")).to_be_disabled()
    expect(transcript.get_by_role("button", name="Export CSV")).to_be_disabled()
    scroll_to(transcript)
    snapshot(page, "transcript-empty")


def test_transcript_that_fails_to_load_offers_to_try_again(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student, _ = seed(api, unique)
    failure = {"type": "/problems/internal-error", "title": "Internal Server Error", "status": 500}
    failure["detail"] = "The server could not complete the request."
    pattern = f"**/api/students/{student['id']}/transcript"
    page.route(pattern, lambda route: route.fulfill(status=500, json=failure))

    page.goto(f"/#/students/{student['id']}")
    transcript = page.get_by_role("region", name="Transcript")
    expect(transcript).to_contain_text("Couldn’t load the transcript.")
    expect(transcript.get_by_role("button", name="Export CSV")).to_be_disabled()
    scroll_to(transcript)
    snapshot(page, "transcript-error")

    page.unroute(pattern)
    transcript.get_by_role("button", name="Try again").click()
    expect(transcript.locator(".transcript__term")).to_have_count(2)
    expect(transcript.get_by_role("button", name="Export CSV")).to_be_enabled()


def test_transcript_loads_by_itself_once_the_database_is_back(
    page: Page, api: httpx.Client, unique: str
) -> None:
    student, _ = seed(api, unique)
    outage = {"type": "/problems/database-unavailable", "title": "Service Unavailable"}
    outage |= {"status": 503, "detail": "The database cannot be reached right now."}
    calls: list[str] = []

    def first_unavailable(route: Route) -> None:
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fulfill(status=503, json=outage, headers={"Retry-After": "1"})
        else:
            route.continue_()

    page.route(f"**/api/students/{student['id']}/transcript", first_unavailable)
    page.goto(f"/#/students/{student['id']}")

    # The banner's health check sees the API up, and the transcript asks again.
    transcript = page.get_by_role("region", name="Transcript")
    expect(transcript.locator(".transcript__term")).to_have_count(2, timeout=15_000)
    assert len(calls) == 2

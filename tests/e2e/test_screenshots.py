"""Screenshots of the main views at desktop and phone widths, for people to look at.

They are written to test-output/screenshots/. The test also fails when a view is
wider than the phone's screen (a horizontal scrollbar at 360 px).
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import CHROMIUM_ARGS, OUTPUT, LiveApp, create

pytestmark = pytest.mark.e2e

SHOTS = OUTPUT / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
assert CHROMIUM_ARGS  # the browser fixture launched Chromium with these


@pytest.fixture(scope="module")
def sample(live_app: LiveApp) -> dict[str, str]:
    """A small, realistic data set; its ids for the detail pages."""
    tag = "shot"
    with httpx.Client(base_url=f"{live_app.base_url}/api", timeout=10) as api:
        people = [
            ("Amara Okafor", "amara.okafor", "Computer Science", "2003-04-17"),
            ("Bruno Costa", "bruno.costa", "Mathematics", None),
            ("Chen Wei", "chen.wei", "Physics", "2002-11-02"),
            ("Dana Whitfield-Hargreaves", "dana.whitfield-hargreaves", None, None),
        ]
        students = [
            create(
                api,
                "students",
                {
                    "name": name,
                    "email": f"{user}.{tag}@university.example",
                    **({"program": program} if program else {}),
                    **({"date_of_birth": born} if born else {}),
                },
            )
            for name, user, program, born in people
        ]
        courses = [
            create(api, "courses", {"code": code, "title": title, "credits": credits})
            for code, title, credits in [
                ("SHOT101", "Introduction to Programming", 6),
                ("SHOT210", "Linear Algebra", 5),
                ("SHOT305", "Databases and Information Systems", 4),
            ]
        ]
        for course, term, grade in [
            (courses[0], "2025-FALL", "A"),
            (courses[1], "2025-FALL", "B+"),
            (courses[2], "2026-SPRING", None),
        ]:
            body = {"student_id": students[0]["id"], "course_id": course["id"], "term": term}
            create(api, "enrollments", {**body, **({"grade": grade} if grade else {})})
        create(
            api,
            "enrollments",
            {"student_id": students[2]["id"], "course_id": courses[0]["id"], "term": "2025-FALL"},
        )
    return {"student": str(students[0]["id"]), "course": str(courses[0]["id"])}


VIEWS = {
    "students": ("/#/students?q=", "Students"),
    "student": ("/#/students/{student}", "Amara Okafor"),
    "courses": ("/#/courses", "Courses"),
    "course": ("/#/courses/{course}", "SHOT101 · Introduction to Programming"),
}


def _fits_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots_of_main_views(
    browser: Browser, live_app: LiveApp, sample: dict[str, str], viewport: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_app.base_url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    try:
        for name, (path, heading) in VIEWS.items():
            page.goto(path.format(**sample))
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            expect(page.locator("[aria-busy=true]")).to_have_count(0)
            expect(page.locator(".skeleton")).to_have_count(0)
            page.screenshot(path=SHOTS / f"{name}-{viewport}.png", full_page=True)
            assert _fits_width(page), f"{name} is wider than the {viewport} screen"

        page.goto(f"/#/students/{sample['student']}")
        page.get_by_role("button", name="Edit").click()
        dialog = page.get_by_role("dialog", name="Edit student")
        dialog.get_by_label("Email").fill("not an email")
        dialog.get_by_role("button", name="Save changes").click()
        expect(dialog.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
        page.screenshot(path=SHOTS / f"edit-error-{viewport}.png")
        assert _fits_width(page), f"the edit dialog is wider than the {viewport} screen"
    finally:
        context.close()

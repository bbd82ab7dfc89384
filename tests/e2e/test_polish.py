"""Issue 12 item 6 (polish) in the browser, at desktop and phone widths: toasts,
the start-up skeleton, the merge after a 412, the not-found page, the grade select
on a phone and a navigation with four sections. Each new state is screenshotted
into test-output/screenshots/ (copies committed in tests/e2e/screenshots/)."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import create, snapshot

pytestmark = pytest.mark.e2e

# The visible controls whose box meets the toast's; `only_marked` keeps to those
# marked data-was-visible before the toast appeared.
COVERED_JS = """(onlyMarked) => {
  const toast = document.querySelector("#toasts .toast").getBoundingClientRect();
  const covered = [];
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea")) {
    if (el.closest("#toasts") || !el.checkVisibility()) continue;
    if (onlyMarked && !el.hasAttribute("data-was-visible")) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.bottom <= 0 || r.top >= innerHeight) continue;
    const across = r.left < toast.right && r.right > toast.left;
    const meets = across && r.top < toast.bottom && r.bottom > toast.top;
    if (meets) covered.push(el.outerHTML.slice(0, 100));
  }
  return covered;
}"""

# Marks the controls wholly visible between the top bar and the bottom of the screen.
MARK_VISIBLE_JS = """() => {
  const top = document.querySelector(".topbar").getBoundingClientRect().bottom;
  let marked = 0;
  const controls = document.querySelectorAll("main :is(a[href], button, input, select)");
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    if (el.checkVisibility() && r.width > 0 && r.top >= top && r.bottom <= innerHeight) {
      el.setAttribute("data-was-visible", "");
      marked += 1;
    }
  }
  return marked;
}"""


def covered_controls(page: Page, *, only_marked: bool = False) -> list[str]:
    found: list[str] = page.evaluate(COVERED_JS, only_marked)
    return found


def test_toast_after_delete_takes_room_is_dismissed_and_stays_behind(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    rows = [  # enough that links reach the bottom of either screen
        create(api, "students", {"name": f"Row {n} {unique}", "email": f"row{n}.{unique}@x.org"})
        for n in range(12)
    ]
    gone = create(api, "students", {"name": f"Gone {unique}", "email": f"gone.{unique}@x.org"})
    page.goto(f"/#/students/{gone['id']}")
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete student").click()
    expect(page).to_have_url(re.compile(r"#/students$"))
    toast = page.locator("#toasts .toast")
    # The confirmation came with the navigation it caused, so it stays on this page.
    expect(toast).to_have_text(f"Student “Gone {unique}” deleted.")
    row_links = page.locator("main a.row-link")
    expect(row_links.nth(11)).to_be_visible()
    assert covered_controls(page) == []
    snapshot(page, "toast")

    page.get_by_role("button", name="Dismiss message").click()
    expect(toast).to_have_count(0)
    expect(page.locator("#main")).to_be_focused()

    page.goto(f"/#/students/{rows[0]['id']}")  # a hash change: the same document
    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit student")
    dialog.get_by_label("Program").fill(f"History {unique}")
    dialog.get_by_role("button", name="Save changes").click()
    expect(toast).to_have_text(f"Changes to “Row 0 {unique}” saved.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    expect(toast).to_have_count(0)  # it did not follow to the next page

    page.go_back()
    page.get_by_role("button", name="Edit").click()
    dialog.get_by_label("Program").fill(f"Geography {unique}")
    dialog.get_by_role("button", name="Save changes").click()
    expect(toast).to_have_count(1)
    page.keyboard.press("Escape")
    expect(toast).to_have_count(0)


def test_toast_deep_in_a_long_page_covers_no_control_that_was_in_view(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student = create(api, "students", {"name": f"Deep {unique}", "email": f"deep.{unique}@x.org"})
    letters = unique[:5].upper()
    for n in range(10):
        course = create(
            api, "courses", {"code": f"{letters}{n + 100}", "title": f"Topic {n}", "credits": 3}
        )
        body = {"student_id": student["id"], "course_id": course["id"], "term": "2026-FALL"}
        create(api, "enrollments", body)
    page.goto(f"/#/students/{student['id']}")
    rows = page.locator("li.enrollment")
    expect(rows).to_have_count(10)
    row = rows.nth(6)  # mid-page, with rows above and below it on the screen
    row.evaluate("row => row.scrollIntoView({ block: 'center' })")
    page.wait_for_function("window.scrollY > 0")
    assert page.evaluate(MARK_VISIBLE_JS) >= 3

    row.get_by_label("Grade", exact=True).select_option("B+")
    row.get_by_role("button", name="Save grade").click()
    expect(page.locator("#toasts .toast")).to_have_text("Grade B+ saved.")
    assert covered_controls(page, only_marked=True) == []
    expect(row.get_by_label("Grade", exact=True)).to_be_in_viewport()
    snapshot(page, "toast-scrolled")


def test_skeleton_shows_while_the_sign_in_configuration_loads(sized_page: Page) -> None:
    page = sized_page
    held: list[Route] = []
    page.route("**/api/auth/config", lambda route: held.append(route))
    page.goto("/#/students")
    main = page.locator("#main")
    expect(main).to_have_attribute("aria-busy", "true")
    expect(page.locator(".skeleton-page")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Loading…")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    snapshot(page, "startup-skeleton", busy=True)

    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_role("heading", level=1)).to_have_text("Students")
    expect(page.locator(".skeleton-page")).to_have_count(0)
    expect(main).not_to_have_attribute("aria-busy", "true")


def test_load_latest_after_a_412_keeps_my_edits_where_the_server_changed_nothing(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student = create(
        api,
        "students",
        {"name": f"Merge {unique}", "email": f"merge.{unique}@x.org", "program": "Maths"},
    )
    page.goto(f"/#/students/{student['id']}")
    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit student")
    dialog.get_by_label("Full name").fill(f"Merged {unique}")  # only mine
    dialog.get_by_label("Program").fill("Chemistry")  # both, differently

    # Someone else saves meanwhile: a new email (only theirs) and another program.
    theirs = {"email": f"theirs.{unique}@x.org", "program": "Physics"}
    reply = api.patch(f"/students/{student['id']}", json=theirs)
    assert reply.status_code == 200, reply.text

    dialog.get_by_role("button", name="Save changes").click()
    alert = dialog.get_by_role("alert").first
    expect(alert).to_contain_text("changed by someone else after you opened it")
    dialog.get_by_role("button", name="Load the latest version").click()
    expect(alert).to_contain_text("Loaded the latest version.")
    expect(alert).to_contain_text("Program: changed by you and by someone else")
    expect(dialog.get_by_label("Full name")).to_have_value(f"Merged {unique}")
    expect(dialog.get_by_label("Email")).to_have_value(theirs["email"])
    program = dialog.get_by_label("Program")
    expect(program).to_have_value("Physics")
    expect(program).to_have_accessible_description(
        re.compile("Someone else changed this too, to “Physics”; your “Chemistry” was replaced")
    )
    snapshot(page, "conflict-merged")

    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    saved = api.get(f"/students/{student['id']}").json()
    assert (saved["name"], saved["email"], saved["program"], saved["version"]) == (
        f"Merged {unique}",
        theirs["email"],
        "Physics",
        3,
    )


def test_not_found_page_links_to_every_section_and_back(sized_page: Page) -> None:
    page = sized_page
    page.goto("/#/nowhere")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Page not found")
    links = page.get_by_role("navigation", name="Sections")
    expect(links.get_by_role("button", name="Go back")).to_have_count(0)  # nowhere to go back to
    snapshot(page, "not-found")
    for title in ("Students", "Courses"):
        links.get_by_role("link", name=f"Go to {title.lower()}").click()
        expect(heading).to_have_text(title)
        page.go_back()
        expect(heading).to_have_text("Page not found")

    page.goto("/#/courses")
    expect(heading).to_have_text("Courses")
    page.evaluate("window.location.hash = '#/courses/not-a-page/at-all'")
    expect(heading).to_have_text("Page not found")
    snapshot(page, "not-found-with-back")
    links.get_by_role("button", name="Go back").click()
    expect(heading).to_have_text("Courses")
    expect(page).to_have_url(re.compile(r"#/courses$"))


# The width a select needs to show its longest option whole: a copy of it, sized by
# its content alone, in the same place.
SELECT_FITS_JS = """(select) => {
  const copy = select.cloneNode(true);
  copy.removeAttribute("id");
  Object.assign(copy.style, {
    position: "absolute", visibility: "hidden", width: "auto", minWidth: "0", maxWidth: "none",
  });
  select.parentElement.append(copy);
  const needed = copy.getBoundingClientRect().width;
  copy.remove();
  return { needed, shown: select.getBoundingClientRect().width };
}"""


def test_grade_select_shows_its_whole_text_on_a_phone(
    sized_page: Page, api: httpx.Client, unique: str
) -> None:
    page = sized_page
    student = create(
        api,
        "students",
        {"name": f"Grades of a long name {unique}", "email": f"grade.{unique}@x.org"},
    )
    course = create(
        api,
        "courses",
        {"code": f"{unique[:5].upper()}404", "title": "Grades", "credits": 4},
    )
    body = {"student_id": student["id"], "course_id": course["id"], "term": "2026-FALL"}
    create(api, "enrollments", body)
    page.goto(f"/#/students/{student['id']}")
    select = page.locator("li.enrollment").get_by_label("Grade", exact=True)
    expect(select).to_have_value("")
    expect(select.locator("option:checked")).to_have_text("No grade yet")
    size = select.evaluate(SELECT_FITS_JS)
    assert size["shown"] >= size["needed"], size
    select.scroll_into_view_if_needed()
    snapshot(page, "grade-select")


def with_more_sections(route: Route) -> None:
    """declared.js as if two more resources had pages of their own."""
    response = route.fetch()
    text = response.text()
    start, end = text.index("["), text.rindex("]") + 1
    declared = json.loads(text[start:end])
    for name, title in (("departments", "Departments"), ("instructors", "Instructors")):
        declared.append(
            {
                "resource": name,
                "singular": name[:-1],
                "title": title,
                "page": True,
                "searchFields": [],
                "references": {},
                "uniqueFields": [],
                "fields": [{"name": "name", "label": "Name", "maxlength": 100, "required": True}],
            }
        )
    route.fulfill(response=response, body=text[:start] + json.dumps(declared) + text[end:])


def test_navigation_with_four_sections_fits_the_screen(sized_page: Page) -> None:
    page = sized_page
    page.route("**/js/declared.js", with_more_sections)
    empty = json.dumps({"items": [], "next_cursor": None})
    page.route(
        re.compile(r".*/api/(departments|instructors)(\?.*)?$"),
        lambda r: r.fulfill(status=200, content_type="application/json", body=empty),
    )
    page.goto("/#/students")
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    expect(links).to_have_count(4)
    width = page.viewport_size["width"] if page.viewport_size else 0
    for title in ("Students", "Courses", "Departments", "Instructors"):
        link = nav.get_by_role("link", name=title)
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (title, box)
        link.click()
        expect(link).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
    snapshot(page, "nav-four-sections")

"""Two tabs edit the same student: the second save gets a 412 and offers the latest version."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import create

pytestmark = pytest.mark.e2e


def test_stale_edit_from_a_second_tab_offers_to_reload(
    page: Page, context: BrowserContext, api: httpx.Client, unique: str
) -> None:
    student = create(api, "students", {"name": f"Tab {unique}", "email": f"tab.{unique}@x.org"})
    other = context.new_page()
    for tab in (page, other):
        tab.goto(f"/#/students/{student['id']}")
        expect(tab.get_by_role("heading", level=1)).to_have_text(f"Tab {unique}")
        tab.get_by_role("button", name="Edit").click()

    other.get_by_role("dialog").get_by_label("Program").fill("Physics")
    other.get_by_role("dialog").get_by_role("button", name="Save changes").click()
    expect(other.get_by_text("Physics")).to_be_visible()

    dialog = page.get_by_role("dialog", name="Edit student")
    dialog.get_by_label("Program").fill("Chemistry")
    dialog.get_by_role("button", name="Save changes").click()
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("changed by someone else after you opened it")
    expect(alert).to_be_focused()
    assert api.get(f"/students/{student['id']}").json()["program"] == "Physics"

    dialog.get_by_role("button", name="Load the latest version").click()
    expect(dialog.get_by_label("Program")).to_have_value("Physics")
    expect(alert).to_contain_text("Loaded the latest version")
    dialog.get_by_label("Program").fill("Chemistry")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".details__item", has_text="Program")).to_contain_text("Chemistry")
    saved = api.get(f"/students/{student['id']}").json()
    assert (saved["program"], saved["version"]) == ("Chemistry", 3)

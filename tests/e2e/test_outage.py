"""The banner while the database is down, and its disappearance when it is back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import OUTPUT, LiveApp

pytestmark = pytest.mark.e2e


def test_banner_shows_during_outage_and_clears_after(page: Page, live_app: LiveApp) -> None:
    page.goto("/#/courses")
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    banner = page.locator("#connection-banner")
    expect(banner).to_be_hidden()

    live_app.database.stop()
    try:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Students").click()
        expect(banner).to_be_visible()
        expect(banner).to_have_attribute("role", "alert")
        expect(banner).to_contain_text("Can’t reach the database.")
        expect(page.get_by_role("heading", name="Couldn’t load students")).to_be_visible()
        (OUTPUT / "screenshots").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=OUTPUT / "screenshots" / "outage-desktop.png")
    finally:
        live_app.database.start()

    # The page polls /api/health and clears the banner by itself, then reloads the list.
    expect(banner).to_be_hidden(timeout=20_000)
    expect(page.get_by_role("heading", name="Couldn’t load students")).to_be_hidden()
    expect(page.get_by_role("button", name="New student")).to_be_enabled()
    live_app.wait_until_healthy()

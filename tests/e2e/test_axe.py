"""The accessibility check itself can fail: axe sees a violation planted in the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import violations

pytestmark = pytest.mark.e2e


def test_axe_reports_a_planted_violation_and_nothing_else(page: Page) -> None:
    page.goto("/#/students")
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    assert violations(page) == []

    page.evaluate("document.querySelector('main').append(document.createElement('img'))")

    assert [v["id"] for v in violations(page)] == ["image-alt"]

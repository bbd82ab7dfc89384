"""Every declared resource with a page can be reached, created and deleted in the page,
whether its page is written (students, courses) or derived from its declaration."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from api_core.resources import ALL_RESOURCES, Resource

pytestmark = pytest.mark.e2e

PAGES = [resource for resource in ALL_RESOURCES if resource.page]


@pytest.mark.parametrize("resource", PAGES, ids=[resource.name for resource in PAGES])
def test_declared_page_creates_shows_and_deletes_the_first_example(
    page: Page, resource: Resource
) -> None:
    one = resource.singular
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=resource.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(resource.title)

    page.get_by_role("button", name=f"New {one}").click()
    dialog = page.get_by_role("dialog", name=f"New {one}")
    for name, value in resource.examples[0].items():
        control = dialog.locator(f'[name="{name}"]')
        if control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(str(value))
        else:
            control.fill(str(value))
    dialog.get_by_role("button", name=f"Create {one}").click()

    expect(page).to_have_url(re.compile(rf"#/{resource.name}/[0-9a-f]{{24}}$"))
    expect(page.get_by_text(f"{one.capitalize()} “")).to_contain_text("created")
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name=f"Delete {one}").click()
    expect(page).to_have_url(re.compile(rf"#/{resource.name}$"))

"""The app's name is one setting: APP_NAME names the page, the API and the database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from pymongo import MongoClient

from api_core.devtools.app_server import AppServer
from tests.e2e.conftest import OUTPUT, LiveApp, checked_page, guarded_context

pytestmark = pytest.mark.e2e


def test_page_is_branded_with_the_default_app_name(page: Page) -> None:
    page.goto("/#/students")

    expect(page.get_by_role("link", name="Student records")).to_be_visible()
    expect(page).to_have_title("Students · Student records")


@pytest.fixture(scope="module")
def renamed_app(live_app: LiveApp) -> Iterator[tuple[str, AppServer]]:
    """The same code with APP_NAME set and no MONGODB_DB."""
    name = f"Library loans {uuid.uuid4().hex[:6]}"
    env = {"MONGODB_URI": live_app.database.uri, "APP_NAME": name, "LOG_LEVEL": "WARNING"}
    with AppServer(env, log_path=OUTPUT / "e2e-uvicorn-renamed.log") as server:
        yield name, server


def test_one_setting_renames_page_api_and_database(
    browser: Browser, renamed_app: tuple[str, AppServer], live_app: LiveApp
) -> None:
    name, server = renamed_app
    for page in pages(browser, server.base_url):
        page.goto("/#/courses")
        expect(page.get_by_role("link", name=name)).to_be_visible()
        expect(page).to_have_title(f"Courses · {name}")

    document = httpx.get(f"{server.base_url}/api/openapi.json").json()
    assert document["info"]["title"] == f"{name} API"
    created = httpx.post(
        f"{server.base_url}/api/courses",
        json={"code": "LL101", "title": "Lending", "credits": 3},
    )
    assert created.status_code == 201
    database = name.lower().replace(" ", "_")
    with MongoClient(live_app.database.uri) as client:
        assert client[database]["courses"].count_documents({"code": "LL101"}) == 1


def pages(browser: Browser, base_url: str) -> Iterator[Page]:
    for context in guarded_context(browser, base_url):
        yield from checked_page(context)

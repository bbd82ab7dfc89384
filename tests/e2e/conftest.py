"""Fixtures for browser tests: a MongoDB-wire server, the app under uvicorn, Chromium.

The servers and the browser live while the e2e package runs (package scope: the
sync Playwright API keeps an event loop running in the main thread, which would
break async tests that run after these); each test gets a fresh browser context
and makes its own uniquely named records, so tests do not depend on each other.
"""

from __future__ import annotations

import random
import shutil
import string
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Route,
    expect,
    sync_playwright,
)

from api_core.devtools.app_server import AppServer
from api_core.devtools.oidc_issuer import SignInClient, StandInIssuer
from api_core.devtools.wire_server import WireServer
from tests.e2e.axe import violations

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
CLIENT_ID = "student-records-web"
STAFF_CLAIM = "cognito:groups"


@dataclass
class LiveApp:
    server: AppServer
    database: WireServer

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def wait_until_healthy(self) -> None:
        self.server.wait_until_healthy()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does this)")
    return path


@pytest.fixture(scope="package")
def live_app() -> Iterator[LiveApp]:
    OUTPUT.mkdir(exist_ok=True)
    with WireServer() as database:
        env = {
            "MONGODB_URI": database.uri,
            "MONGODB_DB": f"e2e_{uuid.uuid4().hex[:12]}",
            # A short budget makes the outage test see its 503 (and the recovery) quickly.
            "MONGODB_TIMEOUT_MS": "1000",
            "RETRY_AFTER_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }
        with AppServer(env, log_path=OUTPUT / "e2e-uvicorn.log") as server:
            yield LiveApp(server, database)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def guarded_context(browser: Browser, *origins: str) -> Iterator[BrowserContext]:
    """A browser context that fails the test when the page reaches beyond `origins`."""
    context = browser.new_context(base_url=origins[0], viewport=DESKTOP)
    context.set_default_timeout(10_000)
    foreign: list[str] = []
    prefixes = tuple(f"{origin}/" for origin in origins)  # so :80 does not admit :8000

    def guard(route: Route, request: Request) -> None:
        if request.url.startswith(prefixes):
            route.continue_()
        else:
            foreign.append(request.url)
            route.abort()

    context.route("**/*", guard)
    yield context
    context.close()
    assert not foreign, f"the page requested other origins: {foreign}"


def checked_page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on any uncaught error in its scripts."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def context(browser: Browser, live_app: LiveApp) -> Iterator[BrowserContext]:
    # The page must work offline: any request to another origin fails the test.
    yield from guarded_context(browser, live_app.base_url)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    yield from checked_page(context)


@dataclass
class AuthApp:
    """The app with AUTH_MODE=verify, and the stand-in issuer it trusts."""

    base_url: str
    issuer: StandInIssuer
    client: SignInClient

    def staff_token(self) -> str:
        """An access token as Cognito issues them (client_id, no aud) for a staff member."""
        return self.issuer.token(
            None, client_id=CLIENT_ID, token_use="access", **{STAFF_CLAIM: ["staff"]}
        )


@pytest.fixture(scope="package")
def auth_app(live_app: LiveApp) -> Iterator[AuthApp]:
    """A second uvicorn, signing in through a stand-in issuer started here."""
    issuer = StandInIssuer().start()
    server = AppServer(
        {
            "MONGODB_URI": live_app.database.uri,
            "MONGODB_DB": f"e2e_auth_{uuid.uuid4().hex[:12]}",
            "LOG_LEVEL": "WARNING",
            "AUTH_MODE": "verify",
            "AUTH_ISSUER": issuer.url,
            "AUTH_AUDIENCE": CLIENT_ID,
            "AUTH_STAFF_CLAIM": STAFF_CLAIM,
            "AUTH_STAFF_VALUE": "staff",
            "AUTH_CLIENT_ID": CLIENT_ID,
            "AUTH_AUTHORIZE_URL": f"{issuer.url}/authorize",
            "AUTH_TOKEN_URL": f"{issuer.url}/token",
            "AUTH_LOGOUT_URL": f"{issuer.url}/logout",
        },
        log_path=OUTPUT / "e2e-uvicorn-auth.log",
    )
    # The page sends the browser back to itself: origin and path, no query or hash.
    client = issuer.enable_sign_in(CLIENT_ID, {f"{server.base_url}/"})
    OUTPUT.mkdir(exist_ok=True)
    try:
        server.start()
        yield AuthApp(server.base_url, issuer, client)
    finally:
        server.stop()
        issuer.stop()


@pytest.fixture
def auth_context(browser: Browser, auth_app: AuthApp) -> Iterator[BrowserContext]:
    # The auth tests may also visit the stand-in issuer (sign-in page, token, logout).
    yield from guarded_context(browser, auth_app.base_url, auth_app.issuer.url)


@pytest.fixture
def auth_page(auth_context: BrowserContext) -> Iterator[Page]:
    yield from checked_page(auth_context)


@pytest.fixture
def unique() -> str:
    """A short random tag of letters for names, emails and course codes that must not collide."""
    return "".join(random.choices(string.ascii_lowercase, k=6))


@pytest.fixture
def api(live_app: LiveApp) -> Iterator[httpx.Client]:
    """Direct API access, to arrange data quickly and to check what the UI did."""
    with httpx.Client(base_url=f"{live_app.base_url}/api", timeout=10) as client:
        yield client


def create(api: httpx.Client, resource: str, body: dict[str, object]) -> dict[str, object]:
    reply = api.post(f"/{resource}", json=body)
    assert reply.status_code == 201, reply.text
    record: dict[str, object] = reply.json()
    return record


SHOTS = OUTPUT / "screenshots"  # copies of new states are committed in tests/e2e/screenshots/
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(params=VIEWPORTS)
def sized_page(page: Page, request: pytest.FixtureRequest) -> Page:
    page.set_viewport_size(VIEWPORTS[request.param])
    page.viewport_name = request.param  # type: ignore[attr-defined]  # for screenshot names
    return page


def snapshot(page: Page, state: str, *, busy: bool = False) -> None:
    """Write the state's screenshot; an accessibility violation, or a view wider than
    the screen, fails the test. `busy`: the state is a loading one (aria-busy)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if not busy:
        expect(page.locator("[aria-busy=true]")).to_have_count(0)
    assert violations(page) == [], state
    page.screenshot(path=SHOTS / f"{state}-{page.viewport_name}.png")  # type: ignore[attr-defined]
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{state} is wider than the {page.viewport_name} screen"  # type: ignore[attr-defined]

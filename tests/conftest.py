"""Fixtures every test shares: a clean environment, settings, and a Lambda context.

The API reads its settings once, where a process starts; a test builds the settings
it wants and passes them to what it builds (an app, a function's handler).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest

from api_core import database
from api_core.devtools.aws import CREDENTIALS, FOREIGN, ImportStack, MotoServer, create_stack
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.loops import run_in_own_loop
from api_core.devtools.settings import changed
from api_core.devtools.wire_server import WireServer
from api_core.migrate import migrate_configured_database
from api_core.settings import Settings
from tests.support.functions import Handlers


@pytest.fixture(scope="session", autouse=True)
def no_settings_from_the_shell() -> Iterator[None]:
    """The suite runs on the defaults (authentication off), whatever the shell exported.

    For the whole session, so that servers started by session- or module-scoped
    fixtures do not inherit them either. The names come from the settings class
    (matched without regard to case, as pydantic-settings does), so a new setting is
    covered the day it is added.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.lower() in Settings.model_fields:
                patch.delenv(name)
        # The default is closed (gateway); most tests exercise the API itself, open.
        # The tests of authentication set their own mode.
        patch.setenv("AUTH_MODE", "off")
        yield


@pytest.fixture
def settings() -> Settings:
    """The defaults, with authentication off: what most tests run the API on."""
    return Settings()


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture(scope="session")
def wire_server() -> Iterator[WireServer]:
    """A real MongoDB-wire server over TCP, shared by the session's tests."""
    with WireServer() as server:
        yield server


@pytest.fixture
def live_settings(settings: Settings, wire_server: WireServer) -> Iterator[Settings]:
    """`settings` pointed at the wire server, in a database of this test's own.

    Handlers run on the thread's event loop, as on Lambda; the client cached there
    is closed afterwards so the next test starts cold.
    """
    live = changed(
        settings,
        mongodb_uri=wire_server.uri,
        mongodb_db=f"test_{uuid.uuid4().hex[:12]}",
        mongodb_timeout_ms=1000,
    )
    migrate(live)
    yield live
    close_cached_client()


@pytest.fixture
def handlers(live_settings: Settings) -> Handlers:
    """Every function's handler, on the live settings."""
    return Handlers(live_settings)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """moto's S3 and SQS on a loopback port, shared by the session's tests."""
    with MotoServer() as server:
        yield server


@pytest.fixture
def import_stack(monkeypatch: pytest.MonkeyPatch, moto_server: MotoServer) -> ImportStack:
    """The API on AWS, offline: a bucket and queues of this test's own on moto, and
    the credentials boto3 reads from the environment. `stack.settings(...)` gives
    the settings template.yaml gives the import functions, pointing at them."""
    for name in FOREIGN:
        monkeypatch.delenv(name, raising=False)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return create_stack(moto_server.endpoint)


def close_cached_client() -> None:
    """Close the API's cached client on the loop Lambda handlers run on."""
    asyncio.get_event_loop().run_until_complete(database.close_client())


def migrate(settings: Settings) -> None:
    """Run the deploy step, as `make run` and a deploy do before serving."""
    run_in_own_loop(migrate_configured_database(settings))

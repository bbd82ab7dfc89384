"""One deadline per request: whatever the database's fault, a 503 within the budget.

A TCP fault proxy stands between the functions and a real wire server and plays
each fault for reads and writes, on a cold process and on a warm one; then the
database comes back and the same process serves again.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from api_core.devtools.builders import student_body
from api_core.devtools.invoke import assert_unavailable, invoke, pointed_at, timed
from api_core.devtools.wire_server import WireServer
from api_core.lambda_handler import resource_handler
from api_core.resources import STUDENTS
from api_core.settings import Settings
from tests.support.fault_proxy import FaultProxy, Mode
from tests.support.functions import Handlers

BUDGET_MS = 1000
# What the issue asks: the answer within the budget and half a second.
ANSWERED_WITHIN_S = BUDGET_MS / 1000 + 0.5
FAULTS: tuple[Mode, ...] = ("hang", "blackhole", "refuse", "delay")
SLOWER_THAN_THE_BUDGET_S = 3 * BUDGET_MS / 1000

pytestmark = pytest.mark.usefixtures("cold_process", "sockets_cancelled_mid_connect")


@pytest.fixture
def sockets_cancelled_mid_connect() -> Iterator[None]:
    """When the hard stop fires first (a loaded machine delays pymongo's own deadline),
    it cancels pymongo 4.20 in the middle of a connect, which then drops its new socket
    without closing it (its `_async_create_connection` closes on a timeout, not on
    cancellation). The socket's finalizer closes it; collect it here, so its warning
    is not raised in whichever later test the collector happens to run."""
    yield
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "unclosed <socket.socket", ResourceWarning)
        gc.collect()


@pytest.fixture
def proxy(wire_server: WireServer) -> Iterator[FaultProxy]:
    with FaultProxy(wire_server.port, delay=SLOWER_THAN_THE_BUDGET_S) as proxy:
        yield proxy


@pytest.fixture
def behind_proxy(settings: Settings, proxy: FaultProxy) -> Handlers:
    """The functions, reaching the wire server through the fault proxy."""
    return Handlers(pointed_at(settings, proxy.uri, BUDGET_MS, database="deadline"))


def request(operation: str) -> tuple[str, str, Any]:
    if operation == "read":
        return "GET", "/api/students", None
    return "POST", "/api/students", student_body()


def requests_until_served(handlers: Handlers, most: int = 5) -> int:
    """How many reads it takes this process to get a 200: a count, not a time.

    On a loaded machine a cold connection can itself outlast a one-second budget, so
    the process may need more than one request to warm up or to come back.
    """
    for attempt in range(1, most + 1):
        if invoke(handlers.students, "GET", "/api/students")["statusCode"] == 200:
            return attempt
    raise AssertionError(f"no 200 in {most} requests")


@pytest.mark.parametrize("start", ["cold", "warm"])
@pytest.mark.parametrize("operation", ["read", "write"])
@pytest.mark.parametrize("fault", FAULTS)
def test_a_sick_database_is_a_503_within_the_budget_and_the_process_recovers(
    behind_proxy: Handlers, proxy: FaultProxy, fault: Mode, operation: str, start: str
) -> None:
    handlers = behind_proxy
    if start == "warm":
        requests_until_served(handlers)
    proxy.set_mode(fault)

    response, elapsed = timed(handlers.students, *request(operation))
    health_response, health_elapsed = timed(handlers.health, "GET", "/api/health")

    assert_unavailable(response, handlers.settings)
    assert_unavailable(health_response, handlers.settings)
    assert elapsed < ANSWERED_WITHIN_S
    assert health_elapsed < ANSWERED_WITHIN_S

    proxy.set_mode("pass")
    # The same process serves again by itself, without a restart.
    assert requests_until_served(handlers) <= 3


def test_a_slow_database_within_the_budget_still_answers(
    behind_proxy: Handlers, proxy: FaultProxy
) -> None:
    handlers = behind_proxy
    proxy.set_mode("delay", delay=0.02)

    created = invoke(handlers.students, "POST", "/api/students", student_body())
    listed = invoke(handlers.students, "GET", "/api/students")

    assert (created["statusCode"], listed["statusCode"]) == (201, 200)


@pytest.fixture(scope="module")
def password_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireServer]:
    """A wire server that requires a password: user `app`, password `right`."""
    storage = Path(tmp_path_factory.mktemp("auth-server"))
    with WireServer(None, storage) as server:
        with MongoClient(server.uri) as admin:
            admin.admin.command(
                "createUser", "app", pwd="right", roles=[{"role": "readWrite", "db": "school"}]
            )
        port = server.port
    with WireServer(port, storage, "--auth") as server:
        yield server


def password_uri(server: WireServer, userinfo: str) -> str:
    return f"mongodb://{userinfo}127.0.0.1:{server.port}/?authSource=admin"


@pytest.mark.parametrize("operation", ["read", "write"])
@pytest.mark.parametrize("userinfo", ["app:wrong@", ""], ids=["wrong-password", "no-password"])
def test_refused_credentials_are_a_503_within_the_budget_every_time(
    settings: Settings, password_server: WireServer, userinfo: str, operation: str
) -> None:
    refused = pointed_at(settings, password_uri(password_server, userinfo), BUDGET_MS, "school")
    students = resource_handler(STUDENTS, refused)

    for _ in range(2):  # the process's first request, and the one after it
        response, elapsed = timed(students, *request(operation))
        assert_unavailable(response, refused)
        assert elapsed < ANSWERED_WITHIN_S


def test_the_right_password_is_served(settings: Settings, password_server: WireServer) -> None:
    right = pointed_at(settings, password_uri(password_server, "app:right@"), BUDGET_MS, "school")
    students = resource_handler(STUDENTS, right)

    assert invoke(students, "POST", "/api/students", student_body())["statusCode"] == 201

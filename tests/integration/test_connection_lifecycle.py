"""The connection lifecycle in design.md, proven against a real MongoDB-wire server."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pymongo.asynchronous.srv_resolver as srv_resolver
import pytest
from pymongo import AsyncMongoClient, MongoClient, monitoring

from api_core import database
from api_core.settings import get_settings
from functions import health, students
from tests.conftest import close_cached_client
from tests.support.builders import student_body
from tests.support.events import build_event, response_headers, response_json
from tests.support.lambda_context import FakeLambdaContext
from tests.support.wire_server import WireServer, free_port

BUDGET_MS = 1000


def invoke(handler: Any, method: str, path: str, body: Any = None) -> dict[str, Any]:
    response: dict[str, Any] = handler(
        build_event("http_api_v2", method, path, body=body), FakeLambdaContext()
    )
    return response


def timed(handler: Any, method: str, path: str) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    response = invoke(handler, method, path)
    return response, time.perf_counter() - started


def point_api_at(monkeypatch: pytest.MonkeyPatch, uri: str) -> None:
    monkeypatch.setenv("MONGODB_URI", uri)
    monkeypatch.setenv("MONGODB_TIMEOUT_MS", str(BUDGET_MS))
    monkeypatch.setenv("MONGODB_DB", "lifecycle")
    get_settings.cache_clear()


def assert_unavailable(response: dict[str, Any]) -> None:
    assert response["statusCode"] == 503
    headers = response_headers(response)
    assert headers["content-type"] == "application/problem+json"
    assert headers["retry-after"] == "5"
    problem = response_json(response)
    assert problem["type"] == "/problems/database-unavailable"
    assert "Timeout" not in problem["detail"] and "127.0.0.1" not in problem["detail"]


class Recorder(monitoring.ConnectionPoolListener, monitoring.CommandListener):
    """Counts the connections the API's client opens and the commands it sends."""

    def __init__(self) -> None:
        self.connections_created: list[int] = []
        self.commands: list[str] = []

    def connection_created(self, event: monitoring.ConnectionCreatedEvent) -> None:
        self.connections_created.append(event.connection_id)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.commands.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def pool_created(self, event: monitoring.PoolCreatedEvent) -> None:
        pass

    def pool_ready(self, event: monitoring.PoolReadyEvent) -> None:
        pass

    def pool_cleared(self, event: monitoring.PoolClearedEvent) -> None:
        pass

    def pool_closed(self, event: monitoring.PoolClosedEvent) -> None:
        pass

    def connection_ready(self, event: monitoring.ConnectionReadyEvent) -> None:
        pass

    def connection_closed(self, event: monitoring.ConnectionClosedEvent) -> None:
        pass

    def connection_check_out_started(
        self, event: monitoring.ConnectionCheckOutStartedEvent
    ) -> None:
        pass

    def connection_check_out_failed(self, event: monitoring.ConnectionCheckOutFailedEvent) -> None:
        pass

    def connection_checked_out(self, event: monitoring.ConnectionCheckedOutEvent) -> None:
        pass

    def connection_checked_in(self, event: monitoring.ConnectionCheckedInEvent) -> None:
        pass


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Attach a recorder to the client the API builds (and only to that client)."""
    recorder = Recorder()
    monkeypatch.setattr(
        database,
        "AsyncMongoClient",
        functools.partial(AsyncMongoClient, event_listeners=[recorder]),
    )
    return recorder


@pytest.fixture
def cold_process() -> Iterator[None]:
    """Start without a cached client, as a new Lambda execution environment would."""
    close_cached_client()
    yield
    close_cached_client()


@pytest.mark.usefixtures("live_settings")
def test_warm_invocations_reuse_the_first_connections(
    wire_server: WireServer, recorder: Recorder
) -> None:
    record = response_json(invoke(students.handler, "POST", "/api/students", student_body()))
    path = f"/api/students/{record['id']}"
    with MongoClient(wire_server.uri) as monitor:

        def server_total() -> int:
            return int(monitor.admin.command("serverStatus")["connections"]["totalCreated"])

        for _ in range(10):
            assert invoke(students.handler, "GET", path)["statusCode"] == 200
        created_after_10, server_after_10 = len(recorder.connections_created), server_total()
        for _ in range(200):
            assert invoke(students.handler, "GET", path)["statusCode"] == 200
        created_after_210, server_after_210 = len(recorder.connections_created), server_total()

    assert created_after_10 >= 1
    assert created_after_210 == created_after_10
    assert server_after_210 == server_after_10


def test_indexes_are_ensured_once_per_process_on_first_use(
    live_settings: str, wire_server: WireServer, recorder: Recorder
) -> None:
    for _ in range(20):
        assert invoke(students.handler, "GET", "/api/students")["statusCode"] == 200

    assert recorder.commands.count("createIndexes") == 3
    with MongoClient(wire_server.uri) as client:
        indexes = client[live_settings]["students"].index_information()
        enrollment_indexes = client[live_settings]["enrollments"].index_information()
    assert indexes["email_unique"]["unique"] is True
    assert enrollment_indexes["enrollment_unique"]["unique"] is True


def test_import_never_touches_the_database() -> None:
    env = {**os.environ, "MONGODB_URI": "mongodb+srv://cluster0.nowhere.invalid/"}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "import functions.students, functions.health"],
        env=env,
        capture_output=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr.decode()
    assert time.perf_counter() - started < 30


@pytest.mark.usefixtures("cold_process")
def test_cold_start_with_database_down_answers_503_within_budget_then_recovers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    point_api_at(monkeypatch, f"mongodb://127.0.0.1:{port}")

    response, elapsed = timed(students.handler, "GET", "/api/students")
    health_response, _ = timed(health.handler, "GET", "/api/health")

    assert_unavailable(response)
    assert_unavailable(health_response)
    assert BUDGET_MS / 1000 * 0.8 <= elapsed < BUDGET_MS / 1000 + 2.0

    with WireServer(port=port):
        recovered = invoke(students.handler, "GET", "/api/students")
        assert recovered["statusCode"] == 200
        assert invoke(health.handler, "GET", "/api/health")["statusCode"] == 200


@pytest.mark.usefixtures("cold_process")
def test_database_restarted_while_warm_costs_at_most_one_failed_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with WireServer() as server:
        point_api_at(monkeypatch, server.uri)
        assert invoke(students.handler, "GET", "/api/students")["statusCode"] == 200
        server.stop()
        down, elapsed = timed(students.handler, "GET", "/api/students")
        server.start()
        after = [invoke(students.handler, "GET", "/api/students")["statusCode"] for _ in range(3)]

    assert_unavailable(down)
    assert elapsed < BUDGET_MS / 1000 + 2.0
    assert after.count(503) <= 1
    assert after[1:] == [200, 200]


@pytest.mark.usefixtures("cold_process")
def test_malformed_uri_at_cold_start_is_503_and_not_cached(
    monkeypatch: pytest.MonkeyPatch, wire_server: WireServer
) -> None:
    point_api_at(monkeypatch, "mongodb://user:pass@:not-a-port")

    assert_unavailable(invoke(students.handler, "GET", "/api/students"))

    point_api_at(monkeypatch, wire_server.uri)
    assert invoke(students.handler, "GET", "/api/students")["statusCode"] == 200


@pytest.mark.usefixtures("cold_process")
def test_failed_srv_lookup_is_503_and_retried_by_the_next_invocation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lookups: list[tuple[Any, ...]] = []
    real_resolve = srv_resolver._resolve

    async def counting_resolve(*args: Any, **kwargs: Any) -> Any:
        lookups.append(args)
        return await real_resolve(*args, **kwargs)

    monkeypatch.setattr(srv_resolver, "_resolve", counting_resolve)
    point_api_at(monkeypatch, "mongodb+srv://cluster0.students.invalid/")

    first, first_elapsed = timed(students.handler, "GET", "/api/students")
    lookups_after_first = len(lookups)
    second, _ = timed(students.handler, "GET", "/api/students")

    assert_unavailable(first)
    assert_unavailable(second)
    assert lookups_after_first >= 1
    assert len(lookups) > lookups_after_first
    assert first_elapsed < BUDGET_MS / 1000 + 2.0


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers: a hung database."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.usefixtures("cold_process")
def test_database_that_never_answers_is_503_within_budget(
    monkeypatch: pytest.MonkeyPatch, silent_server: int
) -> None:
    point_api_at(monkeypatch, f"mongodb://127.0.0.1:{silent_server}")

    response, elapsed = timed(students.handler, "GET", "/api/students")

    assert_unavailable(response)
    assert elapsed < BUDGET_MS / 1000 + 2.0

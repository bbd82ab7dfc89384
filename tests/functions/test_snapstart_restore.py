"""After a SnapStart restore the cached client's sockets are gone: the after-restore hook
drops the client, and the next request, in the same process, connects anew and works."""

from __future__ import annotations

from pymongo import MongoClient

from api_core import database, snapstart
from api_core.devtools.builders import student_body
from api_core.devtools.events import build_event
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.wire_server import WireServer
from api_core.process_loop import run
from tests.support.functions import Handlers


def connections_created(monitor: MongoClient[dict[str, object]]) -> int:
    return int(monitor.admin.command("serverStatus")["connections"]["totalCreated"])


def test_after_restore_drops_the_client_and_the_next_request_reconnects(
    handlers: Handlers, wire_server: WireServer
) -> None:
    context = FakeLambdaContext()
    create = build_event("http_api_v2", "POST", "/api/students", body=student_body())
    with MongoClient(wire_server.uri) as monitor:
        created = handlers.students(create, context)
        assert created["statusCode"] == 201
        read = build_event("http_api_v2", "GET", created["headers"]["location"])
        assert handlers.students(read, context)["statusCode"] == 200
        snapshot_client = database._cache
        before = connections_created(monitor)

        snapstart.after_restore()

        assert database._cache is None
        response = handlers.students(read, context)
        assert response["statusCode"] == 200
        assert database._cache is not None and database._cache is not snapshot_client
        assert connections_created(monitor) > before  # a new connection, not the old pool
    assert snapshot_client is not None
    run(snapshot_client.client.close())  # dead on Lambda; closed here for a clean test

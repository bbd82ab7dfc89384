"""Keep-warm invocations: an EventBridge scheduled event gets a small JSON result, opens
the database connection the next request uses, and never raises, database or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pymongo import MongoClient

from api_core import database
from api_core.devtools.builders import student_body
from api_core.devtools.events import build_event, load_event
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.devtools.wire_server import WireServer, free_port
from api_core.lambda_handler import resource_handler
from api_core.process_loop import run
from api_core.resources import STUDENTS
from api_core.settings import Settings
from tests.support.functions import Handler, Handlers
from tests.support.logs import LogLines, captured_log_lines

FUNCTIONS = ["students", "courses", "enrollments", "health"]


@pytest.fixture
def log_lines(handlers: Handlers) -> Iterator[LogLines]:
    del handlers  # built first: building one may log a warning
    with captured_log_lines() as lines:
        yield lines


def connections_created(monitor: MongoClient[dict[str, object]]) -> int:
    status = monitor.admin.command("serverStatus")
    return int(status["connections"]["totalCreated"])


@pytest.mark.parametrize("function", FUNCTIONS)
def test_warm_up_scheduled_event_answers_small_json_and_logs_one_info_line(
    handlers: Handlers, function: str, log_lines: LogLines
) -> None:
    handler: Handler = getattr(handlers, function)

    result = handler(load_event("eventbridge_scheduled"), FakeLambdaContext())

    assert result == {"warm": True, "database": "reachable"}
    (line,) = log_lines.read()
    assert line["level"] == "INFO"
    assert line["warm_up"] == "reachable"
    assert line["cold_start"] is True


def test_warm_up_opens_the_connection_the_next_request_reuses(
    handlers: Handlers, wire_server: WireServer
) -> None:
    context = FakeLambdaContext()
    with MongoClient(wire_server.uri) as monitor:
        handlers.students(load_event("eventbridge_scheduled"), context)
        before = connections_created(monitor)

        response = handlers.students(
            build_event("http_api_v2", "POST", "/api/students", body=student_body()), context
        )

        assert response["statusCode"] == 201
        assert connections_created(monitor) == before


def test_warm_up_with_the_database_down_says_unreachable_and_does_not_raise(
    settings: Settings,
) -> None:
    down = changed(
        settings, mongodb_uri=f"mongodb://127.0.0.1:{free_port()}", mongodb_timeout_ms=200
    )
    handler = resource_handler(STUDENTS, down)

    with captured_log_lines() as lines:
        result = handler(load_event("eventbridge_scheduled"), FakeLambdaContext())

    assert result == {"warm": True, "database": "unreachable"}
    (line,) = lines.read()
    assert line["warm_up"] == "unreachable"
    run(database.close_client())


@pytest.mark.parametrize(
    "event",
    [
        {"source": "aws.events", "detail-type": "Object Created", "detail": {}},
        {"source": "aws.s3", "detail-type": "Scheduled Event"},
        {"detail-type": "Scheduled Event"},
    ],
)
def test_event_only_like_a_schedule_is_400_problem_not_a_warm_up(
    handlers: Handlers, event: dict[str, object]
) -> None:
    assert handlers.students(event, FakeLambdaContext())["statusCode"] == 400

"""Every line an invocation causes carries its ids, cold start, function and path."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from api_core.devtools.events import EVENT_SHAPES, EventShape, build_event
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.settings import Settings
from tests.support.functions import Handler, broken_handler
from tests.support.logs import captured_log_lines

# Where each event shape carries the id its source gave the request.
CORRELATION_IDS: dict[EventShape, str] = {
    "http_api_v2": "JKJaXmPLvHcESHA=",  # requestContext.requestId
    "rest_api_v1": "77375676-xmpl-4b79-853a-f982474efe18",  # requestContext.requestId
    "alb": "Root=1-5c536348-3d683b8b04734faae651f476",  # the X-Amzn-Trace-Id header
}


def lines_of(handler: Handler, event: dict[str, Any], context: FakeLambdaContext) -> list[Any]:
    with captured_log_lines() as log_lines:
        handler(event, context)
        return log_lines.read()


def assert_correlated(line: dict[str, Any], shape: EventShape, context: FakeLambdaContext) -> None:
    assert line["correlation_id"] == CORRELATION_IDS[shape], line
    assert line["function_request_id"] == context.aws_request_id, line
    assert line["function_name"] == context.function_name, line
    assert isinstance(line["cold_start"], bool), line


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_database_unavailable_line_carries_both_ids_and_the_path(
    students_database_down: Handler, shape: EventShape
) -> None:
    context = FakeLambdaContext()
    event = build_event(shape, "GET", "/api/students")

    lines = lines_of(students_database_down, event, context)

    unavailable = [line for line in lines if line["message"].startswith("database unavailable")]
    assert unavailable, [line["message"] for line in lines]
    for line in lines:
        assert_correlated(line, shape, context)
        assert (line["method"], line["path"]) == ("GET", "/api/students")


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_unhandled_error_line_carries_both_ids_and_the_path(
    settings: Settings, shape: EventShape
) -> None:
    handler, context = broken_handler(settings), FakeLambdaContext(function_name="broken")

    lines = lines_of(handler, build_event(shape, "GET", "/api/broken"), context)

    assert [line["message"] for line in lines] == ["unhandled error", "request"]
    for line in lines:
        assert_correlated(line, shape, context)
        assert line["path"] == "/api/broken"
    assert [line["cold_start"] for line in lines] == [True, True]


def test_only_the_first_invocation_of_a_process_is_a_cold_start(settings: Settings) -> None:
    handler = broken_handler(settings)
    event = build_event("http_api_v2", "GET", "/api/broken")

    first = lines_of(handler, event, FakeLambdaContext())
    second = lines_of(handler, event, FakeLambdaContext())

    assert {line["cold_start"] for line in first} == {True}
    assert {line["cold_start"] for line in second} == {False}


def test_lines_outside_an_invocation_carry_no_invocation_fields(settings: Settings) -> None:
    handler = broken_handler(settings)
    lines_of(handler, build_event("http_api_v2", "GET", "/api/broken"), FakeLambdaContext())

    with captured_log_lines() as log_lines:
        logging.getLogger("api_core.test").warning("between invocations")
        (line,) = log_lines.read()

    assert "function_request_id" not in line and "correlation_id" not in line

"""Malformed and unexpected Lambda events get an answer, never an exception or a 500.

The mutation test takes real sample events and, for every field path in them,
drops the field, nulls it and retypes it, then sends each variant to a function.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import reduce
from operator import getitem
from typing import Any

import pytest
from fastapi import APIRouter, Response

from api_core.devtools.builders import student_body
from api_core.devtools.claims import STAFF, gateway_auth
from api_core.devtools.events import (
    EVENT_SHAPES,
    EventShape,
    build_event,
    load_event,
    response_headers,
)
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.lambda_handler import make_handler, resource_handler
from api_core.resources import STUDENTS
from api_core.settings import Settings
from tests.support.functions import Handler, Handlers
from tests.support.logs import LogLines, captured_log_lines

DROP = object()
MUTATIONS: dict[str, Any] = {
    "drop": DROP,
    "null": None,
    "int": 7,
    "list": ["x"],
    "dict": {"x": "y"},
    "string": "x",
    "bool": True,
}
# An EventBridge schedule is a keep-warm ping: tests/functions/test_warm_up.py.
NOT_HTTP = ["s3_put", "sqs_message"]


@pytest.fixture
def log_lines(handlers: Handlers) -> Iterator[LogLines]:
    """The lines logged once the handlers are built (building one may log a warning)."""
    del handlers  # asked for to be built first
    with captured_log_lines() as lines:
        yield lines


def field_paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path (keys and list indexes) to every field in a JSON value, depth first."""
    if isinstance(value, dict):
        children: Any = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return
    for key, child in children:
        yield (*prefix, key)
        yield from field_paths(child, (*prefix, key))


def mutated(event: dict[str, Any], path: tuple[Any, ...], replacement: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    parent = reduce(getitem, path[:-1], changed)
    if replacement is DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return changed


def problems_with(handler: Handler, event: Any, log_lines: LogLines) -> list[str]:
    """What is wrong with the handler's answer to `event`; empty when all is well."""
    try:
        response = handler(event, FakeLambdaContext())
    except Exception as error:
        log_lines.read()  # not to be counted against the next event
        return [f"raised {error!r}"]
    lines = log_lines.read()
    if not isinstance(response, dict):
        return [f"returned {type(response).__name__}"]
    status = response.get("statusCode")
    if type(status) is not int:
        return [f"statusCode {status!r}"]
    found = []
    body = _body(response)
    database_down = status == 503 and body.get("type") == "/problems/database-unavailable"
    if status >= 500 and not database_down:
        found.append(f"status {status}: {response.get('body')!r:.80}")
    if 400 <= status < 500:
        if response_headers(response).get("content-type") != "application/problem+json":
            found.append(f"{status} without problem+json: {response_headers(response)}")
        elif body.get("status") != status:
            found.append(f"{status} with body {body}")
    if len(lines) != 1 and not database_down:
        found.append(f"{len(lines)} log lines: {[line['message'] for line in lines]}")
    return found


def _body(response: dict[str, Any]) -> dict[str, Any]:
    try:
        body = json.loads(response.get("body") or "null")
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def mutation_failures(
    handler: Handler, bases: dict[str, dict[str, Any]], log_lines: LogLines
) -> list[str]:
    """One line per problem found, after a count of the events that had any."""
    failures = []
    tried = failed = 0
    for base_name, base in bases.items():
        for path in field_paths(base):
            for mutation, replacement in MUTATIONS.items():
                tried += 1
                problems = problems_with(handler, mutated(base, path, replacement), log_lines)
                failed += bool(problems)
                name = f"{base_name} {'.'.join(map(str, path))} {mutation}"
                failures += [f"{name}: {problem}" for problem in problems]
    return [f"{failed} of {tried} events:", *failures] if failures else []


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_every_field_dropped_nulled_or_retyped_gets_an_answer_not_an_exception(
    handlers: Handlers, shape: EventShape, log_lines: LogLines, caplog: pytest.LogCaptureFixture
) -> None:
    bases = {
        "sample": load_event(shape),
        "post": build_event(shape, "POST", "/api/students", body=student_body()),
    }

    failures = mutation_failures(handlers.students, bases, log_lines)

    assert not failures, "\n".join(failures)
    # Nothing escaped the app for Mangum to log (it logs a traceback, not JSON).
    assert not [r for r in caplog.records if r.name.startswith("mangum")]


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_every_field_of_an_event_with_claims_gets_an_answer_in_gateway_auth_mode(
    shape: EventShape,
    live_settings: Settings,
    log_lines: LogLines,
    caplog: pytest.LogCaptureFixture,
) -> None:
    students = resource_handler(STUDENTS, gateway_auth(live_settings))
    bases = {
        "claims": build_event(shape, "POST", "/api/students", body=student_body(), claims=STAFF)
    }

    failures = mutation_failures(students, bases, log_lines)

    assert not failures, "\n".join(failures)
    assert not [r for r in caplog.records if r.name.startswith("mangum")]


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_body_that_is_not_base64_although_flagged_so_is_400(
    handlers: Handlers, shape: EventShape, log_lines: LogLines
) -> None:
    event = build_event(shape, "POST", "/api/students", raw_body="{not base64!}")
    event["isBase64Encoded"] = True

    assert problems_with(handlers.students, event, log_lines) == []
    assert handlers.students(event, FakeLambdaContext())["statusCode"] == 400


@pytest.mark.parametrize("host", ["x:abc", "[::1]:443", "[::1]", "x:1:2"])
def test_alb_event_with_unusual_host_header_gets_an_answer(
    handlers: Handlers, host: str, log_lines: LogLines
) -> None:
    # Behind an ALB the client chooses the Host header.
    event = build_event("alb", "GET", "/api/students", headers={"host": host})

    assert problems_with(handlers.students, event, log_lines) == []


@pytest.mark.parametrize("name", NOT_HTTP)
def test_event_from_another_source_is_400_problem(
    handlers: Handlers, name: str, log_lines: LogLines
) -> None:
    response = handlers.students(load_event(name), FakeLambdaContext())

    assert response["statusCode"] == 400
    assert response_headers(response)["content-type"] == "application/problem+json"
    assert json.loads(response["body"])["type"] == "/problems/unreadable-event"
    (line,) = log_lines.read()
    assert line["status"] == 400
    assert line["level"] == "WARNING"


@pytest.mark.parametrize("event", [{}, [], "text", 42, None, True, [{"httpMethod": "GET"}]])
def test_event_that_is_not_an_object_is_400_problem(
    handlers: Handlers, event: Any, log_lines: LogLines
) -> None:
    assert problems_with(handlers.students, event, log_lines) == []
    assert handlers.students(event, FakeLambdaContext())["statusCode"] == 400


def test_unreadable_event_log_line_says_why_without_a_stack_trace(
    handlers: Handlers, log_lines: LogLines, caplog: pytest.LogCaptureFixture
) -> None:
    event = load_event("http_api_v2")
    del event["requestContext"]["http"]["method"]
    context = FakeLambdaContext()

    response = handlers.students(event, context)

    (line,) = log_lines.read()
    assert line["message"] == "request"
    assert line["level"] == "WARNING"
    assert line["function_request_id"] == context.aws_request_id
    assert line["status"] == 400
    assert line["error"] == "KeyError: 'method'"
    assert "exception" not in line
    assert "Traceback" not in response["body"]
    assert not [r for r in caplog.records if not r.name.startswith("api_core")]


def test_failure_outside_the_app_is_500_problem_and_one_error_line(settings: Settings) -> None:
    # Starlette sends header values as Latin-1, Mangum reads them back as UTF-8.
    router = APIRouter()

    @router.get("/api/latin")
    async def latin() -> Response:
        return Response(headers={"x-name": "\u00e9"})

    handler = make_handler(settings, router)

    with captured_log_lines() as log_lines:
        response = handler(build_event("http_api_v2", "GET", "/api/latin"), FakeLambdaContext())

    assert response["statusCode"] == 500
    assert json.loads(response["body"])["type"] == "/problems/internal-error"
    assert "UnicodeDecodeError" not in response["body"]
    (line,) = log_lines.read()
    assert (line["level"], line["status"], line["path"]) == ("ERROR", 500, "/api/latin")
    assert "UnicodeDecodeError" in line["exception"]

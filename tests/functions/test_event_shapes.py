"""Each function answers HTTP API v2, REST API v1 and ALB events, end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter

from api_core.devtools.builders import course_body, enrollment_body, student_body
from api_core.devtools.events import (
    EVENT_SHAPES,
    EventShape,
    build_event,
    response_headers,
    response_json,
)
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.lambda_handler import make_handler
from api_core.settings import Settings
from tests.support.functions import Handlers
from tests.support.logs import captured_log_lines


def call(handler: Any, shape: EventShape, method: str, path: str, **kwargs: Any) -> Any:
    return handler(build_event(shape, method, path, **kwargs), FakeLambdaContext())


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_students_function_full_crud_through_event_shape(
    handlers: Handlers, shape: EventShape
) -> None:
    created = call(handlers.students, shape, "POST", "/api/students", body=student_body())
    assert created["statusCode"] == 201
    record = response_json(created)
    url = f"/api/students/{record['id']}"
    assert response_headers(created)["location"] == url
    assert response_headers(created)["etag"] == '"1"'

    fetched = call(handlers.students, shape, "GET", url)
    assert fetched["statusCode"] == 200
    assert response_json(fetched) == record

    if_match_1 = {"If-Match": '"1"'}
    changed = call(
        handlers.students, shape, "PATCH", url, body={"program": "M"}, headers=if_match_1
    )
    assert changed["statusCode"] == 200
    assert response_json(changed)["program"] == "M"

    stale = call(handlers.students, shape, "PATCH", url, body={"program": "X"}, headers=if_match_1)
    assert stale["statusCode"] == 412
    assert response_headers(stale)["content-type"] == "application/problem+json"

    deleted = call(handlers.students, shape, "DELETE", url, headers={"If-Match": '"2"'})
    assert deleted["statusCode"] == 204
    assert call(handlers.students, shape, "GET", url)["statusCode"] == 404


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_list_query_parameters_reach_the_route(handlers: Handlers, shape: EventShape) -> None:
    for name in ("Zoe Adams", "Zoltan Brown", "Amy Zed"):
        call(handlers.students, shape, "POST", "/api/students", body=student_body(name=name))

    response = call(
        handlers.students, shape, "GET", "/api/students", query={"q": "zo", "limit": "1"}
    )

    assert response["statusCode"] == 200
    page = response_json(response)
    assert [s["name"] for s in page["items"]] == ["Zoe Adams"]
    following = call(
        handlers.students,
        shape,
        "GET",
        "/api/students",
        query={"q": "zo", "limit": "1", "cursor": page["next_cursor"]},
    )
    assert [s["name"] for s in response_json(following)["items"]] == ["Zoltan Brown"]


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_enrollment_function_checks_references_through_event_shape(
    handlers: Handlers, shape: EventShape
) -> None:
    student = response_json(
        call(handlers.students, shape, "POST", "/api/students", body=student_body())
    )
    course = response_json(
        call(handlers.courses, shape, "POST", "/api/courses", body=course_body())
    )

    enrolled = call(
        handlers.enrollments,
        shape,
        "POST",
        "/api/enrollments",
        body=enrollment_body(student["id"], course["id"], grade="A"),
    )
    refused = call(handlers.students, shape, "DELETE", f"/api/students/{student['id']}")

    assert enrolled["statusCode"] == 201
    assert refused["statusCode"] == 409


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_bad_body_through_event_shape_is_problem_not_500(
    handlers: Handlers, shape: EventShape
) -> None:
    malformed = call(handlers.students, shape, "POST", "/api/students", raw_body="{nope")
    not_json = call(
        handlers.students,
        shape,
        "POST",
        "/api/students",
        raw_body="a=b",
        headers={"content-type": "text/plain"},
    )

    assert malformed["statusCode"] == 422
    assert not_json["statusCode"] == 415
    assert response_json(not_json)["status"] == 415


@pytest.mark.parametrize("shape", EVENT_SHAPES)
@pytest.mark.parametrize(
    "raw_body",
    [
        "[" * 5000 + "]" * 5000,
        '{"name": "A", "email": "a@example.edu", "program": ' + "9" * 5000 + "}",
    ],
    ids=["nested", "digits"],
)
def test_body_json_loads_cannot_take_is_422_json_invalid(
    handlers: Handlers, shape: EventShape, raw_body: str
) -> None:
    # json.loads raises RecursionError or ValueError here, not a JSONDecodeError.
    response = call(handlers.students, shape, "POST", "/api/students", raw_body=raw_body)

    assert response["statusCode"] == 422
    problem = response_json(response)
    assert problem["type"] == "/problems/validation-error"
    assert [error["type"] for error in problem["errors"]] == ["json_invalid"]
    assert response_headers(response)["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_unexpected_error_is_500_problem_with_api_and_cors_headers(
    shape: EventShape, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    router = APIRouter()

    @router.get("/api/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    handler = make_handler(changed(settings, cors_origins=["https://records.example.org"]), router)
    origin = {"Origin": "https://records.example.org"}

    with captured_log_lines() as log_lines:
        response = call(handler, shape, "GET", "/api/broken", headers=origin)

    assert response["statusCode"] == 500
    assert response_json(response)["type"] == "/problems/internal-error"
    assert "a bug" not in response["body"]
    headers = response_headers(response)
    assert headers["content-type"] == "application/problem+json"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert headers["access-control-allow-origin"] == "https://records.example.org"
    assert [line["message"] for line in log_lines.read()] == ["unhandled error", "request"]
    # The error stayed inside the app: Mangum logged no traceback of its own.
    assert not [record for record in caplog.records if record.name.startswith("mangum")]


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_health_function_reports_ok(handlers: Handlers, shape: EventShape) -> None:
    response = call(handlers.health, shape, "GET", "/api/health")

    assert response["statusCode"] == 200
    assert response_json(response)["status"] == "ok"


@pytest.mark.parametrize("shape", EVENT_SHAPES)
@pytest.mark.parametrize("resource", ["students", "courses", "enrollments"])
def test_valid_id_with_trailing_newline_is_404_through_event_shape(
    handlers: Handlers, shape: EventShape, resource: str
) -> None:
    handler = getattr(handlers, resource)
    path = f"/api/{resource}/0123456789abcdef01234567%0A"

    response = call(handler, shape, "GET", path)

    assert response["statusCode"] == 404
    assert response_json(response)["type"] == "/problems/not-found"


def test_function_serves_only_its_own_resource(handlers: Handlers) -> None:
    response = call(handlers.students, "http_api_v2", "GET", "/api/courses")

    assert response["statusCode"] == 404
    assert response_json(response)["status"] == 404


def test_handler_logs_one_json_line_with_both_ids_and_cold_start(handlers: Handlers) -> None:
    context = FakeLambdaContext()
    with captured_log_lines() as log_lines:
        handlers.courses(build_event("http_api_v2", "GET", "/api/courses"), context)

    (entry,) = log_lines.read()
    assert entry["message"] == "request"
    assert entry["function_request_id"] == context.aws_request_id
    assert entry["status"] == 200
    assert entry["path"] == "/api/courses"
    assert entry["method"] == "GET"
    assert isinstance(entry["cold_start"], bool)


def test_error_responses_are_sent_as_text_not_base64(handlers: Handlers) -> None:
    response = call(handlers.students, "http_api_v2", "GET", "/api/students/unknown")

    assert response["statusCode"] == 404
    assert response["isBase64Encoded"] is False
    assert json.loads(response["body"])["status"] == 404

"""AUTH_MODE=gateway: claims verified by API Gateway's JWT authorizer decide access."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api_core.settings import get_settings
from functions import courses, enrollments, health, students
from tests.support.builders import course_body, enrollment_body, student_body
from tests.support.events import EventShape, build_event, response_headers, response_json
from tests.support.lambda_context import FakeLambdaContext

STAFF = {"sub": "staff-1", "cognito:groups": ["staff"]}
STUDENT = {"sub": "student-1", "cognito:groups": ["students"]}
HANDLERS = {"students": students.handler, "courses": courses.handler}
HANDLERS["enrollments"] = enrollments.handler


pytestmark = pytest.mark.usefixtures("live_settings")


@pytest.fixture(autouse=True)
def gateway_auth(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AUTH_MODE", "gateway")
    get_settings.cache_clear()
    yield


def call(
    resource: str,
    method: str,
    path: str,
    claims: dict[str, Any] | None,
    body: Any = None,
    shape: EventShape = "http_api_v2",
) -> dict[str, Any]:
    event = build_event(shape, method, path, body=body, claims=claims)
    response: dict[str, Any] = HANDLERS[resource](event, FakeLambdaContext())
    return response


def existing(resource: str) -> tuple[str, dict[str, Any]]:
    """A record created by staff, and a valid body for creating another."""
    student = response_json(call("students", "POST", "/api/students", STAFF, student_body()))
    course = response_json(call("courses", "POST", "/api/courses", STAFF, course_body()))
    bodies = {
        "students": student_body(),
        "courses": course_body(),
        "enrollments": enrollment_body(student["id"], course["id"], term="2027-SPRING"),
    }
    if resource == "students":
        return student["id"], bodies[resource]
    if resource == "courses":
        return course["id"], bodies[resource]
    body = enrollment_body(student["id"], course["id"])
    enrollment = call("enrollments", "POST", "/api/enrollments", STAFF, body)
    return response_json(enrollment)["id"], bodies[resource]


WRITES = [("POST", False), ("PATCH", True), ("DELETE", True)]
RESOURCES = ["students", "courses", "enrollments"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "on_record"), WRITES)
def test_write_without_claims_is_401(resource: str, method: str, on_record: bool) -> None:
    record_id, body = existing(resource)
    path = f"/api/{resource}/{record_id}" if on_record else f"/api/{resource}"

    response = call(resource, method, path, None, body if method == "POST" else {})

    assert response["statusCode"] == 401
    assert response_headers(response)["www-authenticate"] == "Bearer"
    assert response_json(response)["type"] == "/problems/authentication-required"


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "on_record"), WRITES)
def test_write_without_staff_claim_is_403_and_changes_nothing(
    resource: str, method: str, on_record: bool
) -> None:
    record_id, body = existing(resource)
    path = f"/api/{resource}/{record_id}" if on_record else f"/api/{resource}"
    before = response_json(call(resource, "GET", f"/api/{resource}", STAFF))

    response = call(resource, method, path, STUDENT, body if method == "POST" else {})

    assert response["statusCode"] == 403
    assert response_json(response)["type"] == "/problems/staff-only"
    assert response_json(call(resource, "GET", f"/api/{resource}", STAFF)) == before


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "on_record"), WRITES)
def test_write_with_staff_claim_succeeds(resource: str, method: str, on_record: bool) -> None:
    record_id, body = existing(resource)
    path = f"/api/{resource}/{record_id}" if on_record else f"/api/{resource}"
    patch = {"grade": "B"} if resource == "enrollments" else {}

    response = call(resource, method, path, STAFF, body if method == "POST" else patch)

    assert response["statusCode"] == {"POST": 201, "PATCH": 200, "DELETE": 204}[method]


@pytest.mark.parametrize("resource", RESOURCES)
def test_reads_need_a_signed_in_caller_but_not_staff(resource: str) -> None:
    record_id, _ = existing(resource)

    anonymous = call(resource, "GET", f"/api/{resource}", None)
    signed_in_list = call(resource, "GET", f"/api/{resource}", STUDENT)
    signed_in_one = call(resource, "GET", f"/api/{resource}/{record_id}", STUDENT)

    assert anonymous["statusCode"] == 401
    assert signed_in_list["statusCode"] == 200
    assert signed_in_one["statusCode"] == 200


def test_staff_claim_from_rest_api_authorizer_is_honoured() -> None:
    response = call("courses", "POST", "/api/courses", STAFF, course_body(), shape="rest_api_v1")

    assert response["statusCode"] == 201


def test_health_and_auth_config_stay_public() -> None:
    context = FakeLambdaContext()
    health_response = health.handler(build_event("http_api_v2", "GET", "/api/health"), context)
    config = health.handler(build_event("http_api_v2", "GET", "/api/auth/config"), context)

    assert health_response["statusCode"] == 200
    assert config["statusCode"] == 200
    assert response_json(config)["enabled"] is True

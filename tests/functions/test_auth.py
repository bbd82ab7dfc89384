"""AUTH_MODE=gateway: claims verified by API Gateway's JWT authorizer decide access."""

from __future__ import annotations

from typing import Any

import pytest

from api_core.devtools.builders import course_body, enrollment_body, student_body
from api_core.devtools.claims import CLIENT_ID, STAFF, STUDENT, gateway_auth
from api_core.devtools.events import EventShape, build_event, response_headers, response_json
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.settings import Settings
from tests.support.functions import Handlers


@pytest.fixture
def gateway(live_settings: Settings) -> Handlers:
    """The functions behind API Gateway's JWT authorizer (AUTH_MODE=gateway)."""
    return Handlers(gateway_auth(live_settings))


def call(
    handlers: Handlers,
    resource: str,
    method: str,
    path: str,
    claims: dict[str, Any] | None,
    body: Any = None,
    shape: EventShape = "http_api_v2",
) -> dict[str, Any]:
    event = build_event(shape, method, path, body=body, claims=claims)
    response: dict[str, Any] = getattr(handlers, resource)(event, FakeLambdaContext())
    return response


def existing(gateway: Handlers, resource: str) -> tuple[str, dict[str, Any]]:
    """A record created by staff, and a valid body for creating another."""
    student = response_json(
        call(gateway, "students", "POST", "/api/students", STAFF, student_body())
    )
    course = response_json(call(gateway, "courses", "POST", "/api/courses", STAFF, course_body()))
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
    enrollment = call(gateway, "enrollments", "POST", "/api/enrollments", STAFF, body)
    return response_json(enrollment)["id"], bodies[resource]


WRITES = [("POST", False), ("PATCH", True), ("DELETE", True)]
RESOURCES = ["students", "courses", "enrollments"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "on_record"), WRITES)
def test_write_without_claims_is_401(
    gateway: Handlers, resource: str, method: str, on_record: bool
) -> None:
    record_id, body = existing(gateway, resource)
    path = f"/api/{resource}/{record_id}" if on_record else f"/api/{resource}"

    response = call(gateway, resource, method, path, None, body if method == "POST" else {})

    assert response["statusCode"] == 401
    assert response_headers(response)["www-authenticate"] == "Bearer"
    assert response_json(response)["type"] == "/problems/authentication-required"


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "on_record"), WRITES)
def test_write_without_staff_claim_is_403_and_changes_nothing(
    gateway: Handlers, resource: str, method: str, on_record: bool
) -> None:
    record_id, body = existing(gateway, resource)
    path = f"/api/{resource}/{record_id}" if on_record else f"/api/{resource}"
    before = response_json(call(gateway, resource, "GET", f"/api/{resource}", STAFF))

    response = call(gateway, resource, method, path, STUDENT, body if method == "POST" else {})

    assert response["statusCode"] == 403
    assert response_json(response)["type"] == "/problems/staff-only"
    assert response_json(call(gateway, resource, "GET", f"/api/{resource}", STAFF)) == before


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "on_record"), WRITES)
def test_write_with_staff_claim_succeeds(
    gateway: Handlers, resource: str, method: str, on_record: bool
) -> None:
    record_id, body = existing(gateway, resource)
    path = f"/api/{resource}/{record_id}" if on_record else f"/api/{resource}"
    patch = {"grade": "B"} if resource == "enrollments" else {}

    response = call(gateway, resource, method, path, STAFF, body if method == "POST" else patch)

    assert response["statusCode"] == {"POST": 201, "PATCH": 200, "DELETE": 204}[method]


@pytest.mark.parametrize("resource", RESOURCES)
def test_reads_need_a_signed_in_caller_but_not_staff(gateway: Handlers, resource: str) -> None:
    record_id, _ = existing(gateway, resource)

    anonymous = call(gateway, resource, "GET", f"/api/{resource}", None)
    signed_in_list = call(gateway, resource, "GET", f"/api/{resource}", STUDENT)
    signed_in_one = call(gateway, resource, "GET", f"/api/{resource}/{record_id}", STUDENT)

    assert anonymous["statusCode"] == 401
    assert signed_in_list["statusCode"] == 200
    assert signed_in_one["statusCode"] == 200


def test_staff_claim_from_rest_api_authorizer_is_honoured(gateway: Handlers) -> None:
    response = call(
        gateway, "courses", "POST", "/api/courses", STAFF, course_body(), shape="rest_api_v1"
    )

    assert response["statusCode"] == 201


def test_health_and_auth_config_stay_public(gateway: Handlers) -> None:
    context = FakeLambdaContext()
    health_response = gateway.health(build_event("http_api_v2", "GET", "/api/health"), context)
    config = gateway.health(build_event("http_api_v2", "GET", "/api/auth/config"), context)

    assert health_response["statusCode"] == 200
    assert config["statusCode"] == 200
    assert response_json(config)["enabled"] is True


@pytest.mark.parametrize(
    ("groups", "is_staff"),
    [
        ("[staff]", True),  # a one-element array, as the HTTP API renders it
        ("[teachers staff]", True),
        ("staff", True),  # a claim that is a plain string
        ("x,staff", False),  # a group whose name holds a comma
        ("staff]", False),
        ("[staff", False),
        ("[x,staff]", False),
        ("[staffers]", False),
        ("[]", False),
        ("", False),
    ],
)
def test_the_gateways_list_claim_format_is_read_exactly(
    gateway: Handlers, groups: str, is_staff: bool
) -> None:
    claims = {**STAFF, "cognito:groups": groups}

    response = call(gateway, "courses", "POST", "/api/courses", claims, course_body())

    assert response["statusCode"] == (201 if is_staff else 403)


@pytest.mark.parametrize(
    "claims",
    [
        {**STAFF, "token_use": "id", "aud": CLIENT_ID},  # an ID token
        {**STAFF, "client_id": "another-client"},
        {key: value for key, value in STAFF.items() if key != "token_use"},
    ],
    ids=["id-token", "another-client", "no-token-use"],
)
def test_only_access_tokens_for_this_app_client_get_in(
    gateway: Handlers, claims: dict[str, Any]
) -> None:
    response = call(gateway, "courses", "GET", "/api/courses", claims)

    assert response["statusCode"] == 401
    assert response_json(response)["detail"] == "The access token is not meant for this API."


def test_with_another_provider_the_audience_must_name_this_api(gateway: Handlers) -> None:
    oidc = {"auth_provider": "oidc", "auth_audience": "https://records.example.org"}
    oidc_gateway = Handlers(changed(gateway.settings, **oidc))
    ours = {"sub": "u1", "cognito:groups": ["staff"]}

    foreign = call(
        oidc_gateway, "courses", "GET", "/api/courses", {**ours, "aud": "https://other.example.org"}
    )
    # The case: another API's token, though its client_id is this API's name.
    borrowed = call(
        oidc_gateway,
        "courses",
        "GET",
        "/api/courses",
        {**ours, "aud": "https://other.example.org", "client_id": "https://records.example.org"},
    )
    listed = call(
        oidc_gateway,
        "courses",
        "GET",
        "/api/courses",
        {**ours, "aud": "[https://records.example.org x]"},
    )

    assert (foreign["statusCode"], borrowed["statusCode"], listed["statusCode"]) == (401, 401, 200)

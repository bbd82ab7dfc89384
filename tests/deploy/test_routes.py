"""Every API operation reaches exactly one function, and the built functions answer it.

The routes come from template.yaml; the operations from the combined app's OpenAPI.
The functions run from `sam build`'s output (their package plus the layer, nothing
else) under the template's Python and the environment a default deploy gives them,
fed the payload-2.0 events API Gateway would send through each route: with a staff
member's verified claims where the JWT authorizer passed a token, and once more
without any, as a request to a route the authorizer does not guard would arrive. The
database is unreachable on purpose: a 503 problem+json from the repository proves the
request went through the route, the right function, its router and validation,
without needing MongoDB.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from api_core.app import app
from api_core.auth import public_operations
from api_core.resources import ALL_RESOURCES
from tests.deploy.built import STAFF_CLAIMS, deployed_environment, invoke_built
from tests.deploy.conftest import Deploys, SamBuild
from tests.deploy.http_api import Route, template_routes

pytestmark = pytest.mark.deploy

SAMPLE_ID = "0123456789abcdef01234567"
PROBLEM = "application/problem+json"
# A valid body per resource, so writes get past validation to the database.
SAMPLE_BODIES: dict[str, dict[str, Any]] = {
    **{resource.name: dict(resource.examples[0]) for resource in ALL_RESOURCES},
    "imports": {"kind": "students", "file_name": "students.csv"},
    # An operation of a resource's more_routes, by "METHOD path".
    "PATCH /api/courses/{id}/roster": {
        "grades": [{"enrollment_id": SAMPLE_ID, "grade": "A", "version": 1}]
    },
}
# Operations that answer without the database: (status, content type, Retry-After?).
DATABASE_FREE = {
    "GET /api/auth/config": (200, "application/json", False),
    # On AWS the file goes to S3: the API's own upload route refuses it outright.
    "PUT /api/imports/{id}/file": (409, PROBLEM, False),
}
ANONYMOUS = "anonymous "  # prefix of the operations sent without claims
UNREACHABLE_DATABASE = {
    "MONGODB_URI": "mongodb://127.0.0.1:1",
    "MONGODB_TIMEOUT_MS": "200",
}


def openapi_operations() -> list[tuple[str, str]]:
    """(method, path template) for every operation of the combined app."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", SAMPLE_ID, path)


def owners(routes: list[Route], method: str, path: str) -> list[Route]:
    return [route for route in routes if route.matches(method, concrete(path))]


def test_openapi_operation_served_by_exactly_one_function_route(template: dict[str, Any]) -> None:
    routes = template_routes(template)
    operations = openapi_operations()
    assert operations
    wrong = {
        f"{method} {path}": [route.key for route in owners(routes, method, path)]
        for method, path in operations
        if len(owners(routes, method, path)) != 1
    }
    assert wrong == {}


def test_template_route_serves_some_openapi_operation(template: dict[str, Any]) -> None:
    operations = openapi_operations()
    dead = [
        route.key
        for route in template_routes(template)
        if not any(route.matches(method, concrete(path)) for method, path in operations)
    ]
    assert dead == []


@pytest.fixture(scope="module")
def invocations(
    sam_build: SamBuild,
    template: dict[str, Any],
    deploy: Deploys,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[str, Any]]:
    """Each function's built package invoked twice per operation it owns, in one process:
    first as a staff member through the authorizer, then with no claims at all."""
    routes = template_routes(template)
    planned: dict[str, list[tuple[str, str, Route]]] = defaultdict(list)
    for method, path in openapi_operations():
        matched = owners(routes, method, path)
        # test_openapi_operation_served_by_exactly_one_function_route says which.
        assert len(matched) == 1, f"{method} {path} is served by {len(matched)} routes"
        planned[matched[0].function].append((method, path, matched[0]))

    def invoke(function: str, operations: list[tuple[str, str, Route]]) -> dict[str, Any]:
        events = [
            route.event(method, concrete(path), body=_body(method, path), claims=claims)
            for claims in (STAFF_CLAIMS, None)
            for method, path, route in operations
        ]
        environment = {
            **deployed_environment(deploy, function),
            # What the deploy resolves AUTH_AUDIENCE's Ref to: the user pool's app client.
            "AUTH_AUDIENCE": STAFF_CLAIMS["client_id"],
            **UNREACHABLE_DATABASE,
        }
        results_file = tmp_path_factory.mktemp("invoke") / "results.json"
        outcome, result = invoke_built(sam_build, function, events, environment, results_file)
        outcome["operations"] = [
            f"{prefix}{method} {path}"
            for prefix in ("", ANONYMOUS)
            for method, path, _ in operations
        ]
        outcome["log_lines"] = result.stdout.splitlines()
        outcome["events"] = events
        outcome["package"] = str(sam_build.artifact(function))
        outcome["layer"] = str(sam_build.artifact("DependenciesLayer") / "python")
        return outcome

    # One process per function, as on Lambda; they run side by side.
    with ThreadPoolExecutor() as pool:
        return dict(zip(planned, pool.map(invoke, planned, planned.values()), strict=True))


def _body(method: str, path: str) -> dict[str, Any] | None:
    if method not in ("POST", "PATCH", "PUT"):
        return None
    if f"{method} {path}" in SAMPLE_BODIES:
        return SAMPLE_BODIES[f"{method} {path}"]
    resource = path.split("/")[2]
    assert resource in SAMPLE_BODIES, f"add a valid sample body for {resource} to this test"
    body = SAMPLE_BODIES[resource]
    if method == "PATCH":  # only the fields a change may carry (references are fixed)
        (declared,) = (r for r in ALL_RESOURCES if r.name == resource)
        return {k: v for k, v in body.items() if k in declared.update_model.model_fields}
    return body


def answers(invocations: dict[str, dict[str, Any]], anonymous: bool) -> dict[str, Any]:
    """ "Function: METHOD /path" to (status, content type, Retry-After sent?)."""
    return {
        f"{function}: {operation.removeprefix(ANONYMOUS)}": (
            result["response"]["statusCode"],
            result["response"]["headers"].get("content-type"),
            "retry-after" in result["response"]["headers"],
        )
        for function, outcome in invocations.items()
        for operation, result in zip(outcome["operations"], outcome["results"], strict=True)
        if operation.startswith(ANONYMOUS) == anonymous
    }


def test_built_function_answers_each_of_its_operations_from_the_database(
    invocations: dict[str, dict[str, Any]],
) -> None:
    signed_in = answers(invocations, anonymous=False)
    assert len(signed_in) == len(openapi_operations())
    expected = {
        key: DATABASE_FREE.get(key.split(": ", 1)[1], (503, PROBLEM, True)) for key in signed_in
    }
    assert signed_in == expected


def test_built_function_refuses_a_request_without_claims_except_on_public_routes(
    invocations: dict[str, dict[str, Any]],
) -> None:
    # In gateway mode the app trusts only claims the authorizer verified: a request
    # that reached a guarded route without them (a misconfigured route) gets 401.
    # Public routes answer as they do for a signed-in caller.
    signed_in = answers(invocations, anonymous=False)
    anonymous = answers(invocations, anonymous=True)
    declared = {f"{method} {path}" for method, path in public_operations(app.openapi())}
    public = {key for key in anonymous if key.split(": ", 1)[1] in declared}
    assert public == {"HealthFunction: GET /api/health", "HealthFunction: GET /api/auth/config"}
    assert anonymous == {
        key: signed_in[key] if key in public else (401, PROBLEM, False) for key in signed_in
    }


def test_built_function_logs_a_json_line_per_invocation_with_both_ids_and_cold_start(
    invocations: dict[str, dict[str, Any]],
) -> None:
    for function, outcome in invocations.items():
        lines = [json.loads(line) for line in outcome["log_lines"] if line.startswith("{")]
        requests = [line for line in lines if line.get("message") == "request"]
        assert [line["function_request_id"] for line in requests] == [
            result["request_id"] for result in outcome["results"]
        ], function
        assert [line["correlation_id"] for line in requests] == [
            event["requestContext"]["requestId"] for event in outcome["events"]
        ], function
        assert [line["cold_start"] for line in requests] == [True] + [False] * (
            len(requests) - 1
        ), function
        statuses = [result["response"]["statusCode"] for result in outcome["results"]]
        assert [line["status"] for line in requests] == statuses, function


def test_built_function_loads_its_code_from_its_package_and_libraries_from_the_layer(
    invocations: dict[str, dict[str, Any]], runtime: str
) -> None:
    for function, outcome in invocations.items():
        assert outcome["version"].startswith(runtime.removeprefix("python") + "."), function
        modules: dict[str, str] = {k: v for k, v in outcome["modules"].items() if k != "__main__"}
        assert modules["functions"].startswith(outcome["package"]), function
        assert modules["api_core"].startswith(outcome["package"]), function
        for library in ("fastapi", "pydantic", "pydantic_core", "pymongo", "mangum"):
            assert modules[library].startswith(outcome["layer"]), (function, library)
        allowed = (outcome["package"], outcome["layer"], outcome["stdlib"])
        assert {name: file for name, file in modules.items() if not file.startswith(allowed)} == {}

"""Schemathesis against the app's own OpenAPI document, over HTTP, on a real database.

Every operation gets generated requests, valid and invalid, and stateful runs follow
the document's links (create, then read, change and delete what was created). Every
response must have a documented status, media type, headers and body, and none may
be a 5xx. The same cases also go to a server that checks bearer tokens: with a staff
member's token (writes go through, and must answer as documented too), with a
signed-in caller who is not staff (reads work, writes are 403) and with no token
(401). FUZZ_EXAMPLES sets the budget: small for `make test`, large for `make
fuzz`.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pymongo import MongoClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api_core.app import app
from api_core.devtools.app_server import AppServer
from api_core.devtools.oidc_issuer import StandInIssuer
from api_core.devtools.wire_server import WireServer

# Generated cases per operation and phase, and stateful scenarios.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# `make fuzz` asks for at least this many requests with authentication off.
MIN_REQUESTS = int(os.environ.get("FUZZ_MIN_REQUESTS", "0"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # A real server on a shared machine is slow next to in-process code; the
    # document's generated bodies are what they are.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # `make test` repeats the same cases each run; `make fuzz` explores anew.
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    database=None,
)

# Requests sent, per run and operation ("stateless", "POST /api/students"); conftest.py
# reports them.
SENT: Counter[tuple[str, str]] = Counter()
# Writes a staff member's token got through to a 2xx on the server with authentication on.
STAFF_WRITES_THROUGH: Counter[str] = Counter()
AUDIENCE = "fuzz"

# The document the running server serves, built in-process so that pytest can give
# each operation a test of its own at collection time.
schema = schemathesis.openapi.from_dict(app.openapi())


def _serve(
    wire_server: WireServer,
    tmp_path_factory: pytest.TempPathFactory,
    database: str,
    **settings: str,
) -> AppServer:
    env = {
        "MONGODB_URI": wire_server.uri,
        "MONGODB_DB": database,
        "AUTH_MODE": "off",
        **settings,
    }
    # The server's log keeps the traceback of any 5xx.
    return AppServer(env, log_path=tmp_path_factory.mktemp("fuzz") / "app.log")


@pytest.fixture(scope="module")
def database() -> str:
    return f"fuzz_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def app_server(
    wire_server: WireServer, tmp_path_factory: pytest.TempPathFactory, database: str
) -> Iterator[AppServer]:
    with _serve(wire_server, tmp_path_factory, database) as server:
        yield server


@pytest.fixture(scope="module")
def issuer() -> Iterator[StandInIssuer]:
    issuer = StandInIssuer().start()
    yield issuer
    issuer.stop()


@pytest.fixture(scope="module")
def guarded_server(
    wire_server: WireServer,
    tmp_path_factory: pytest.TempPathFactory,
    database: str,
    issuer: StandInIssuer,
) -> Iterator[AppServer]:
    settings = {
        "AUTH_MODE": "verify",
        "AUTH_ISSUER": issuer.url,
        "AUTH_PROVIDER": "oidc",  # the stand-in's tokens name this API in `aud`
        "AUTH_AUDIENCE": AUDIENCE,
        "AUTH_STAFF_CLAIM": "groups",
    }
    with _serve(wire_server, tmp_path_factory, f"{database}_auth", **settings) as server:
        yield server


@pytest.mark.timeout(1800)
@schema.parametrize()
@FUZZ_SETTINGS
def test_operation_answers_as_documented(case: schemathesis.Case, app_server: AppServer) -> None:
    SENT["stateless", case.operation.label] += 1
    case.call_and_validate(base_url=app_server.base_url, checks=CHECKS)


@pytest.mark.timeout(1800)
@schema.parametrize()
@FUZZ_SETTINGS
def test_operation_answers_as_documented_with_authentication_on(
    case: schemathesis.Case, guarded_server: AppServer, issuer: StandInIssuer
) -> None:
    staff = issuer.token(AUDIENCE, ttl=3600, groups=["staff"])
    reader = issuer.token(AUDIENCE, ttl=3600, groups=["teachers"])
    for token in (staff, reader, None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        SENT["authentication on", case.operation.label] += 1
        response = case.call_and_validate(
            base_url=guarded_server.base_url, headers=headers, checks=CHECKS
        )
        if token is staff and case.method.upper() != "GET" and response.status_code < 300:
            STAFF_WRITES_THROUGH[case.operation.label] += 1


def test_staff_writes_went_through_the_guarded_server() -> None:
    """The staff token is not refused: the cases above did reach the routes' own logic."""
    posts = [label for label in STAFF_WRITES_THROUGH if label.startswith("POST ")]
    assert posts, f"no staff write succeeded: {dict(STAFF_WRITES_THROUGH)}"


@pytest.mark.timeout(1800)
def test_linked_operations_answer_as_documented(
    app_server: AppServer, wire_server: WireServer, database: str
) -> None:
    records = MongoClient(wire_server.uri)[database]

    class Workflow(schema.as_state_machine()):
        def setup(self) -> None:
            # Each scenario starts from empty collections (their indexes stay), so
            # that Hypothesis sees the same responses when it replays a scenario.
            for name in records.list_collection_names():
                records[name].delete_many({})

        def get_call_kwargs(self, _case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": app_server.base_url}

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            SENT["stateful", case.operation.label] += 1
            super().after_call(response, case)

        def validate_response(
            self, response: Any, case: schemathesis.Case, *_: Any, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    try:
        Workflow.run(settings=FUZZ_SETTINGS)
    finally:
        records.client.close()


def test_every_operation_was_fuzzed() -> None:
    operations = {result.ok().label for result in schema.get_all_operations()}
    if not SENT:
        pytest.skip("runs after the fuzz tests, to check what they sent")
    assert {operation for _, operation in SENT} >= operations
    without_authentication = sum(n for (run, _), n in SENT.items() if run != "authentication on")
    assert without_authentication >= MIN_REQUESTS

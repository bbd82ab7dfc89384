"""The OpenAPI document promises what the API does (each found by the fuzz tests)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api_core.app import create_local_app
from api_core.devtools.builders import student_body
from api_core.settings import Settings


def _schemas() -> dict[str, Any]:
    components: dict[str, Any] = create_local_app(Settings()).openapi()["components"]["schemas"]
    return components


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("StudentUpdate", "name"),
        ("StudentUpdate", "email"),
        ("CourseUpdate", "code"),
        ("CourseUpdate", "title"),
        ("CourseUpdate", "credits"),
        ("EnrollmentUpdate", "term"),
    ],
)
def test_patch_fields_that_cannot_be_cleared_do_not_offer_null(model: str, field: str) -> None:
    schema = _schemas()[model]["properties"][field]

    assert "anyOf" not in schema and schema.get("type") != "null"


@pytest.mark.parametrize(("model", "field"), [("StudentUpdate", "program")])
def test_patch_fields_that_can_be_cleared_offer_null(model: str, field: str) -> None:
    assert {"type": "null"} in _schemas()[model]["properties"][field]["anyOf"]


def test_every_cursor_the_document_allows_is_accepted(
    client: TestClient, settings: Settings
) -> None:
    for _ in range(3):
        client.post("/api/students", json=student_body())
    first = client.get("/api/students", params={"limit": 1}).json()
    pattern = next(
        p["schema"]["anyOf"][0]["pattern"]
        for p in create_local_app(settings).openapi()["paths"]["/api/students"]["get"]["parameters"]
        if p["name"] == "cursor"
    )

    assert re.fullmatch(pattern, first["next_cursor"])
    for cursor in ("AAAAAAAAAAAAAAAA", "________________", first["next_cursor"]):
        assert client.get("/api/students", params={"cursor": cursor}).status_code == 200


def test_every_guarded_operation_documents_what_authentication_answers() -> None:
    paths = create_local_app(Settings()).openapi()["paths"]
    public = {"/api/health", "/api/auth/config"}

    for path, operations in paths.items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            if path in public:
                assert not statuses & {"401", "403"}, (method, path)
            elif method == "get":
                assert "401" in statuses, (method, path)
            else:
                assert {"401", "403"} <= statuses, (method, path)

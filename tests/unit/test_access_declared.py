"""Who may call what is declared on the routes, and everything else follows from it."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from api_core.auth import SignedIn, StaffOnly, public_operations
from api_core.devtools.claims import gateway_auth
from api_core.factory import create_app
from api_core.settings import Settings

router = APIRouter(prefix="/api/things")


@router.get("/open")
async def open_thing() -> dict[str, str]:
    return {"who": "anyone"}


@router.get("", dependencies=[SignedIn])
async def read_things() -> dict[str, str]:
    return {"who": "signed in"}


@router.post("", dependencies=[StaffOnly])
async def make_thing() -> dict[str, str]:
    return {"who": "staff"}


@pytest.fixture
def things(settings: Settings) -> TestClient:
    return TestClient(create_app(gateway_auth(settings), [router], with_docs=True))


def test_the_declaration_decides_who_gets_in(things: TestClient) -> None:
    assert things.get("/api/things/open").status_code == 200
    assert things.get("/api/things").status_code == 401
    assert things.post("/api/things", json={}).status_code == 401


def test_the_openapi_document_follows_the_declaration(things: TestClient) -> None:
    document = things.get("/api/openapi.json").json()
    responses = {
        (method.upper(), path): set(operation["responses"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }

    assert public_operations(document) == {("GET", "/api/things/open")}
    assert not responses["GET", "/api/things/open"] & {"401", "403"}
    assert {"401"} <= responses["GET", "/api/things"] and "403" not in responses[
        "GET", "/api/things"
    ]
    assert {"401", "403"} <= responses["POST", "/api/things"]

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_core.database import Database
from api_core.devtools.settings import changed
from api_core.settings import Settings
from tests.unit.conftest import local_client

ALLOWED = "https://records.example.org"


@pytest.fixture
def cors_client(settings: Settings, mock_database: Database) -> TestClient:
    return local_client(changed(settings, cors_origins=[ALLOWED]), mock_database)


def preflight(client: TestClient, origin: str) -> dict[str, str]:
    response = client.options(
        "/api/students",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "content-type,if-match",
        },
    )
    return dict(response.headers)


def test_cors_preflight_from_listed_origin_is_allowed(cors_client: TestClient) -> None:
    headers = preflight(cors_client, ALLOWED)

    assert headers["access-control-allow-origin"] == ALLOWED
    assert "PATCH" in headers["access-control-allow-methods"]


def test_cors_preflight_from_other_origin_gets_no_grant(cors_client: TestClient) -> None:
    headers = preflight(cors_client, "https://evil.example.com")

    assert "access-control-allow-origin" not in headers


def test_without_cors_origins_no_origin_is_granted(client: TestClient) -> None:
    response = client.get("/api/students", headers={"Origin": ALLOWED})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers

"""Errors nothing else handled keep the API's answer shape and headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api_core.app import create_local_app
from api_core.database import get_database
from api_core.devtools.settings import changed
from api_core.settings import Settings
from tests.unit.test_bad_input import assert_problem

ALLOWED = "https://records.example.org"


@pytest.fixture
def failing_client(settings: Settings) -> Iterator[TestClient]:
    """CORS configured, and every route's database dependency failing unexpectedly."""
    app = create_local_app(changed(settings, cors_origins=[ALLOWED]))

    async def broken_database() -> None:
        raise RuntimeError("a bug")

    app.dependency_overrides[get_database] = broken_database
    # Raising server exceptions (the default) also shows none escapes the app.
    with TestClient(app) as test_client:
        yield test_client


def test_unexpected_error_is_500_problem_with_api_and_cors_headers(
    failing_client: TestClient,
) -> None:
    response = failing_client.get("/api/students", headers={"Origin": ALLOWED})

    problem = assert_problem(response, 500)
    assert problem["type"] == "/problems/internal-error"
    assert "a bug" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["access-control-allow-origin"] == ALLOWED

"""Unit tests: the whole HTTP API on an in-memory mongomock database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from mongomock_motor import AsyncMongoMockClient

from api_core.app import create_local_app
from api_core.database import Database, get_database
from api_core.migrate import migrate
from tests.support.loops import run_in_own_loop


@pytest.fixture
def mock_database() -> Database:
    database: Database = AsyncMongoMockClient(tz_aware=True)["school"]
    run_in_own_loop(migrate(database))
    return database


@pytest.fixture
def client(mock_database: Database) -> Iterator[TestClient]:
    app = create_local_app()

    async def database_override() -> Database:
        return mock_database

    app.dependency_overrides[get_database] = database_override
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client

"""Unit tests: the whole HTTP API on an in-memory mongomock database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from mongomock_motor import AsyncMongoMockClient

from api_core.app import create_local_app
from api_core.database import Database, get_database
from api_core.devtools.loops import run_in_own_loop
from api_core.migrate import migrate
from api_core.settings import Settings


@pytest.fixture
def mock_database() -> Database:
    database: Database = AsyncMongoMockClient(tz_aware=True)["school"]
    run_in_own_loop(migrate(database))
    return database


def local_client(
    settings: Settings, database: Database, *, raise_server_exceptions: bool = False
) -> TestClient:
    """The local app built from `settings`, on `database`."""
    app = create_local_app(settings)

    async def database_override() -> Database:
        return database

    app.dependency_overrides[get_database] = database_override
    return TestClient(app, raise_server_exceptions=raise_server_exceptions)


@pytest.fixture
def client(settings: Settings, mock_database: Database) -> Iterator[TestClient]:
    with local_client(settings, mock_database) as test_client:
        yield test_client

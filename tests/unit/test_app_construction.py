"""A function's app builds each of its routes once, and they still take its overrides."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api_core.database import Database, get_database
from api_core.factory import create_app
from api_core.resources import ENROLLMENTS, STUDENTS
from api_core.router import routers_of
from api_core.settings import Settings


def test_create_app_builds_each_resource_route_once(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    built: list[str] = []
    build = APIRoute.__init__

    def counting_build(route: APIRoute, path: str, *args: Any, **kwargs: Any) -> None:
        built.append(path)
        build(route, path, *args, **kwargs)

    monkeypatch.setattr(APIRoute, "__init__", counting_build)

    # Enrollments have no more_routes, whose module routers are built on import.
    assert not ENROLLMENTS.more_routes
    app = create_app(settings, routers_of(ENROLLMENTS))

    served = [route.path for route in app.routes if isinstance(route, APIRoute)]
    assert len(served) == 5
    assert sorted(built) == sorted(served)


def test_create_app_resource_routes_use_the_apps_dependency_overrides(
    settings: Settings, mock_database: Database
) -> None:
    app = create_app(settings, routers_of(STUDENTS))

    async def database_override() -> Database:
        return mock_database

    app.dependency_overrides[get_database] = database_override
    with TestClient(app) as client:
        created = client.post("/api/students", json=dict(STUDENTS.examples[0]))
        listed = client.get("/api/students")

    assert created.status_code == 201
    assert [item["id"] for item in listed.json()["items"]] == [created.json()["id"]]

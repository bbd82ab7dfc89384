"""Closed by default: without AUTH_MODE, nobody gets in."""

from __future__ import annotations

import pytest

from api_core.database import Database
from api_core.devtools.builders import course_body
from api_core.settings import Settings
from tests.unit.conftest import local_client


def test_without_auth_mode_the_api_refuses_every_guarded_request(
    monkeypatch: pytest.MonkeyPatch, mock_database: Database
) -> None:
    monkeypatch.delenv("AUTH_MODE")
    settings = Settings()

    with local_client(settings, mock_database) as client:
        assert settings.auth_mode == "gateway"
        assert client.get("/api/courses").status_code == 401
        assert client.post("/api/courses", json=course_body()).status_code == 401
        assert client.get("/api/health").status_code == 200

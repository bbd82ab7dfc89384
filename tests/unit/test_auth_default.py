"""Closed by default: without AUTH_MODE, nobody gets in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_core.settings import Settings, get_settings
from tests.support.builders import course_body


def test_without_auth_mode_the_api_refuses_every_guarded_request(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTH_MODE")
    get_settings.cache_clear()

    assert Settings().auth_mode == "gateway"
    assert client.get("/api/courses").status_code == 401
    assert client.post("/api/courses", json=course_body()).status_code == 401
    assert client.get("/api/health").status_code == 200

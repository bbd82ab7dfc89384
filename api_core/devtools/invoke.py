"""Calling a function's handler the way Lambda does, and reading what it answered."""

from __future__ import annotations

import time
from typing import Any

from api_core.devtools.events import build_event, response_headers, response_json
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.settings import Settings

Handler = Any


def invoke(handler: Handler, method: str, path: str, body: Any = None) -> dict[str, Any]:
    response: dict[str, Any] = handler(
        build_event("http_api_v2", method, path, body=body), FakeLambdaContext()
    )
    return response


def timed(
    handler: Handler, method: str, path: str, body: Any = None
) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    response = invoke(handler, method, path, body)
    return response, time.perf_counter() - started


def pointed_at(
    settings: Settings, uri: str, budget_ms: int, database: str = "lifecycle"
) -> Settings:
    return changed(settings, mongodb_uri=uri, mongodb_timeout_ms=budget_ms, mongodb_db=database)


def assert_unavailable(response: dict[str, Any], settings: Settings) -> None:
    """A 503 problem+json with Retry-After, and nothing of the driver's in it."""
    assert response["statusCode"] == 503, response
    headers = response_headers(response)
    assert headers["content-type"] == "application/problem+json"
    assert headers["retry-after"] == str(settings.retry_after_seconds)
    problem = response_json(response)
    assert problem["type"] == "/problems/database-unavailable"
    assert "Timeout" not in problem["detail"] and "127.0.0.1" not in problem["detail"]

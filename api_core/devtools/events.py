"""Lambda events for a request, built from the real event JSON in api_core/devtools/events/."""

from __future__ import annotations

import base64
import copy
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode

EventShape = Literal["http_api_v2", "rest_api_v1", "alb"]
EVENT_SHAPES: tuple[EventShape, ...] = ("http_api_v2", "rest_api_v1", "alb")
EVENTS_DIR = Path(__file__).resolve().parent / "events"


@cache
def _template(name: str) -> Any:
    return json.loads((EVENTS_DIR / f"{name}.json").read_text())


def load_event(name: str) -> Any:
    """A fresh copy of api_core/devtools/events/<name>.json, as the event source sent it."""
    return copy.deepcopy(_template(name))


def build_event(
    shape: EventShape,
    method: str,
    path: str,
    *,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An event as API Gateway (HTTP API v2 or REST v1) or an ALB would send it.

    `claims` are what the gateway's authorizer verified, placed where each shape
    carries them (ALBs have no authorizer).
    """
    event: dict[str, Any] = load_event(shape)
    all_headers = dict(headers or {})
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    if text is not None:
        all_headers.setdefault("content-type", "application/json")
        all_headers["content-length"] = str(len(text.encode()))
    query = query or {}

    if shape == "http_api_v2":
        event["rawPath"] = path
        event["requestContext"]["http"]["method"] = method
        event["requestContext"]["http"]["path"] = path
        event["rawQueryString"] = urlencode(query)
        event["queryStringParameters"] = query or None
        event["headers"].update({k.lower(): v for k, v in all_headers.items()})
        if claims is not None:
            # HTTP API passes list claims on as strings like "[staff teachers]".
            flat = {k: f"[{' '.join(v)}]" if isinstance(v, list) else v for k, v in claims.items()}
            event["requestContext"]["authorizer"] = {"jwt": {"claims": flat, "scopes": None}}
    elif shape == "rest_api_v1":
        event["path"] = path
        event["httpMethod"] = method
        event["requestContext"]["httpMethod"] = method
        event["queryStringParameters"] = query or None
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
        event["headers"].update(all_headers)
        event["multiValueHeaders"].update({k: [v] for k, v in all_headers.items()})
        if claims is not None:
            event["requestContext"]["authorizer"] = {"claims": claims}
    else:
        event["path"] = path
        event["httpMethod"] = method
        # ALB passes query strings on still URL-encoded.
        event["queryStringParameters"] = {quote(k): quote(v) for k, v in query.items()}
        event["headers"].update({k.lower(): v for k, v in all_headers.items()})
    event["body"] = text
    return event


def response_json(response: dict[str, Any]) -> Any:
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body) if body else None


def response_headers(response: dict[str, Any]) -> dict[str, str]:
    """Headers of a handler response, lower-cased, whichever shape it came back in."""
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for k, values in (response.get("multiValueHeaders") or {}).items():
        headers[k.lower()] = values[-1]
    return headers

"""Turns routers into a Lambda handler: Mangum over a FastAPI app, built once per process."""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from mangum import Mangum
from mangum.adapter import DEFAULT_TEXT_MIME_TYPES
from mangum.types import LambdaContext

from api_core import database
from api_core.auth import warn_if_open
from api_core.errors import PROBLEM_JSON
from api_core.factory import create_app
from api_core.logs import configure_logging
from api_core.resources import Resource
from api_core.router import build_router
from api_core.settings import get_settings

Event = dict[str, Any]
LambdaHandler = Callable[[Event, Any], dict[str, Any]]

logger = logging.getLogger("api_core.requests")


def make_handler(*routers: APIRouter) -> LambdaHandler:
    configure_logging()
    warn_if_open(get_settings())
    _ensure_event_loop()
    # lifespan="off": Mangum would otherwise run the app's startup and shutdown on
    # every invocation. Per-process work (client, indexes) happens lazily instead.
    # problem+json is text too: without it Mangum would base64-encode every error.
    adapter = Mangum(
        create_app(routers),
        lifespan="off",
        text_mime_types=[*DEFAULT_TEXT_MIME_TYPES, PROBLEM_JSON],
    )
    cold_start = True

    def handler(event: Event, context: LambdaContext) -> dict[str, Any]:
        nonlocal cold_start
        started = time.perf_counter()
        response: dict[str, Any] = adapter(event, context)
        logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": getattr(context, "aws_request_id", None),
                    "cold_start": cold_start,
                    "method": _method(event),
                    "path": event.get("rawPath") or event.get("path"),
                    "status": response.get("statusCode"),
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                }
            },
        )
        cold_start = False
        return response

    return handler


def resource_handler(resource: Resource) -> LambdaHandler:
    return make_handler(build_router(resource))


def _method(event: Event) -> str | None:
    http = event.get("requestContext", {}).get("http")
    return http.get("method") if http else event.get("httpMethod")


def _ensure_event_loop() -> None:
    """Give this thread the event loop Mangum runs every invocation on, once.

    Mangum asks `asyncio.get_event_loop()`, which since Python 3.12 warns when it
    has to create the loop and since 3.14 refuses; the loop (and with it the
    cached MongoDB client) then lives as long as the process.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            asyncio.get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())


def _register_snapstart_hook() -> None:
    # With SnapStart, a process resumes from a snapshot whose sockets are dead:
    # drop the cached client so the first request after a restore reconnects.
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:  # not on Lambda, or SnapStart's runtime hooks are absent
        return
    register_after_restore(database.forget_client)


_register_snapstart_hook()

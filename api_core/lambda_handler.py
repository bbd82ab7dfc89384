"""Turns routers into a Lambda handler: Mangum over a FastAPI app, built once per process."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from traceback import format_exception
from typing import Any

from fastapi import APIRouter
from mangum import Mangum
from mangum.adapter import DEFAULT_TEXT_MIME_TYPES
from mangum.protocols import HTTPCycle
from mangum.types import LambdaContext

from api_core import snapstart
from api_core.auth import warn_if_open
from api_core.database import prepare_client
from api_core.errors import PROBLEM_JSON, ApiError
from api_core.factory import RouterFor, create_app
from api_core.lambda_events import (
    UnreadableEvent,
    correlation_id,
    problem_result,
    read_event,
)
from api_core.logs import LineWriter, configure_logging, invocation_fields, lambda_fields
from api_core.metrics import RequestMetrics
from api_core.process_loop import process_loop
from api_core.resources import Resource
from api_core.router import routers_of
from api_core.settings import Settings
from api_core.warm_up import is_warm_up, warm_up

Event = Any  # what the invoker sent: an HTTP event is a dict, but anything can arrive
LambdaHandler = Callable[[Event, Any], dict[str, Any]]

logger = logging.getLogger("api_core.requests")


def make_handler(settings: Settings, *routers: APIRouter | RouterFor) -> LambdaHandler:
    line = LineWriter(configure_logging(settings.log_level), logger.name, "request")
    warn_if_open(settings)
    # The loop Mangum runs every invocation on, and the client with it.
    prepare_client(settings, process_loop())
    app = create_app(settings, routers)
    metrics = RequestMetrics(settings.metrics_namespace)
    # lifespan="off": Mangum would otherwise run the app's startup and shutdown on
    # every invocation. Per-process work (client, indexes) happens lazily instead.
    # problem+json is text too: without it Mangum would base64-encode every error.
    adapter = Mangum(app, lifespan="off", text_mime_types=[*DEFAULT_TEXT_MIME_TYPES, PROBLEM_JSON])
    cold_start = True

    def handler(event: Event, context: LambdaContext) -> dict[str, Any]:
        """Mangum's own steps, apart so that an event it cannot read is a 400, not a raise;
        a scheduled keep-warm event is answered by `warm_up`.

        Never raises: each invocation returns a result and writes one line, which is
        also its metrics (api_core/metrics.py). Every line logged meanwhile carries
        the invocation's ids (api_core/logs.py).
        """
        nonlocal cold_start
        started, cold, cold_start = time.perf_counter(), cold_start, False
        fields = {
            "correlation_id": correlation_id(event),
            **lambda_fields(context, cold),
            "method": None,
            "path": None,
        }
        level, failure = logging.INFO, None
        with invocation_fields(fields):
            try:
                if is_warm_up(event):
                    response = warm_up(settings)
                    fields["warm_up"] = response["database"]
                else:
                    source, scope, body = read_event(adapter, event, context)
                    fields["method"], fields["path"] = scope["method"], scope["path"]
                    response = source(HTTPCycle(scope, body)(app))
            except UnreadableEvent as error:
                level, fields["error"] = logging.WARNING, error.reason
                response = problem_result(event, error)
            except Exception as error:
                # The app answers its own errors; this is Mangum or the event loop failing.
                level, failure = logging.ERROR, error
                response = problem_result(event, ApiError())
        status = response.get("statusCode")  # none for a warm-up
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        fields["status"], fields["duration_ms"] = status, duration_ms
        values, metadata = metrics.members(fields["function_name"], status, duration_ms, cold)
        fields.update(values)
        if failure is not None:
            fields["exception"] = "".join(format_exception(failure)).rstrip()
        # Written whatever LOG_LEVEL says: the line carries the request's metrics.
        line.write(level, fields, metadata)
        return response

    return handler


def resource_handler(resource: Resource, settings: Settings) -> LambdaHandler:
    return make_handler(settings, *routers_of(resource))


snapstart.register()  # SnapStart: see api_core/snapstart.py

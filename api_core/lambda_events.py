"""Lambda events read as HTTP requests, and the result for an event that cannot be.

Mangum turns API Gateway and ALB events into ASGI requests, but raises on any it
cannot read: a field missing, null or of another type, a body flagged as base64
that is not, an ALB Host header it cannot split (the client chooses it), an S3,
SQS or EventBridge event. A handler that raises is a failed invocation with no
response and no log line of ours, so those become `UnreadableEvent` instead,
answered with a 400 problem like any other bad request.
"""

from __future__ import annotations

import json
from typing import Any

from mangum import Mangum
from mangum.types import LambdaContext, LambdaHandler, Scope

from api_core.errors import PROBLEM_JSON, ApiError
from api_core.guard import API_HEADERS


class UnreadableEvent(ApiError):
    """Raised when a Lambda event cannot be read as an HTTP request."""

    status = 400
    title = "Bad Request"
    slug = "unreadable-event"
    default_detail = "The function could not read this event as an HTTP request."

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason  # for the log only: it may quote the event


def read_event(
    adapter: Mangum, event: Any, context: LambdaContext
) -> tuple[LambdaHandler, Scope, bytes]:
    """Mangum's handler for the event's source, the request's ASGI scope and its body."""
    try:
        source = adapter.infer(event, context)
    except Exception:
        raise UnreadableEvent("not an API Gateway or ALB event") from None
    try:
        scope, body = source.scope, source.body
    except Exception as error:
        raise UnreadableEvent(f"{type(error).__name__}: {error}"[:200]) from None
    if not isinstance(scope["method"], str):  # routing would fail on a list or a dict
        raise UnreadableEvent("the HTTP method is not a string")
    return source, scope, body


def correlation_id(event: Any) -> str | None:
    """The id the event source gave the request, which its own logs and clients quote.

    API Gateway's (REST and HTTP API) is `requestContext.requestId`; an ALB has none
    and passes the X-Ray trace id in the `X-Amzn-Trace-Id` header instead.
    """
    if not isinstance(event, dict):
        return None
    context = event.get("requestContext")
    found = context.get("requestId") if isinstance(context, dict) else None
    if found is None:
        headers = event.get("headers") or event.get("multiValueHeaders")
        found = headers.get("x-amzn-trace-id") if isinstance(headers, dict) else None
        if isinstance(found, list) and found:  # multiValueHeaders
            found = found[-1]
    return found if isinstance(found, str) else None


def problem_result(event: Any, error: ApiError) -> dict[str, Any]:
    """`error` as a Lambda result that API Gateway (REST or HTTP API) and ALBs accept."""
    headers = {"content-type": PROBLEM_JSON, **API_HEADERS, **error.headers()}
    result: dict[str, Any] = {
        "statusCode": error.status,
        "body": json.dumps(error.body()),
        "isBase64Encoded": False,
    }
    # An ALB with multi-value headers turned on sends them, and only accepts them back.
    if isinstance(event, dict) and "multiValueHeaders" in event:
        result["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    else:
        result["headers"] = headers
    return result

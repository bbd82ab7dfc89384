"""A pure ASGI middleware that checks request bodies and marks API responses.

It refuses bodies over the size limit (413) and bodies that are not JSON (415)
before any route runs, and adds `X-Content-Type-Options: nosniff` and
`Cache-Control: no-store` to every API response. Pure ASGI rather than
`@app.middleware("http")`: the decorator form costs a third of a warm invocation.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api_core.errors import PayloadTooLarge, UnsupportedMediaType, problem_response
from api_core.settings import get_settings

_METHODS_WITH_BODY = {"POST", "PUT", "PATCH"}
_API_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store")]


def _is_json(content_type: bytes) -> bool:
    media_type = content_type.split(b";", 1)[0].strip().lower()
    return media_type == b"application/json" or (
        media_type.startswith(b"application/") and media_type.endswith(b"+json")
    )


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api"):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_API_HEADERS]
            await send(message)

        if scope["method"] in _METHODS_WITH_BODY:
            limit = get_settings().max_body_bytes
            headers = dict(scope["headers"])
            if int(headers.get(b"content-length", b"0") or 0) > limit:
                await problem_response(PayloadTooLarge())(scope, receive, send_with_headers)
                return
            if not _is_json(headers.get(b"content-type", b"")):
                await problem_response(UnsupportedMediaType())(scope, receive, send_with_headers)
                return
            receive = _limited(receive, limit)
        await self.app(scope, receive, send_with_headers)


def _limited(receive: Receive, limit: int) -> Receive:
    """Count body bytes as they arrive, for bodies sent without a Content-Length."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge()
        return message

    return receive_within_limit

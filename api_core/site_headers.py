"""The security headers of the page's files: one definition for uvicorn and for Netlify.

uvicorn adds them to everything it serves outside /api (SiteHeaders below); the
Netlify build writes them into public/_headers (`python -m api_core.site_headers`,
see netlify.toml). The API's own responses carry their own headers (api_core/guard.py).
This module uses the standard library only: the Netlify build runs it bare.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # only for the types: the Netlify build has no Starlette
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
DOCS_PREFIX = "/api/docs"


def content_security_policy(connect_to: Iterable[str], inline_styles: bool = False) -> str:
    """The page may load only its own files and talk only to itself and `connect_to`
    (the sign-in provider's token endpoint, the bucket imports are uploaded to).

    `inline_styles` is for the API docs: Swagger UI sets style attributes.
    """
    origins = " ".join(sorted({origin for origin in connect_to if origin}))
    styles = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    return (
        f"default-src 'self'; script-src 'self'; style-src {styles}; img-src 'self' data:; "
        f"connect-src 'self'{' ' + origins if origins else ''}; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def origin_of(url: str, schemes: tuple[str, ...] = ("https",)) -> str:
    """scheme://host[:port] of a URL with one of `schemes`, or "" for anything else."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in schemes and parts.netloc else ""


class SiteHeaders:
    """Pure ASGI middleware: the headers above on every response outside /api (and on
    the API docs), as Netlify serves the same files in production."""

    def __init__(self, app: ASGIApp, connect_to: Iterable[str]) -> None:
        self.app = app
        page = [*HEADERS.items(), ("Content-Security-Policy", content_security_policy(connect_to))]
        docs = [*HEADERS.items(), ("Content-Security-Policy", content_security_policy((), True))]
        self.page = [(name.lower().encode(), value.encode()) for name, value in page]
        self.docs = [(name.lower().encode(), value.encode()) for name, value in docs]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or (
            path.startswith("/api") and not path.startswith(DOCS_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        extra = self.docs if path.startswith(DOCS_PREFIX) else self.page

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

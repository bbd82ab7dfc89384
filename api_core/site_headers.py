"""The security headers of the page's files: one definition for uvicorn and for Netlify.

uvicorn adds them to everything it serves outside /api (SiteHeaders below). Netlify's
build (`python3 -m api_core.site_headers public`, see netlify.toml) writes them into
public/_headers, with the /api/* proxy rule into public/_redirects, from the stack's
outputs. The API's own responses carry their own headers (api_core/guard.py). This
module uses the standard library only (Python 3.8 and later): the build runs it bare.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
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


# Only on Netlify, which serves https: browsers ignore HSTS over plain http anyway.
NETLIFY_ONLY = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    # The files have no content hash in their names (no build step), so browsers must
    # revalidate them; Netlify answers 304 when nothing changed.
    "Cache-Control": "public, max-age=0, must-revalidate",
}
_ORIGIN = re.compile(r"https://[a-z0-9.-]+(:[0-9]{1,5})?")
_VARIABLES = {
    "API_ORIGIN": "the API's origin, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com "
    "(the ApiUrl output of sam deploy)",
    "IMPORT_BUCKET_ORIGIN": "the import bucket's origin, e.g. "
    "https://student-imports-1a2b.s3.eu-west-1.amazonaws.com (the ImportBucketOrigin output)",
    "SIGN_IN_ORIGIN": "the sign-in provider's token endpoint origin, e.g. "
    "https://records.auth.eu-west-1.amazoncognito.com (the SignInOrigin output), or "
    "none when the stack has no sign-in (AllowOpenApi=true)",
}


class BuildError(Exception):
    """Raised when a variable the Netlify build needs is missing or not an https origin."""


def required_origin(name: str) -> str:
    value = os.environ.get(name, "").strip()
    while value.endswith("/"):
        value = value[:-1]
    if name == "SIGN_IN_ORIGIN" and value == "none":
        return ""
    if value.startswith("http://"):
        raise BuildError(
            f"{name} must use https: tokens and records would cross the network in "
            f"clear. Got: {value!r}"
        )
    if not _ORIGIN.fullmatch(value):
        raise BuildError(
            f"{name} must be {_VARIABLES[name]}; set it under Site configuration > "
            f"Environment variables. Got: {value!r}"
        )
    return value


def write_netlify_files(publish: Path) -> str:
    """public/_redirects and public/_headers from the environment; what they say."""
    api, bucket, sign_in = (required_origin(name) for name in _VARIABLES)
    headers = {
        **HEADERS,
        **NETLIFY_ONLY,
        "Content-Security-Policy": content_security_policy([sign_in, bucket]),
    }
    (publish / "_redirects").write_text(f"/api/*  {api}/api/:splat  200\n")
    (publish / "_headers").write_text(
        "/*\n" + "".join(f"  {name}: {value}\n" for name, value in headers.items())
    )
    return f"/api/* -> {api}/api/:splat; uploads to {bucket}; sign-in at {sign_in or 'none'}"


def main(argv: list[str]) -> int:
    try:
        summary = write_netlify_files(Path(argv[0] if argv else "public"))
    except BuildError as error:
        sys.stderr.write(f"netlify build: {error}\n")
        return 1
    sys.stdout.write(f"netlify build: {summary}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

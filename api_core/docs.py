"""The API's docs at /api/docs, served from files the app itself holds.

FastAPI's own docs page loads an unpinned Swagger UI from a CDN, without integrity
hashes, onto the API's origin: blank offline, and refused by a strict CSP. Here the
Swagger UI files come from the fastapi-offline package (pinned by uv.lock) and the
page runs no inline script, so it works offline and under `script-src 'self'`.
Only the local app serves docs; the Lambda functions do not.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
ASSETS_URL = f"{DOCS_URL}/assets"

logger = logging.getLogger(__name__)

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{title}}: docs</title>
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="{DOCS_URL}/start.js"></script>
</body>
</html>
"""
_START = f"""SwaggerUIBundle({{
  url: "{OPENAPI_URL}",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
}});
"""


def add_docs(app: FastAPI) -> None:
    try:
        import fastapi_offline
    except ImportError:  # the run extra: installed by make run and make test, not on Lambda
        logger.warning("no API docs: fastapi-offline is not installed")
        return
    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")
    page = _PAGE.replace("{title}", html.escape(app.title))

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(f"{DOCS_URL}/start.js", include_in_schema=False)
    async def start() -> Response:
        return Response(_START, media_type="text/javascript")

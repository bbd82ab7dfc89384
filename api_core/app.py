"""The all-in-one app that uvicorn serves locally: `uvicorn api_core.app:app`.

Every resource under /api, the API docs at /api/docs, and the frontend in public/
at /. Each Lambda function builds its own app with only its own router instead
(see functions/).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api_core import auth, health
from api_core.factory import create_app
from api_core.imports.router import router as imports_router
from api_core.resources import ALL_RESOURCES
from api_core.router import routers_of
from api_core.settings import Settings, get_settings
from api_core.site_headers import SiteHeaders, origin_of

PUBLIC_DIR = Path(__file__).resolve().parent.parent / "public"


def create_local_app(settings: Settings) -> FastAPI:
    routers = [router for resource in ALL_RESOURCES for router in routers_of(resource)]
    every_router = [health.router, auth.config_router, *routers, imports_router]
    app = create_app(settings, every_router, with_docs=True)
    auth.warn_if_open(settings)
    app.mount("/", StaticFiles(directory=PUBLIC_DIR, html=True), name="frontend")
    # The page fetches tokens from the sign-in provider (http:// too, for a local one).
    token_origin = origin_of(settings.auth_token_url, schemes=("https", "http"))
    app.add_middleware(SiteHeaders, connect_to=[token_origin])
    return app


app = create_local_app(get_settings())

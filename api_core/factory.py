"""The app factory: one FastAPI app from a set of routers, with our errors and guards."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api_core.auth import document_access
from api_core.database import RequestDeadline
from api_core.docs import OPENAPI_URL, add_docs
from api_core.errors import register_error_handlers
from api_core.guard import RequestGuard
from api_core.settings import get_settings


def create_app(routers: Iterable[APIRouter], *, with_docs: bool = False) -> FastAPI:
    app = FastAPI(
        title="Student records API",
        version="1.0.0",
        docs_url=None,  # api_core/docs.py serves them without a CDN
        redoc_url=None,
        openapi_url=OPENAPI_URL if with_docs else None,
    )
    for router in routers:
        app.include_router(router)
    if with_docs:
        add_docs(app)
    register_error_handlers(app)
    document_access(app)
    # The last one added runs first: CORS, the body guard, then the deadline.
    app.add_middleware(RequestDeadline)
    app.add_middleware(RequestGuard)
    origins = get_settings().cors_origins
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Content-Type", "If-Match", "Authorization"],
            expose_headers=["ETag", "Location", "Retry-After"],
        )
    return app

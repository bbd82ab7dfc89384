"""The app factory: one FastAPI app from a set of routers, with our errors and guards."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from api_core.auth import document_access
from api_core.database import RequestDeadline
from api_core.docs import OPENAPI_URL, add_docs
from api_core.errors import register_error_handlers
from api_core.guard import RequestGuard
from api_core.settings import Settings

# What a route is made of: every add_api_route() option is an APIRoute attribute.
_ROUTE_OPTIONS = [
    name
    for name in inspect.signature(APIRouter.add_api_route).parameters
    if name not in {"self", "path", "endpoint", "route_class_override"}
]

# Builds a router for the given app: its routes then take that app's
# dependency_overrides, so create_app moves them into the app instead of copying them.
RouterFor = Callable[[FastAPI], APIRouter]
Routers = Iterable[APIRouter | RouterFor]


def create_app(settings: Settings, routers: Routers, *, with_docs: bool = False) -> FastAPI:
    app = FastAPI(
        title=f"{settings.app_name} API",
        version="1.0.0",
        docs_url=None,  # api_core/docs.py serves them without a CDN
        redoc_url=None,
        openapi_url=OPENAPI_URL if with_docs else None,
    )
    app.state.settings = settings  # for the routes' dependencies (settings_of)
    for router in routers:
        if isinstance(router, APIRouter):
            add_routes(app, router)  # a module's router, which other apps may share
        else:
            app.router.routes.extend(router(app).routes)  # built once, for this app
    if with_docs:
        add_docs(app)
    register_error_handlers(app, settings)
    document_access(app)
    # The last one added runs first: CORS, the body guard, then the deadline.
    app.add_middleware(
        RequestDeadline,
        seconds=settings.mongodb_timeout_ms / 1000,
        retry_after_s=settings.retry_after_seconds,
    )
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Content-Type", "If-Match", "Authorization"],
            expose_headers=["ETag", "Location", "Retry-After"],
        )
    return app


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes, added to the app itself as FastAPI used to include them.

    include_router() in FastAPI 0.165 matches an included router's routes again on
    every request, which cost 15 µs of each. Copying a route, rather than adding
    the same object, also gives it the app's dependency_overrides.
    """
    for route in router.routes:
        assert isinstance(route, APIRoute), f"{route!r}: only API routes are copied"
        options = {name: getattr(route, name) for name in _ROUTE_OPTIONS}
        app.router.add_api_route(route.path, route.endpoint, **options)

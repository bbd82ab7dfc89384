"""Every function's handler, built as functions/<name>.py builds it but from given
settings: what a process started with them in its environment would run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api_core import auth, health
from api_core.imports import batch_events, file_events
from api_core.imports.router import router as imports_router
from api_core.lambda_handler import make_handler, resource_handler
from api_core.resources import COURSES, ENROLLMENTS, STUDENTS
from api_core.settings import Settings

Handler = Any


class Handlers:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.students: Handler = resource_handler(STUDENTS, settings)
        self.courses: Handler = resource_handler(COURSES, settings)
        self.enrollments: Handler = resource_handler(ENROLLMENTS, settings)
        self.health: Handler = make_handler(settings, health.router, auth.config_router)
        self.imports: Handler = make_handler(settings, imports_router)
        self.import_file: Handler = file_events.make_handler(settings)
        self.import_batch: Handler = batch_events.make_handler(settings)


def broken_handler(settings: Settings) -> Handler:
    """A function whose one route, GET /api/broken, fails with an error nothing handles."""
    router = APIRouter()

    @router.get("/api/broken")
    async def broken() -> None:
        raise RuntimeError("a bug")

    return make_handler(settings, router)

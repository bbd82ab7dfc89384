"""Errors the API raises on purpose, and their rendering as RFC 9457 problem details.

Routes and repositories raise the classes below; one handler per base class turns
them into `application/problem+json`. Nothing else reaches a client: validation
errors are reduced to `loc`, `msg` and `type`, and driver or unexpected errors
become a fixed message while the details go to the log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from pymongo.errors import ConfigurationError, ConnectionFailure, OperationFailure, PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api_core.settings import Settings

PROBLEM_JSON = "application/problem+json"

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised when a request cannot be served; subclasses name the reason."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal Server Error"
    slug: ClassVar[str] = "internal-error"
    default_detail: ClassVar[str] = "The server could not complete the request."

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.default_detail)
        self.detail = detail or self.default_detail

    def headers(self) -> dict[str, str]:
        return {}

    def body(self) -> dict[str, Any]:
        return problem(self.status, self.title, self.detail, self.slug)


class NotFound(ApiError):
    """Raised when no record has the requested id (or the id is malformed)."""

    status = 404
    title = "Not Found"
    slug = "not-found"
    default_detail = "No record with this id."


class Conflict(ApiError):
    """Raised when a write would break a unique key or leave an orphan."""

    status = 409
    title = "Conflict"
    slug = "conflict"
    default_detail = "The request conflicts with the current state of the data."


class PreconditionFailed(ApiError):
    """Raised when If-Match names a version that is no longer current."""

    status = 412
    title = "Precondition Failed"
    slug = "stale-version"
    default_detail = "The record changed since you read it: fetch it again and retry."


class PayloadTooLarge(ApiError):
    """Raised when a request body is larger than the configured limit."""

    status = 413
    title = "Content Too Large"
    slug = "body-too-large"
    default_detail = "The request body is too large."


class UnsupportedMediaType(ApiError):
    """Raised when a request body is sent with a content type other than JSON."""

    status = 415
    title = "Unsupported Media Type"
    slug = "json-only"
    default_detail = "Send the request body as application/json."


class InvalidRequest(ApiError):
    """Raised when a request is well formed but its values are not acceptable."""

    status = 422
    title = "Unprocessable Content"
    slug = "validation-error"
    default_detail = "The request has invalid values."

    def __init__(self, errors: Sequence[Mapping[str, Any]], detail: str | None = None) -> None:
        super().__init__(detail)
        # Only these three keys: pydantic's `input` and `ctx` may echo personal data.
        self.errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e["msg"]), "type": str(e["type"])}
            for e in errors
        ]

    def body(self) -> dict[str, Any]:
        return {**super().body(), "errors": self.errors}


class Unavailable(ApiError):
    """Raised when something the API needs cannot be reached: the client may retry."""

    status = 503
    title = "Service Unavailable"
    slug = "unavailable"
    default_detail = "The service is unavailable right now. Try again shortly."

    def __init__(self, detail: str | None = None, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class DatabaseUnavailable(Unavailable):
    """Raised when the database cannot be reached within the configured budget."""

    slug = "database-unavailable"
    default_detail = "The database is unreachable right now. Try again shortly."


def problem(status: int, title: str, detail: str, slug: str) -> dict[str, Any]:
    return {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}


def problem_response(error: ApiError) -> Response:
    return Response(
        content=json.dumps(error.body()),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=error.headers(),
    )


def _api_error_handler(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem_response(exc)


def _validation_handler(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return problem_response(InvalidRequest(exc.errors()))


def invalid_json(msg: str) -> InvalidRequest:
    error = {"loc": ["body"], "msg": msg, "type": "json_invalid"}
    return InvalidRequest([error], "The request body is not valid JSON.")


def unexpected_error(exc: Exception) -> Response:
    """The answer to an error nothing else handled; the details go to the log only."""
    logger.error("unhandled error", exc_info=exc)
    return problem_response(ApiError())


def _http_handler(_: Request, exc: Exception) -> Response:
    # Starlette raises these for unknown paths (404) and wrong methods (405); FastAPI
    # a bare 400 for a body json.loads gave up on, whose cause says why.
    assert isinstance(exc, StarletteHTTPException)
    cause = exc.__cause__ if exc.status_code == 400 else None
    if isinstance(cause, RecursionError):  # nested deeper than the parser goes
        return problem_response(invalid_json("JSON nested too deeply"))
    if isinstance(cause, ValueError):  # such as an integer over Python's 4,300 digits
        return problem_response(invalid_json("JSON could not be parsed"))
    title = _reason(exc.status_code)
    body = problem(exc.status_code, title, str(exc.detail), title.lower().replace(" ", "-"))
    return Response(json.dumps(body), exc.status_code, dict(exc.headers or {}), PROBLEM_JSON)


def _driver_handler(retry_after_s: int) -> Callable[[Request, Exception], Response]:
    def handle(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, PyMongoError)
        if _is_unavailable(exc):
            logger.warning("database unavailable: %s", exc)
            return problem_response(DatabaseUnavailable(retry_after_s=retry_after_s))
        logger.error("database error", exc_info=exc)
        return problem_response(ApiError())

    return handle


# The server refuses our credentials (wrong, missing, or without the rights we
# need): like an unreachable server, unusable until someone fixes MONGODB_URI.
_REFUSED_CREDENTIALS = frozenset({13, 18})  # Unauthorized, AuthenticationFailed


def _is_unavailable(exc: PyMongoError) -> bool:
    """A fault of the database or of the way to it, not of the request."""
    return (
        exc.timeout  # the request's deadline passed, whatever was being waited for
        or isinstance(exc, ConnectionFailure | ConfigurationError)
        or (isinstance(exc, OperationFailure) and exc.code in _REFUSED_CREDENTIALS)
    )


def _unexpected_handler(_: Request, exc: Exception) -> Response:
    # Starlette runs this outside every middleware; RequestGuard answers /api first.
    return unexpected_error(exc)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def register_error_handlers(app: FastAPI, settings: Settings) -> None:
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(PyMongoError, _driver_handler(settings.retry_after_seconds))
    app.add_exception_handler(Exception, _unexpected_handler)


class Problem(BaseModel):
    """An RFC 9457 problem details object (documentation only)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses an operation can answer."""
    return {
        status: {
            "description": _reason(status),
            "content": {PROBLEM_JSON: {"schema": _problem_schema()}},
        }
        for status in statuses
    }


@cache
def _problem_schema() -> dict[str, Any]:
    # Built once: routers ask for it some thirty times per app, at every cold start.
    return Problem.model_json_schema()

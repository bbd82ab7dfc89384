"""The five CRUD endpoints, built once for any resource from its description."""

# No `from __future__ import annotations`: FastAPI reads these endpoint annotations
# at runtime, and they name models chosen per resource. For the same reason mypy
# sees those models as variables, hence the `valid-type` ignores below.

import importlib
from functools import partial
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Query, Response

from api_core.auth import SignedIn, StaffOnly
from api_core.database import DatabaseDep
from api_core.errors import problem_responses
from api_core.factory import RouterFor
from api_core.ids import etag, parse_id, parse_if_match
from api_core.models.base import Page, Record, with_sorts
from api_core.repository import repository_of
from api_core.resources import Resource

JSON = "application/json"
IfMatch = Annotated[
    str | None,
    Header(description="An ETag from an earlier read; the write fails with 412 if it is stale"),
]


def routers_of(resource: Resource) -> list[APIRouter | RouterFor]:
    """The resource's five CRUD endpoints, then the routers of its `more_routes`.

    The CRUD router is built by create_app for its app (see factory.RouterFor).
    """
    more = [importlib.import_module(module).router for module in resource.more_routes]
    return [partial(build_router, resource), *more]


def build_router(resource: Resource, app: FastAPI | None = None) -> APIRouter:
    """The five endpoints; given the app they are for, they use its dependency_overrides."""
    Create = resource.create_model
    Update = resource.update_model
    Public = resource.public_model
    Filters = with_sorts(resource.query_model, resource.sorts)
    PageOfRecords = Page[Public]  # type: ignore[valid-type]
    one, many = resource.singular, resource.name
    repository = repository_of(resource)

    router = APIRouter(prefix=f"/api/{many}", tags=[many], dependency_overrides_provider=app)

    @router.post(
        "",
        status_code=201,
        response_model=Public,
        summary=f"Create a {one}",
        dependencies=[StaffOnly],
        responses=problem_responses(409, 413, 415, 422, 503),
    )
    async def create(body: Create, database: DatabaseDep) -> Response:  # type: ignore[valid-type]
        record = await repository(database).create(body)
        return _record_response(record, 201, location=f"/api/{many}/{record.id}")

    @router.get(
        "",
        response_model=PageOfRecords,
        summary=f"List {many}",
        description="Oldest first, or in the order `sort` names. Follow `next_cursor` for "
        "the next page; `count=true` adds `total`, how many records match.",
        dependencies=[SignedIn],
        responses=problem_responses(422, 503),
    )
    async def list_records(
        query: Annotated[Filters, Query()],  # type: ignore[valid-type]
        database: DatabaseDep,
    ) -> Response:
        found = await repository(database).page(query)
        page = PageOfRecords(items=found.items, next_cursor=found.next_cursor, total=found.total)
        unasked = {"total"} if found.total is None else None
        return Response(page.model_dump_json(exclude=unasked), media_type=JSON)

    @router.get(
        "/{id}",
        response_model=Public,
        summary=f"Get a {one}",
        dependencies=[SignedIn],
        responses=problem_responses(404, 503),
    )
    async def get(id: str, database: DatabaseDep) -> Response:
        return _record_response(await repository(database).get(parse_id(id)))

    @router.patch(
        "/{id}",
        response_model=Public,
        summary=f"Change a {one}",
        description="Only the fields sent change; `null` clears an optional field.",
        dependencies=[StaffOnly],
        responses=problem_responses(404, 409, 412, 413, 415, 422, 503),
    )
    async def update(
        id: str,
        body: Update,  # type: ignore[valid-type]
        database: DatabaseDep,
        if_match: IfMatch = None,
    ) -> Response:
        record = await repository(database).update(parse_id(id), body, parse_if_match(if_match))
        return _record_response(record)

    @router.delete(
        "/{id}",
        status_code=204,
        summary=f"Delete a {one}",
        dependencies=[StaffOnly],
        responses=problem_responses(404, 409, 412, 503),
    )
    async def delete(id: str, database: DatabaseDep, if_match: IfMatch = None) -> Response:
        await repository(database).delete(parse_id(id), parse_if_match(if_match))
        return Response(status_code=204)

    return router


def _record_response(record: Record, status: int = 200, location: str | None = None) -> Response:
    headers = {"ETag": etag(record.version)}
    if location is not None:
        headers["Location"] = location
    return Response(record.model_dump_json(), status, headers, JSON)

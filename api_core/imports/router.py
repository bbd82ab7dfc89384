"""POST /api/imports, GET /api/imports/{id}, and PUT /api/imports/{id}/file (local runs).

On AWS (IMPORT_BUCKET set) the file goes to S3 through a presigned URL instead, and
its upload starts the import there (api_core/imports/file_events.py).
"""

# No `from __future__ import annotations`: FastAPI reads the annotations at runtime.

import asyncio
import contextvars
from collections.abc import Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, StringConstraints

from api_core.auth import SignedIn, StaffOnly
from api_core.database import DatabaseDep
from api_core.errors import Conflict, PayloadTooLarge, problem_responses
from api_core.ids import parse_id
from api_core.imports import local, records, storage
from api_core.models.base import InputModel
from api_core.settings import Settings, settings_of

JSON = "application/json"
KindName = Literal["students", "courses", "enrollments"]

router = APIRouter(prefix="/api/imports", tags=["imports"])


class ImportRequest(InputModel):
    kind: KindName
    file_name: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class Upload(BaseModel):
    """Where and how to send the file: one request with the file as its body."""

    method: Literal["PUT"]
    url: str
    headers: dict[str, str]


class NewImport(records.ImportRecord):
    upload: Upload


@router.post(
    "",
    status_code=201,
    response_model=NewImport,
    summary="Start an import",
    description="Then send the file as `upload` says, and follow `GET /api/imports/{id}`.",
    dependencies=[StaffOnly],
    responses=problem_responses(409, 413, 415, 422, 503),
)
async def create_import(body: ImportRequest, database: DatabaseDep, request: Request) -> Response:
    record = await records.create(database, body.kind, body.file_name)
    new = NewImport(**record.model_dump(), upload=upload_target(record, settings_of(request)))
    headers = {"Location": f"/api/imports/{record.id}"}
    return Response(new.model_dump_json(), 201, headers, JSON)


@router.get(
    "/{id}",
    response_model=records.ImportRecord,
    summary="An import's progress and report",
    dependencies=[SignedIn],
    responses=problem_responses(404, 503),
)
async def get_import(id: str, database: DatabaseDep) -> Response:
    record = await records.get(database, parse_id(id))
    return Response(record.model_dump_json(), media_type=JSON)


@router.put(
    "/{id}/file",
    status_code=202,
    response_model=records.ImportRecord,
    summary="Upload an import's CSV file (when the API runs the import itself)",
    dependencies=[StaffOnly],
    responses=problem_responses(404, 409, 413, 503),
)
async def upload_file(id: str, request: Request, database: DatabaseDep) -> Response:
    settings = settings_of(request)
    if settings.import_bucket:
        raise Conflict("Send the file to the upload URL that POST /api/imports answered.")
    import_id = parse_id(id)
    record = await records.get(database, import_id)
    data = await _read_body(request, settings.import_max_bytes)
    if not await records.start(database, import_id):
        raise Conflict("This import has its file already; start a new import.")
    _in_background(local.run(database, import_id, record.kind, [data], settings.import_batch_size))
    record = await records.get(database, import_id)
    return Response(record.model_dump_json(), 202, media_type=JSON)


def upload_target(record: records.ImportRecord, settings: Settings) -> Upload:
    if settings.import_bucket:
        key = storage.object_key(record.id, record.kind)
        url = storage.presigned_put(settings, key)
        return Upload(method="PUT", url=url, headers=storage.UPLOAD_HEADERS)
    return Upload(
        method="PUT", url=f"/api/imports/{record.id}/file", headers={"Content-Type": "text/csv"}
    )


async def _read_body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The file is larger than {limit:,} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


_running: set[asyncio.Task[Any]] = set()


def _in_background(work: Coroutine[Any, Any, Any]) -> None:
    # A context of its own: the request's database deadline must not bound the import.
    task = asyncio.get_running_loop().create_task(work, context=contextvars.Context())
    _running.add(task)  # the loop keeps only weak references to its tasks
    task.add_done_callback(_running.discard)

"""An import as a record: what `GET /api/imports/{id}` reports, and how it moves on.

waiting (created, no file yet) -> running (rows being applied) -> done, or failed when
the file as a whole cannot be read. Rows that fail do not fail the import: they are
counted and listed with their line and the reason, the first FAILURES_KEPT of them.
Each batch is recorded once, whatever how often it is delivered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from bson import ObjectId
from pydantic import BaseModel, Field

from api_core.database import Database, Document
from api_core.errors import NotFound

COLLECTION = "imports"
FAILURES_KEPT = 1000
Status = Literal["waiting", "running", "done", "failed"]


class Failure(BaseModel):
    line: int
    reason: str


class ImportRecord(BaseModel):
    id: str
    kind: str
    file_name: str
    status: Status
    rows_total: int | None = Field(description="Known once the whole file has been read")
    rows_done: int
    rows_failed: int
    failures: list[Failure] = Field(description=f"Failed rows by line, the first {FAILURES_KEPT}")
    error: str | None = Field(description="Why the file could not be imported, if it failed")
    created_at: datetime
    updated_at: datetime


def _now() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _public(document: Document) -> ImportRecord:
    failures = sorted(document["failures"], key=lambda failure: failure["line"])
    return ImportRecord.model_validate(
        {**document, "id": str(document["_id"]), "failures": failures}
    )


async def create(database: Database, kind: str, file_name: str) -> ImportRecord:
    now = _now()
    document: Document = {
        "_id": ObjectId(),
        "kind": kind,
        "file_name": file_name,
        "status": "waiting",
        "rows_total": None,
        "rows_done": 0,
        "rows_failed": 0,
        "failures": [],
        "error": None,
        "batches_total": None,
        "batches_done": [],
        "created_at": now,
        "updated_at": now,
    }
    await database[COLLECTION].insert_one(document)
    return _public(document)


async def get(database: Database, import_id: ObjectId) -> ImportRecord:
    document = await database[COLLECTION].find_one({"_id": import_id})
    if document is None:
        raise NotFound("No import with this id.")
    return _public(document)


async def start(database: Database, import_id: ObjectId) -> bool:
    """Mark a waiting import running; False if it was not waiting (a redelivered file)."""
    result = await database[COLLECTION].update_one(
        {"_id": import_id, "status": "waiting"},
        {"$set": {"status": "running", "updated_at": _now()}},
    )
    return result.modified_count == 1


async def is_recorded(database: Database, import_id: ObjectId, batch: int) -> bool:
    return (
        await database[COLLECTION].find_one({"_id": import_id, "batches_done": batch}) is not None
    )


async def record_batch(
    database: Database, import_id: ObjectId, batch: int, done: int, failures: list[Failure]
) -> None:
    """Add a batch's outcome, unless that batch was recorded already."""
    await database[COLLECTION].update_one(
        {"_id": import_id, "batches_done": {"$ne": batch}},
        {
            "$addToSet": {"batches_done": batch},
            "$inc": {"rows_done": done, "rows_failed": len(failures)},
            "$push": {
                "failures": {"$each": [f.model_dump() for f in failures], "$slice": FAILURES_KEPT}
            },
            "$set": {"updated_at": _now()},
        },
    )
    await _finish_if_complete(database, import_id)


async def all_read(database: Database, import_id: ObjectId, rows: int, batches: int) -> None:
    """The whole file is read: `rows` rows in `batches` batches."""
    await database[COLLECTION].update_one(
        {"_id": import_id},
        {"$set": {"rows_total": rows, "batches_total": batches, "updated_at": _now()}},
    )
    await _finish_if_complete(database, import_id)


async def fail(database: Database, import_id: ObjectId, reason: str) -> None:
    await database[COLLECTION].update_one(
        {"_id": import_id},
        {"$set": {"status": "failed", "error": reason, "updated_at": _now()}},
    )


async def _finish_if_complete(database: Database, import_id: ObjectId) -> None:
    # Batches may finish before the file is fully read (on AWS) or after: whichever
    # comes last sees every batch recorded and the total known.
    document: dict[str, Any] | None = await database[COLLECTION].find_one(
        {"_id": import_id}, {"batches_total": 1, "batches_done": 1}
    )
    if document and document["batches_total"] is not None:
        if len(document["batches_done"]) >= document["batches_total"]:
            await database[COLLECTION].update_one(
                {"_id": import_id, "status": "running"},
                {"$set": {"status": "done", "updated_at": _now()}},
            )

"""An import's file arriving in S3 (on AWS): read as it streams, sent on as batches.

S3's ObjectCreated event invokes this, asynchronously. The object is read in
chunks (never whole), its rows cut into numbered batches, each batch sent to the
queue that api_core/imports/batch_events.py applies, and the totals recorded last.
An event delivered again (S3 may; Lambda retries a failed one twice) sends the same
numbered batches again, which is harmless: a batch is applied and counted once,
however often it arrives. A file that cannot be read fails the import with the
reason; batches sent before the bad line stay applied, as they would if the file
were imported again. Anything else (the database, S3, SQS) raises, so that Lambda
retries, and then hands the event to the dead-letter queue.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote_plus

from bson import ObjectId

from api_core.database import database_for, prepare_client, within_deadline
from api_core.errors import NotFound
from api_core.imports import batches, queue, records, storage
from api_core.imports.csv_rows import Row, UnreadableFile, decoded, read_rows
from api_core.imports.kinds import KINDS
from api_core.logs import configure_logging, invocation_fields, lambda_fields
from api_core.process_loop import process_loop, run
from api_core.settings import Settings

logger = logging.getLogger("api_core.imports.file_events")
Handler = Any
T = TypeVar("T")


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str  # decoded: S3 events spell keys URL-encoded
    size: int


def uploads(event: Any) -> list[Upload]:
    """The objects an S3 event says were created; nothing for any other event."""
    found = []
    for record in event.get("Records", []) if isinstance(event, dict) else []:
        try:
            s3 = record["s3"]
            key = unquote_plus(s3["object"]["key"])
            found.append(Upload(s3["bucket"]["name"], key, int(s3["object"].get("size", 0))))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def import_file(settings: Settings, upload: Upload) -> tuple[str, int]:
    """Read one uploaded file into the queue: what became of it, and batches sent."""
    located = storage.parse_key(upload.key)
    if located is None:
        return "not an import file", 0
    import_id, kind_name = located
    outcome = _database(settings, _begin(settings, import_id, kind_name))
    if outcome is not None:
        return outcome, 0
    if upload.size > settings.import_max_bytes:
        reason = f"The file is larger than {settings.import_max_bytes:,} bytes."
        _database(settings, _fail(settings, import_id, reason))
        return "too large", 0
    kind = KINDS[kind_name]
    counted = _Counted(read_rows(_lines(settings, upload), kind.columns, kind.required))
    planned = batches.in_batches(import_id, kind.name, counted, settings.import_batch_size)
    try:
        sent = queue.send(settings, planned)
    except (UnreadableFile, queue.BatchTooLarge) as error:
        _database(settings, _fail(settings, import_id, str(error)))
        return "unreadable", 0
    _database(settings, _all_read(settings, import_id, counted.count, sent))
    return "read", sent


async def _begin(settings: Settings, import_id: ObjectId, kind_name: str) -> str | None:
    """None when the file is to be read; otherwise why not."""
    database = database_for(settings)
    try:
        record = await records.get(database, import_id)
    except NotFound:
        return "no such import"
    if record.kind != kind_name:
        return "not this import's kind"
    if await records.start(database, import_id):
        return None
    # Not waiting: delivered again, or retried after failing part-way. Unless the
    # file was read to the end, read it again: its batches carry the same numbers.
    record = await records.get(database, import_id)
    if record.status == "running" and record.rows_total is None:
        return None
    return "already read"


async def _fail(settings: Settings, import_id: ObjectId, reason: str) -> None:
    await records.fail(database_for(settings), import_id, reason)


async def _all_read(settings: Settings, import_id: ObjectId, rows: int, batches_sent: int) -> None:
    await records.all_read(database_for(settings), import_id, rows, batches_sent)


def _database(settings: Settings, work: Coroutine[Any, Any, T]) -> T:
    """Run `work` on the process's loop and cached client, within a request's deadline."""
    return run(within_deadline(settings.mongodb_timeout_ms / 1000, work))


def _lines(settings: Settings, upload: Upload) -> Iterator[str]:
    return decoded(storage.object_chunks(settings, upload.bucket, upload.key))


class _Counted:
    """The rows, counted as they pass."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        for row in self.rows:
            self.count += 1
            yield row


def make_handler(settings: Settings) -> Handler:
    configure_logging(settings.log_level)
    prepare_client(settings, process_loop())  # see api_core/database.py
    cold_start = True

    def handler(event: Any, context: Any) -> dict[str, Any]:
        """Each created object read into the queue; raises (for Lambda to retry) on an
        outage of the database, S3 or SQS, after logging one line per object."""
        nonlocal cold_start
        read = []
        with invocation_fields(lambda_fields(context, cold_start)):
            cold_start = False
            for upload in uploads(event):
                started = time.perf_counter()
                line: dict[str, Any] = {"bucket": upload.bucket, "key": upload.key}
                try:
                    line["outcome"], line["batches"] = import_file(settings, upload)
                except Exception:
                    line["outcome"] = "failed"
                    line["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
                    logger.exception("import file", extra={"fields": line})
                    raise
                line["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
                logger.info("import file", extra={"fields": line})
                read.append({"key": upload.key, "outcome": line["outcome"]})
            if not read:
                logger.warning("import file: no created object in the event")
        return {"files": read}

    return handler

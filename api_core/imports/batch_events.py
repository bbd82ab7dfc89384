"""Batches from the queue (on AWS): applied one by one, the failed ones reported.

An SQS event source mapping with ReportBatchItemFailures invokes this with up to
ten messages; the answer names the messages that failed, and only those come back
(after the queue's visibility timeout), to the dead-letter queue after
maxReceiveCount tries. A database outage fails every message not yet applied,
without waiting on each; a message that cannot be read or applied (a poison
message) fails alone. Nothing raises: a raise would return all ten.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bson.errors import InvalidId
from pymongo.errors import ConnectionFailure, PyMongoError

from api_core.database import database_for, prepare_client, within_deadline
from api_core.errors import DatabaseUnavailable
from api_core.imports import batches
from api_core.imports.csv_rows import Row
from api_core.imports.kinds import KINDS
from api_core.imports.local import BATCH_DEADLINE_S
from api_core.logs import configure_logging, invocation_fields, lambda_fields
from api_core.process_loop import process_loop, run
from api_core.settings import Settings

logger = logging.getLogger("api_core.imports.batch_events")
Handler = Any
RemainingMs = Callable[[], int]

# Stop this long before the function's timeout, so the answer always gets out: a
# timed-out invocation returns every message, applied or not.
RESERVE_S = 2.0
MIN_DEADLINE_S = 1.0


class Poison(Exception):
    """Raised when a message is not a batch this function can apply."""


def read_batch(body: Any) -> batches.Batch:
    """The batch a message body holds; Poison if it holds none."""
    try:
        batch = batches.Batch.from_json(body)
    except (TypeError, ValueError, KeyError, InvalidId) as error:
        raise Poison(f"not a batch: {type(error).__name__}") from None
    well_formed = (
        batch.kind in KINDS
        and isinstance(batch.number, int)
        and batch.number >= 0
        and all(_well_formed(row) for row in batch.rows)
    )
    if not well_formed:
        raise Poison("not a batch: a field has the wrong type")
    return batch


def _well_formed(row: Row) -> bool:
    return (
        isinstance(row.line, int)
        and isinstance(row.values, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in row.values.items())
        and (row.problem is None or isinstance(row.problem, str))
    )


async def apply_messages(
    settings: Settings, messages: list[dict[str, Any]], remaining_ms: RemainingMs
) -> tuple[list[str], dict[str, int]]:
    """Apply each message's batch in turn: the ids of those that failed, and counts."""
    ids = [str(message.get("messageId") or "") for message in messages]
    counts = {"applied": 0, "poison": 0, "errors": 0, "not_tried": 0}
    try:
        database = database_for(settings)
        # One round trip tells an outage apart within a request's budget, instead
        # of the first batch waiting out its whole deadline.
        await within_deadline(settings.mongodb_timeout_ms / 1000, database.command("ping"))
    except Exception as error:
        if not _is_outage(error):
            raise
        logger.warning("database unavailable: every message returns to the queue")
        counts["not_tried"] = len(messages)
        return ids, counts
    failed: list[str] = []
    for position, (message_id, message) in enumerate(zip(ids, messages, strict=True)):
        seconds = min(BATCH_DEADLINE_S, remaining_ms() / 1000 - RESERVE_S)
        if seconds < MIN_DEADLINE_S:
            counts["not_tried"] += len(ids) - position
            return [*failed, *ids[position:]], counts
        try:
            batch = read_batch(message.get("body"))
            await within_deadline(seconds, batches.apply(database, batch))
        except Poison as error:
            logger.warning(
                "poison message", extra={"fields": {"message_id": message_id, "error": str(error)}}
            )
            counts["poison"] += 1
            failed.append(message_id)
            continue
        except Exception as error:
            if _is_outage(error):
                logger.warning("database unavailable while applying a batch")
                counts["not_tried"] += len(ids) - position
                return [*failed, *ids[position:]], counts
            logger.exception("batch failed", extra={"fields": {"message_id": message_id}})
            counts["errors"] += 1
            failed.append(message_id)
            continue
        counts["applied"] += 1
    return failed, counts


def _is_outage(error: Exception) -> bool:
    if isinstance(error, ConnectionFailure | TimeoutError | DatabaseUnavailable):
        return True
    return isinstance(error, PyMongoError) and error.timeout


def make_handler(settings: Settings) -> Handler:
    configure_logging(settings.log_level)
    prepare_client(settings, process_loop())  # see api_core/database.py
    cold_start = True

    def handler(event: Any, context: Any) -> dict[str, Any]:
        """Apply an SQS event's batches; name the messages that failed. Never raises."""
        nonlocal cold_start
        started = time.perf_counter()
        with invocation_fields(lambda_fields(context, cold_start)):
            cold_start = False
            records = event.get("Records") if isinstance(event, dict) else None
            messages = (
                [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
            )
            remaining = getattr(context, "get_remaining_time_in_millis", lambda: 60_000)
            try:
                failed, counts = run(apply_messages(settings, messages, remaining))
            except Exception:
                logger.exception("import batches: unexpected failure, every message returns")
                failed, counts = [str(m.get("messageId") or "") for m in messages], {}
            line: dict[str, Any] = {"messages": len(messages), "failed": len(failed), **counts}
            line["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
            logger.info("import batches", extra={"fields": line})
        # An empty or missing id would make Lambda return the whole batch: leave it out.
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed if i]}

    return handler

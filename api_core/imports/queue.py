"""Batches onto the queue their function applies them from (SQS, on AWS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from api_core.imports import aws
from api_core.imports.batches import Batch
from api_core.settings import Settings

if TYPE_CHECKING:
    from types_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

ENTRIES_PER_CALL = 10  # SendMessageBatch's limit
# A queue message's limit, and SendMessageBatch's for the bodies of one call together.
BYTES_PER_CALL = 256 * 1024


class BatchTooLarge(Exception):
    """Raised when one batch's message would be larger than a queue message may be."""


class NotSent(Exception):
    """Raised when the queue refused messages; sending every batch again is harmless."""


def send(settings: Settings, batches: Iterable[Batch]) -> int:
    """Send each batch as one message, up to ten a call; how many batches were sent."""
    sqs = aws.sqs(settings.aws_endpoint_url)
    entries: list[SendMessageBatchRequestEntryTypeDef] = []
    size = sent = 0

    def flush() -> None:
        nonlocal size, sent
        response = sqs.send_message_batch(QueueUrl=settings.import_queue_url, Entries=entries)
        if response.get("Failed"):
            failed = response["Failed"]
            raise NotSent(f"SQS refused {len(failed)} of {len(entries)}: {failed[0]['Code']}")
        sent += len(entries)
        entries.clear()
        size = 0

    for batch in batches:
        body = batch.to_json()
        length = len(body.encode())
        if length > BYTES_PER_CALL:
            raise BatchTooLarge(
                f"The {len(batch.rows)} rows from line {batch.rows[0].line} on hold more than "
                f"{BYTES_PER_CALL // 1024} KiB; shorten their cells or split the file."
            )
        if len(entries) == ENTRIES_PER_CALL or size + length > BYTES_PER_CALL:
            flush()
        entries.append({"Id": str(len(entries)), "MessageBody": body})
        size += length
    if entries:
        flush()
    return sent

"""The events S3 and SQS send Lambda, built from the samples in api_core/devtools/events/, and
a small stand-in for Lambda's SQS event source mapping."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any
from urllib.parse import quote_plus

from api_core.devtools.aws import REGION
from api_core.devtools.events import load_event
from api_core.devtools.lambda_context import FakeLambdaContext

Handler = Any


def s3_created_event(bucket: str, key: str, size: int) -> dict[str, Any]:
    """S3's ObjectCreated:Put notification for one object (keys arrive URL-encoded)."""
    event: dict[str, Any] = load_event("s3_put")
    record = event["Records"][0]
    record["awsRegion"] = REGION
    record["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    record["s3"]["object"].update(key=quote_plus(key, safe="/"), size=size)
    return event


def sqs_record(
    body: str, message_id: str | None = None, receive_count: int = 1, queue_arn: str = ""
) -> dict[str, Any]:
    (record,) = load_event("sqs_message")["Records"]
    record.update(
        messageId=message_id or str(uuid.uuid4()),
        receiptHandle=uuid.uuid4().hex,
        body=body,
        md5OfBody=hashlib.md5(body.encode()).hexdigest(),
        awsRegion=REGION,
    )
    record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
    if queue_arn:
        record["eventSourceARN"] = queue_arn
    return dict(record)


def sqs_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


class EventSourceMapping:
    """What Lambda's SQS event source mapping does with ReportBatchItemFailures:
    receive up to `batch_size` messages, invoke the function with them, delete the
    ones it did not name as failed; the failed ones become visible again after the
    queue's visibility timeout (and go to the dead-letter queue after
    maxReceiveCount receives, which SQS, here moto, does itself)."""

    def __init__(self, sqs: Any, queue_url: str, queue_arn: str, handler: Handler) -> None:
        self.sqs, self.queue_url, self.queue_arn, self.handler = sqs, queue_url, queue_arn, handler
        self.invocations = 0
        self.received: dict[str, int] = {}  # message id -> how often the function saw it

    def poll(self, batch_size: int = 10, wait_s: int = 1, context: Any = None) -> int:
        """One receive and one invocation; how many messages the function got."""
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=batch_size,
            WaitTimeSeconds=wait_s,
            MessageSystemAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        records = [
            sqs_record(
                m["Body"],
                m["MessageId"],
                int(m["Attributes"]["ApproximateReceiveCount"]),
                self.queue_arn,
            )
            for m in messages
        ]
        for m in messages:
            self.received[m["MessageId"]] = self.received.get(m["MessageId"], 0) + 1
        result = self.handler(sqs_event(*records), context or FakeLambdaContext())
        self.invocations += 1
        failed = {failure["itemIdentifier"] for failure in result["batchItemFailures"]}
        done = [
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
            for n, m in enumerate(messages)
            if m["MessageId"] not in failed
        ]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=done)
        return len(messages)

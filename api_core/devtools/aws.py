"""S3 and SQS offline: moto's server on a loopback port, and an import stack on it.

boto3 reaches the server through AWS_ENDPOINT_URL, with dummy credentials, as the
import functions would reach AWS. The stack is what template.yaml makes for
imports: a bucket, the batch queue with its redrive policy, and its dead-letter
queue; each test gets its own, named afresh.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from api_core.devtools.running import Running
from api_core.devtools.settings import changed
from api_core.settings import Settings

REGION = "eu-west-1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
# Credentials that must not reach moto from the shell running the tests.
FOREIGN = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE")


class MotoServer(Running):
    """moto's threaded server (S3, SQS and the rest) on a free loopback port."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"

    def close(self) -> None:
        self._server.stop()


@dataclass(frozen=True)
class ImportStack:
    endpoint: str
    bucket: str
    queue_url: str
    queue_arn: str
    dead_letters_url: str
    max_receive_count: int

    def settings(self, settings: Settings) -> Settings:
        """`settings` with what template.yaml gives the import functions, pointed at moto."""
        return changed(
            settings,
            aws_endpoint_url=self.endpoint,
            import_bucket=self.bucket,
            import_queue_url=self.queue_url,
        )


def create_stack(
    endpoint: str, visibility_timeout_s: int = 1, max_receive_count: int = 5
) -> ImportStack:
    s3, sqs = clients(endpoint)
    name = f"imports-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    dead_letters = sqs.create_queue(QueueName=f"{name}-dead-letters")["QueueUrl"]
    dead_letters_arn = queue_arn(sqs, dead_letters)
    redrive = {"deadLetterTargetArn": dead_letters_arn, "maxReceiveCount": max_receive_count}
    queue = sqs.create_queue(
        QueueName=f"{name}-batches",
        Attributes={
            "VisibilityTimeout": str(visibility_timeout_s),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return ImportStack(
        endpoint, name, queue, queue_arn(sqs, queue), dead_letters, max_receive_count
    )


def clients(endpoint: str) -> tuple[Any, Any]:
    """Test-side S3 and SQS clients, separate from the ones the functions cache."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    return (
        session.client("s3", endpoint_url=endpoint),
        session.client("sqs", endpoint_url=endpoint),
    )


def queue_arn(sqs: Any, url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def queue_depth(sqs: Any, url: str) -> int:
    """Messages in the queue, visible or in flight."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)

"""The import pipeline's AWS pieces that need no server: object keys, presigned URLs
on AWS itself (signing is local), and how batches are packed into SQS calls."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from bson import ObjectId

from api_core.devtools.aws import CREDENTIALS, FOREIGN
from api_core.imports import aws, queue, storage
from api_core.imports.batches import Batch
from api_core.imports.csv_rows import Row
from api_core.settings import Settings


def test_object_keys_name_the_import_and_its_kind_and_nothing_else_parses() -> None:
    import_id = ObjectId()

    key = storage.object_key(str(import_id), "students")

    assert key == f"imports/{import_id}/students.csv"
    assert storage.parse_key(key) == (import_id, "students")
    for other in ("imports/students.csv", f"imports/{import_id}/x/students.csv", f"{key}.bak"):
        assert storage.parse_key(other) is None


def test_presigned_upload_on_aws_is_for_the_buckets_regional_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in FOREIGN:
        monkeypatch.delenv(name, raising=False)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings = Settings(import_bucket="student-imports-0123")
    aws.s3.cache_clear()

    url = urlsplit(storage.presigned_put(settings, "imports/abc/students.csv"))

    # The origin the site's CSP (connect-src) and the bucket's CORS rule allow.
    assert (
        f"{url.scheme}://{url.netloc}" == "https://student-imports-0123.s3.eu-west-1.amazonaws.com"
    )
    assert url.path == "/imports/abc/students.csv"
    aws.s3.cache_clear()


class RecordingSqs:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> Any:
        assert QueueUrl == "https://sqs.example/queue"
        self.calls.append([entry["MessageBody"] for entry in Entries])
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> RecordingSqs:
    recording = RecordingSqs()
    monkeypatch.setattr(aws, "sqs", lambda _: recording)
    return recording


def batch(number: int, rows: int = 1, cell: str = "x") -> Batch:
    return Batch(ObjectId(), "students", number, [Row(n, {"name": cell}) for n in range(rows)])


def on_queue() -> Settings:
    return Settings(import_queue_url="https://sqs.example/queue")


def test_batches_go_ten_to_a_call_in_order(sqs: RecordingSqs) -> None:
    sent = queue.send(on_queue(), (batch(n) for n in range(25)))

    assert sent == 25
    assert [len(call) for call in sqs.calls] == [10, 10, 5]
    numbers = [Batch.from_json(body).number for call in sqs.calls for body in call]
    assert numbers == list(range(25))


def test_a_call_never_carries_more_than_256_kib(sqs: RecordingSqs) -> None:
    big = "x" * 100_000  # three such batches do not fit in one call

    queue.send(on_queue(), (batch(n, cell=big) for n in range(5)))

    assert [len(call) for call in sqs.calls] == [2, 2, 1]
    assert all(sum(len(body.encode()) for body in call) <= 256 * 1024 for call in sqs.calls)


def test_a_batch_larger_than_a_message_may_be_is_refused_with_its_lines(
    sqs: RecordingSqs,
) -> None:
    with pytest.raises(queue.BatchTooLarge, match="The 3 rows from line 0 on hold more than"):
        queue.send(on_queue(), [batch(0, rows=3, cell="x" * 100_000)])
    assert sqs.calls == []


def test_refused_messages_raise_so_the_file_is_sent_again(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refusing:
        def send_message_batch(self, **_: Any) -> Any:
            return {"Successful": [], "Failed": [{"Id": "0", "Code": "Throttled"}]}

    monkeypatch.setattr(aws, "sqs", lambda _: Refusing())

    with pytest.raises(queue.NotSent, match="Throttled"):
        queue.send(on_queue(), [batch(0)])

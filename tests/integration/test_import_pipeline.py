"""The whole import pipeline on AWS, offline: moto's S3 and SQS, the wire server.

POST /api/imports through the imports function answers a presigned URL; the file
is PUT to it with httpx; the ObjectCreated event S3 would send invokes the file
function; a stand-in for the SQS event source mapping (api_core/devtools/aws_events.py)
invokes the batch function with what it receives, deletes what succeeded and leaves
the rest to come back after the queue's visibility timeout (1 s here), and moto
moves a message to the dead-letter queue after maxReceiveCount receives, as SQS does.
Every check counts records and events; none measures time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from bson import ObjectId
from pymongo import monitoring

from api_core import database
from api_core.devtools.aws import ImportStack, clients, queue_depth
from api_core.devtools.aws_events import EventSourceMapping, s3_created_event
from api_core.devtools.builders import students_csv
from api_core.devtools.events import response_json
from api_core.devtools.invoke import invoke
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.devtools.wire_server import WireServer
from api_core.imports import records, storage
from api_core.process_loop import run
from api_core.settings import Settings
from tests.conftest import close_cached_client, migrate
from tests.support.functions import Handlers

MAX_POLLS = 400  # a bound on every loop below; a healthy run needs far fewer


def upload_and_read(handlers: Handlers, stack: ImportStack, content: bytes) -> str:
    """POST /api/imports, PUT the file to the presigned URL, and S3's event: the import id."""
    created = invoke(
        handlers.imports, "POST", "/api/imports", {"kind": "students", "file_name": "s.csv"}
    )
    assert created["statusCode"] == 201, created
    new = response_json(created)
    upload = new["upload"]
    put = httpx.request(upload["method"], upload["url"], headers=upload["headers"], content=content)
    assert put.status_code == 200, put.text
    key = storage.object_key(new["id"], "students")
    result = handlers.import_file(
        s3_created_event(stack.bucket, key, len(content)), FakeLambdaContext()
    )
    assert result["files"] == [{"key": key, "outcome": "read"}]
    return str(new["id"])


def report(settings: Settings, import_id: str) -> records.ImportRecord:
    async def get() -> records.ImportRecord:
        return await records.get(database.database_for(settings), ObjectId(import_id))

    return run(get())


def students(settings: Settings) -> list[dict[str, Any]]:
    async def find() -> list[dict[str, Any]]:
        cursor = database.database_for(settings)["students"].find({}, {"email": 1, "version": 1})
        return await cursor.to_list()

    return run(find())


def mapping_for(handlers: Handlers, stack: ImportStack) -> EventSourceMapping:
    _, sqs = clients(stack.endpoint)
    return EventSourceMapping(sqs, stack.queue_url, stack.queue_arn, handlers.import_batch)


def drain(mapping: EventSourceMapping, until: Callable[[], bool], context: Any = None) -> None:
    """Poll as the event source mapping would until `until()` holds."""
    for _ in range(MAX_POLLS):
        if until():
            return
        mapping.poll(context=context)
    raise AssertionError(f"not done after {MAX_POLLS} polls")


@pytest.fixture
def aws_handlers(live_settings: Settings, import_stack: ImportStack) -> Handlers:
    """The functions with the settings template.yaml gives them, on moto's S3 and SQS."""
    return Handlers(import_stack.settings(live_settings))


# Ten thousand rows through moto and the wire server: minutes on a loaded machine.
@pytest.mark.timeout(900)
def test_ten_thousand_rows_with_one_percent_bad_end_with_exact_counts(
    aws_handlers: Handlers, import_stack: ImportStack
) -> None:
    content = students_csv(10_000, bad_every=100)
    settings = aws_handlers.settings

    import_id = upload_and_read(aws_handlers, import_stack, content)
    mapping = mapping_for(aws_handlers, import_stack)
    drain(mapping, lambda: report(settings, import_id).status != "running")

    record = report(settings, import_id)
    assert (record.status, record.rows_total) == ("done", 10_000)
    assert (record.rows_done, record.rows_failed) == (9_900, 100)
    assert [failure.line for failure in record.failures] == list(range(101, 10_002, 100))
    stored = students(settings)
    assert len(stored) == 9_900 and {s["version"] for s in stored} == {1}
    assert len(mapping.received) == 100  # 10,000 rows in batches of 100
    # On a loaded machine a batch can outlast its deadline and come back; applying it
    # again changed nothing (every version is 1), and none ended as a dead letter.
    assert queue_depth(mapping.sqs, import_stack.queue_url) == 0
    assert queue_depth(mapping.sqs, import_stack.dead_letters_url) == 0


class StopAtInsert(monitoring.CommandListener):
    """Stops the database as the client starts its `at`-th insert into students:
    in the middle of a batch, some of whose rows are in and some not. Counts the
    student inserts that succeeded, before the stop and in all."""

    def __init__(self, server: WireServer, at: int) -> None:
        self.server, self.at = server, at
        self.inserts: set[int] = set()  # request ids of the student inserts started
        self.before_stop = self.succeeded_count = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "insert" and event.command.get("insert") == "students":
            self.inserts.add(event.request_id)
            if len(self.inserts) == self.at:
                self.before_stop = self.succeeded_count
                self.server.stop()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        # A duplicate key is a write error in a successful reply: not counted.
        if event.request_id in self.inserts and not event.reply.get("writeErrors"):
            self.succeeded_count += 1

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def stoppable_database(live_settings: Settings) -> Iterator[WireServer]:
    """A wire server of this test's own, durable across a stop and start on its port,
    migrated for the live settings' database."""
    with WireServer(None, None, "--sync-on-commit") as server:
        close_cached_client()
        migrate(changed(live_settings, mongodb_uri=server.uri))
        yield server
        close_cached_client()


class FiveSecondsLeft(FakeLambdaContext):
    """Each batch's deadline follows the invocation's remaining time, less a reserve:
    here 3 s, so the batch in flight when the database stops fails within that."""

    def get_remaining_time_in_millis(self) -> int:
        return 5_000


def test_database_stopped_mid_import_leaves_every_good_row_applied_exactly_once(
    aws_handlers: Handlers,
    import_stack: ImportStack,
    stoppable_database: WireServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = changed(
        aws_handlers.settings, mongodb_uri=stoppable_database.uri, import_batch_size=50
    )
    handlers = Handlers(settings)
    # 500 rows (every 20th bad) in 10 batches: the database stops inside the 4th.
    listener = StopAtInsert(stoppable_database, at=3 * 48 + 25)
    client = partial(database.AsyncMongoClient, event_listeners=[listener])
    monkeypatch.setattr(database, "AsyncMongoClient", client)
    close_cached_client()  # the next invocation builds a client with the listener
    import_id = upload_and_read(handlers, import_stack, students_csv(500, bad_every=20))
    mapping = mapping_for(handlers, import_stack)

    drain(mapping, lambda: not stoppable_database.running, FiveSecondsLeft())
    mapping.poll(context=FiveSecondsLeft())  # still down: whatever it receives comes back
    stoppable_database.start()
    drain(mapping, lambda: report(settings, import_id).status != "running", FiveSecondsLeft())

    record = report(settings, import_id)
    assert (record.status, record.rows_done, record.rows_failed) == ("done", 475, 25)
    emails = [s["email"] for s in students(settings)]
    assert len(emails) == len(set(emails)) == 475
    assert {s["version"] for s in students(settings)} == {1}  # nothing applied twice changed
    # Rows stored before the stop were not inserted again: their batches' second
    # delivery found them and left them as they were.
    assert 0 < listener.before_stop < 475
    assert listener.succeeded_count == 475
    assert max(mapping.received.values()) >= 2  # the stopped batch was delivered again
    assert max(mapping.received.values()) < import_stack.max_receive_count


def test_a_batch_that_always_fails_ends_in_the_dead_letter_queue_after_max_receives(
    aws_handlers: Handlers, import_stack: ImportStack
) -> None:
    import_id = upload_and_read(aws_handlers, import_stack, students_csv(30))
    poison = json.dumps({"import_id": import_id, "kind": "students", "number": 99, "rows": [[1]]})
    mapping = mapping_for(aws_handlers, import_stack)
    mapping.sqs.send_message(QueueUrl=import_stack.queue_url, MessageBody=poison)
    dead_letters = import_stack.dead_letters_url

    drain(mapping, lambda: queue_depth(mapping.sqs, dead_letters) == 1)

    (moved,) = mapping.sqs.receive_message(QueueUrl=dead_letters, MaxNumberOfMessages=10)[
        "Messages"
    ]
    assert moved["Body"] == poison
    assert mapping.received[moved["MessageId"]] == import_stack.max_receive_count
    assert queue_depth(mapping.sqs, import_stack.queue_url) == 0
    record = report(
        aws_handlers.settings, import_id
    )  # the good batch was not held back by the poison one
    assert (record.status, record.rows_done) == ("done", 30)

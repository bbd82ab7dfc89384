"""The import functions fed the events S3 and SQS send them (api_core/devtools/events/ samples),
against moto's S3 and SQS and the test MongoDB-wire server.

POST /api/imports through the imports function gives a presigned URL, the file is
PUT to it over HTTP, and the ObjectCreated event for that object is handed to the
file function, as S3's notification would; the batches it queues are handed to the
batch function in SQS events, as the event source mapping would.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from bson import ObjectId

from api_core.database import Database, database_for
from api_core.devtools.aws import ImportStack, clients, queue_depth
from api_core.devtools.aws_events import s3_created_event, sqs_event, sqs_record
from api_core.devtools.builders import students_csv
from api_core.devtools.events import load_event, response_json
from api_core.devtools.invoke import invoke
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.imports import aws, batches, records, storage
from api_core.imports.csv_rows import Row
from api_core.process_loop import run
from api_core.settings import Settings
from tests.conftest import close_cached_client
from tests.support.functions import Handlers

T = TypeVar("T")
DOWN = "mongodb://127.0.0.1:1"  # nothing listens there


@pytest.fixture
def aws_handlers(live_settings: Settings, import_stack: ImportStack) -> Handlers:
    """The functions with the settings template.yaml gives them, on moto's S3 and SQS."""
    return Handlers(import_stack.settings(live_settings))


def on_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run `work` on the loop and cached client the functions use."""

    async def go() -> T:
        return await work(database_for(settings))

    return run(go())


def report(settings: Settings, import_id: str) -> records.ImportRecord:
    return on_database(settings, lambda database: records.get(database, ObjectId(import_id)))


def start_import(handlers: Handlers, kind: str = "students") -> dict[str, Any]:
    response = invoke(
        handlers.imports, "POST", "/api/imports", {"kind": kind, "file_name": "x.csv"}
    )
    assert response["statusCode"] == 201, response
    new: dict[str, Any] = response_json(response)
    return new


def put_file(new: dict[str, Any], content: bytes) -> httpx.Response:
    upload = new["upload"]
    return httpx.request(
        upload["method"], upload["url"], headers=upload["headers"], content=content
    )


def uploaded(stack: ImportStack, new: dict[str, Any], content: bytes) -> dict[str, Any]:
    """Upload the file as the browser would; the event S3 then sends."""
    assert put_file(new, content).status_code == 200
    return s3_created_event(stack.bucket, storage.object_key(new["id"], new["kind"]), len(content))


def queued(stack: ImportStack) -> list[dict[str, Any]]:
    """Every message on the batch queue, received once (they return after 1 s)."""
    _, sqs = clients(stack.endpoint)
    found: dict[str, dict[str, Any]] = {}
    while True:
        response = sqs.receive_message(QueueUrl=stack.queue_url, MaxNumberOfMessages=10)
        messages = response.get("Messages", [])
        if not messages:
            return list(found.values())
        found.update({m["MessageId"]: m for m in messages})


def batch_body(import_id: str, number: int, *rows: Row, kind: str = "students") -> str:
    return batches.Batch(ObjectId(import_id), kind, number, list(rows)).to_json()


def student_row(line: int, email: str | None = None) -> Row:
    return Row(line, {"name": f"Student {line}", "email": email or f"row{line}@example.edu"})


# --- POST /api/imports on AWS -------------------------------------------------------


def test_post_import_on_aws_answers_a_presigned_put_of_its_own_object(
    aws_handlers: Handlers,
    import_stack: ImportStack,
) -> None:
    new = start_import(aws_handlers)

    upload = new["upload"]
    url = urlsplit(upload["url"])
    assert upload["method"] == "PUT"
    assert f"{url.scheme}://{url.netloc}" == import_stack.endpoint
    assert url.path == f"/{import_stack.bucket}/imports/{new['id']}/students.csv"
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["900"]
    assert query["X-Amz-SignedHeaders"] == ["content-type;host;if-none-match"]
    assert upload["headers"] == {"Content-Type": "text/csv", "If-None-Match": "*"}
    assert new["status"] == "waiting"


def test_presigned_upload_is_write_once(aws_handlers: Handlers, import_stack: ImportStack) -> None:
    new = start_import(aws_handlers)

    assert put_file(new, students_csv(3)).status_code == 200
    assert put_file(new, students_csv(5)).status_code == 412

    s3, _ = clients(import_stack.endpoint)
    stored = s3.get_object(Bucket=import_stack.bucket, Key=f"imports/{new['id']}/students.csv")
    assert stored["Body"].read() == students_csv(3)


def test_local_upload_route_refuses_files_on_aws(aws_handlers: Handlers) -> None:
    new = start_import(aws_handlers)

    response = invoke(aws_handlers.imports, "PUT", f"/api/imports/{new['id']}/file", {"a": 1})

    assert response["statusCode"] == 409
    assert "upload URL" in response_json(response)["detail"]
    assert report(aws_handlers.settings, new["id"]).status == "waiting"


# --- The file function: S3 ObjectCreated -> batches on the queue ---------------------


def test_file_function_queues_numbered_batches_then_records_the_totals(
    aws_handlers: Handlers,
    import_stack: ImportStack,
) -> None:
    new = start_import(aws_handlers)
    event = uploaded(import_stack, new, students_csv(250))

    result = aws_handlers.import_file(event, FakeLambdaContext())

    assert result == {"files": [{"key": f"imports/{new['id']}/students.csv", "outcome": "read"}]}
    sent = [json.loads(m["Body"]) for m in queued(import_stack)]
    assert sorted((b["number"], len(b["rows"])) for b in sent) == [(0, 100), (1, 100), (2, 50)]
    assert {b["import_id"] for b in sent} == {new["id"]}
    record = report(aws_handlers.settings, new["id"])
    assert (record.status, record.rows_total, record.rows_done) == ("running", 250, 0)


def test_file_function_reads_a_redelivered_event_once(
    aws_handlers: Handlers, import_stack: ImportStack
) -> None:
    new = start_import(aws_handlers)
    event = uploaded(import_stack, new, students_csv(250))
    aws_handlers.import_file(event, FakeLambdaContext())

    again = aws_handlers.import_file(event, FakeLambdaContext())

    assert again["files"][0]["outcome"] == "already read"
    _, sqs = clients(import_stack.endpoint)
    assert queue_depth(sqs, import_stack.queue_url) == 3


class FailingSecondCall:
    """An SQS client whose second send fails, as a throttled or broken SQS would."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    def send_message_batch(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == 2:
            raise ConnectionError("SQS went away")
        return self.real.send_message_batch(**kwargs)


def test_file_function_retried_after_failing_part_way_sends_every_batch_and_counts_once(
    aws_handlers: Handlers, import_stack: ImportStack
) -> None:
    aws_handlers = Handlers(changed(aws_handlers.settings, import_batch_size=10))
    new = start_import(aws_handlers)
    event = uploaded(import_stack, new, students_csv(250, bad_every=50))
    failing = FailingSecondCall(aws.sqs(import_stack.endpoint))
    with pytest.MonkeyPatch.context() as patch, pytest.raises(ConnectionError):
        patch.setattr(aws, "sqs", lambda _: failing)
        aws_handlers.import_file(event, FakeLambdaContext())  # Lambda retries the event
    assert report(aws_handlers.settings, new["id"]).rows_total is None

    retried = aws_handlers.import_file(event, FakeLambdaContext())

    assert retried["files"][0]["outcome"] == "read"
    messages = queued(import_stack)
    assert len(messages) == 10 + 25  # the first call's ten, then all 25 again
    failures = aws_handlers.import_batch(
        sqs_event(*(sqs_record(m["Body"], m["MessageId"]) for m in messages)),
        FakeLambdaContext(),
    )
    assert failures == {"batchItemFailures": []}
    record = report(aws_handlers.settings, new["id"])
    assert (record.status, record.rows_done, record.rows_failed) == ("done", 245, 5)


def test_file_function_fails_an_import_whose_file_cannot_be_read(
    aws_handlers: Handlers,
    import_stack: ImportStack,
) -> None:
    new = start_import(aws_handlers)
    event = uploaded(import_stack, new, b"name,mail\nAda,ada@example.edu\n")

    result = aws_handlers.import_file(event, FakeLambdaContext())

    assert result["files"][0]["outcome"] == "unreadable"
    record = report(aws_handlers.settings, new["id"])
    assert record.status == "failed"
    assert record.error is not None and "Unknown column 'mail'" in record.error
    assert queued(import_stack) == []


def test_file_function_fails_an_import_whose_file_is_too_large(
    aws_handlers: Handlers, import_stack: ImportStack
) -> None:
    aws_handlers = Handlers(changed(aws_handlers.settings, import_max_bytes=1024))
    new = start_import(aws_handlers)
    event = uploaded(import_stack, new, students_csv(100))

    assert (
        aws_handlers.import_file(event, FakeLambdaContext())["files"][0]["outcome"] == "too large"
    )
    record = report(aws_handlers.settings, new["id"])
    assert record.status == "failed" and record.error == "The file is larger than 1,024 bytes."
    assert queued(import_stack) == []


def test_file_function_ignores_objects_that_are_no_imports_file(
    aws_handlers: Handlers,
    import_stack: ImportStack,
) -> None:
    unknown = s3_created_event(import_stack.bucket, storage.object_key(str(ObjectId()), "x"), 9)
    events = [load_event("s3_put"), unknown, load_event("sqs_message"), {}, None]

    results = [aws_handlers.import_file(event, FakeLambdaContext()) for event in events]

    assert results == [
        {"files": [{"key": "imports/students.csv", "outcome": "not an import file"}]},
        {
            "files": [
                {"key": unknown["Records"][0]["s3"]["object"]["key"], "outcome": "no such import"}
            ]
        },
        {"files": []},
        {"files": []},
        {"files": []},
    ]


def test_file_function_raises_for_lambda_to_retry_when_the_database_is_down(
    aws_handlers: Handlers, import_stack: ImportStack
) -> None:
    new = start_import(aws_handlers)
    event = uploaded(import_stack, new, students_csv(10))
    close_cached_client()
    down = changed(aws_handlers.settings, mongodb_uri=DOWN, mongodb_timeout_ms=200)

    with pytest.raises(Exception) as raised:
        Handlers(down).import_file(event, FakeLambdaContext())

    assert "Timeout" in type(raised.value).__name__ or isinstance(raised.value, TimeoutError)
    close_cached_client()


# --- The batch function: SQS messages -> applied batches, failures reported ----------


def started(handlers: Handlers, rows: int, batch_count: int) -> str:
    """A running import whose file held `rows` rows in `batch_count` batches."""
    new = start_import(handlers)
    import_id = ObjectId(new["id"])

    async def begin(database: Database) -> None:
        await records.start(database, import_id)
        await records.all_read(database, import_id, rows, batch_count)

    on_database(handlers.settings, begin)
    return str(new["id"])


def test_batch_function_applies_each_message_and_reports_none_failed(handlers: Handlers) -> None:
    import_id = started(handlers, 3, 2)
    event = sqs_event(
        sqs_record(batch_body(import_id, 0, student_row(2), student_row(3))),
        sqs_record(batch_body(import_id, 1, student_row(4, "not-an-email"))),
    )

    assert handlers.import_batch(event, FakeLambdaContext()) == {"batchItemFailures": []}
    record = report(handlers.settings, import_id)
    assert (record.status, record.rows_done, record.rows_failed) == ("done", 2, 1)
    assert record.failures[0].line == 4


def test_batch_function_fails_poison_messages_alone_and_applies_the_others(
    handlers: Handlers,
) -> None:
    import_id = started(handlers, 2, 2)
    sample = load_event("sqs_message")["Records"][0]  # a student as JSON: not a batch
    poison = {
        "sample": sample,
        "not json": sqs_record("{not json"),
        "wrong types": sqs_record(
            json.dumps(
                {"import_id": import_id, "kind": "students", "number": 5, "rows": [[1, 2, 3]]}
            )
        ),
        "unknown kind": sqs_record(batch_body(import_id, 6, student_row(2), kind="teachers")),
        "bad id": sqs_record(
            json.dumps({"import_id": "nope", "kind": "students", "number": 7, "rows": []})
        ),
        "no body": {k: v for k, v in sqs_record("x").items() if k != "body"},
    }
    good = [sqs_record(batch_body(import_id, n, student_row(2 + n))) for n in (0, 1)]
    event = sqs_event(good[0], *poison.values(), good[1])

    result = handlers.import_batch(event, FakeLambdaContext())

    assert result == {
        "batchItemFailures": [{"itemIdentifier": m["messageId"]} for m in poison.values()]
    }
    record = report(handlers.settings, import_id)
    assert (record.status, record.rows_done, record.rows_failed) == ("done", 2, 0)


def test_batch_function_counts_a_redelivered_message_once(handlers: Handlers) -> None:
    import_id = started(handlers, 2, 1)
    body = batch_body(import_id, 0, student_row(2), student_row(3, "not-an-email"))
    message = sqs_record(body)
    redelivered = sqs_record(body, message["messageId"], receive_count=2)

    first = handlers.import_batch(sqs_event(message), FakeLambdaContext())
    again = handlers.import_batch(sqs_event(redelivered, sqs_record(body)), FakeLambdaContext())

    assert first == again == {"batchItemFailures": []}
    record = report(handlers.settings, import_id)
    assert (record.rows_done, record.rows_failed, len(record.failures)) == (1, 1, 1)
    students = on_database(
        handlers.settings, lambda database: database["students"].find({}).to_list()
    )
    assert [(s["email"], s["version"]) for s in students] == [("row2@example.edu", 1)]


def test_batch_function_returns_every_message_when_the_database_is_down(
    handlers: Handlers,
) -> None:
    import_id = started(handlers, 2, 2)
    messages = [sqs_record(batch_body(import_id, n, student_row(2 + n))) for n in (0, 1)]
    close_cached_client()
    down = changed(handlers.settings, mongodb_uri=DOWN, mongodb_timeout_ms=200)

    result = Handlers(down).import_batch(sqs_event(*messages), FakeLambdaContext())

    assert result == {"batchItemFailures": [{"itemIdentifier": m["messageId"]} for m in messages]}
    close_cached_client()


class ShortOnTime(FakeLambdaContext):
    def get_remaining_time_in_millis(self) -> int:
        return 2_500  # less than RESERVE_S plus MIN_DEADLINE_S


def test_batch_function_returns_what_it_has_no_time_left_for_untried(handlers: Handlers) -> None:
    import_id = started(handlers, 2, 2)
    messages = [sqs_record(batch_body(import_id, n, student_row(2 + n))) for n in (0, 1)]

    result = handlers.import_batch(sqs_event(*messages), ShortOnTime())

    assert result == {"batchItemFailures": [{"itemIdentifier": m["messageId"]} for m in messages]}
    assert report(handlers.settings, import_id).rows_done == 0


@pytest.mark.parametrize(
    "event", [None, [], {}, {"Records": "x"}, {"Records": [None, 3]}, load_event("s3_put")]
)
def test_batch_function_answers_any_other_event_with_no_failures(
    handlers: Handlers, event: Any
) -> None:
    assert handlers.import_batch(event, FakeLambdaContext()) == {"batchItemFailures": []}

"""The custom-resource protocol: every request gets its answer, PUT as CloudFormation expects."""

from __future__ import annotations

import threading
import time
import urllib.error
from collections.abc import Iterator

import pytest

from api_core.custom_resource import RESPONSE_RESERVE_SECONDS, custom_resource_handler
from api_core.devtools.lambda_context import FakeLambdaContext
from tests.support.custom_resource import (
    Answer,
    RequestType,
    ResponseServer,
    custom_resource_event,
    response_path,
)

SECRET_URI = "mongodb://admin:s3cret-password@db.example.org:27017/school"


@pytest.fixture
def server() -> Iterator[ResponseServer]:
    with ResponseServer() as response_server:
        yield response_server


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext(function_name="migrate", remaining_time_ms=60_000)


class Action:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self.error = error

    def __call__(self) -> None:
        self.calls += 1
        if self.error is not None:
            raise self.error


def answer(
    request_type: RequestType,
    action: Action,
    server: ResponseServer,
    context: FakeLambdaContext,
) -> Answer:
    event = custom_resource_event(request_type, server)
    custom_resource_handler(action, "INFO")(event, context)
    (only,) = server.answers
    assert only.path == response_path(event)
    return only


def test_custom_resource_create_runs_the_action_and_puts_success(
    server: ResponseServer, context: FakeLambdaContext
) -> None:
    action = Action()
    event = custom_resource_event("Create", server)
    put = answer("Create", action, server, context)
    assert action.calls == 1
    assert put.json() == {
        "Status": "SUCCESS",
        "Reason": "",
        "PhysicalResourceId": f"{event['StackId']}/DatabaseMigration",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": "DatabaseMigration",
    }
    # The presigned URL was signed without a Content-Type: any other value is refused.
    assert put.headers["content-type"] == ""
    assert put.headers["content-length"] == str(len(put.body))


def test_custom_resource_update_runs_the_action_and_keeps_the_physical_resource_id(
    server: ResponseServer, context: FakeLambdaContext
) -> None:
    action = Action()
    event = custom_resource_event("Update", server)
    # Whatever an earlier answer named it: a new id would make it a replacement.
    event["PhysicalResourceId"] = "student-records-DatabaseMigration-1QW2E3R4T5Y6"
    custom_resource_handler(action, "INFO")(event, context)
    put = server.answers[0].json()
    assert action.calls == 1
    assert put["Status"] == "SUCCESS"
    assert put["PhysicalResourceId"] == "student-records-DatabaseMigration-1QW2E3R4T5Y6"
    assert put["RequestId"] == event["RequestId"]


def test_custom_resource_delete_does_not_run_the_action(
    server: ResponseServer, context: FakeLambdaContext
) -> None:
    action = Action()
    event = custom_resource_event("Delete", server)
    put = answer("Delete", action, server, context).json()
    assert action.calls == 0
    assert put["Status"] == "SUCCESS"
    assert put["PhysicalResourceId"] == event["PhysicalResourceId"]


def test_custom_resource_rollback_to_older_code_does_not_run_the_action(
    server: ResponseServer, context: FakeLambdaContext
) -> None:
    action = Action(RuntimeError("the database is still down"))
    event = custom_resource_event("Update", server)
    event["ResourceProperties"], event["OldResourceProperties"] = (
        event["OldResourceProperties"],
        event["ResourceProperties"],
    )
    custom_resource_handler(action, "INFO")(event, context)
    assert action.calls == 0
    assert server.answers[0].json()["Status"] == "SUCCESS"


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_custom_resource_action_raising_answers_failed_without_its_message(
    server: ResponseServer, context: FakeLambdaContext, request_type: RequestType
) -> None:
    action = Action(ValueError(f"cannot parse {SECRET_URI}"))
    put = answer(request_type, action, server, context).json()
    assert put["Status"] == "FAILED"
    assert put["Reason"].startswith("ValueError; see CloudWatch Logs")
    assert context.log_stream_name in put["Reason"]
    assert "s3cret" not in put["Reason"] and "db.example.org" not in put["Reason"]


def test_custom_resource_action_still_running_at_the_deadline_answers_failed(
    server: ResponseServer,
) -> None:
    release = threading.Event()
    context = FakeLambdaContext(remaining_time_ms=(RESPONSE_RESERVE_SECONDS + 1) * 1000)
    event = custom_resource_event("Create", server)

    def hang() -> None:
        release.wait(60)

    started = time.monotonic()
    try:
        custom_resource_handler(hang, "INFO")(event, context)
    finally:
        release.set()
    assert time.monotonic() - started < 3
    put = server.answers[0].json()
    assert put["Status"] == "FAILED"
    assert put["Reason"].startswith("TimeoutError;")


def test_custom_resource_unknown_request_type_answers_failed(
    server: ResponseServer, context: FakeLambdaContext
) -> None:
    action = Action()
    event = custom_resource_event("Create", server)
    event["RequestType"] = "Replace"
    custom_resource_handler(action, "INFO")(event, context)
    assert action.calls == 0
    assert server.answers[0].json()["Status"] == "FAILED"


def test_custom_resource_refused_answer_fails_the_invocation_so_lambda_retries(
    context: FakeLambdaContext,
) -> None:
    with ResponseServer(status=403) as refusing:
        event = custom_resource_event("Create", refusing)
        with pytest.raises(urllib.error.HTTPError):
            custom_resource_handler(Action(), "INFO")(event, context)
        assert len(refusing.answers) == 1

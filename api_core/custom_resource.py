"""The CloudFormation custom-resource protocol, for a Lambda function that runs one action.

CloudFormation invokes the function with a Create, Update or Delete request and then
waits, not for the function's return value, but for a JSON answer PUT to the
request's presigned ResponseURL:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html
An answer that never comes holds the stack operation until the resource's
ServiceTimeout (an hour by default). So the handler answers every request: the
action runs in a thread of its own with a deadline short of the function's timeout,
and whatever it raises, or if it is still running at the deadline, the answer is
FAILED with a short reason naming the error's type and where its log is. Never its
message: the reason shows in the stack's events, and a driver's message can quote
the connection string it was given.

Create and Update run the action; Delete does nothing, so deleting the stack leaves
the data and whatever the action built in place.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Callable
from typing import Any, Literal, Protocol

from api_core.logs import configure_logging

Event = dict[str, Any]
Status = Literal["SUCCESS", "FAILED"]
Action = Callable[[], None]

# The property our custom resources set to their provider's published Lambda version
# (an ARN ending in the version number), so that new code sends an Update.
CODE_VERSION = "CodeVersion"
RESPONSE_TIMEOUT_SECONDS = 10
# Kept back from the function's remaining time for answering CloudFormation.
RESPONSE_RESERVE_SECONDS = 2 * RESPONSE_TIMEOUT_SECONDS
# CloudFormation refuses answers over 4096 bytes.
REASON_LIMIT = 1000

logger = logging.getLogger(__name__)


class LambdaContext(Protocol):
    log_group_name: str
    log_stream_name: str

    def get_remaining_time_in_millis(self) -> int: ...


def custom_resource_handler(
    action: Action, log_level: str
) -> Callable[[Event, LambdaContext], None]:
    """A Lambda handler that runs `action` for Create and Update requests, and answers."""
    configure_logging(log_level)

    def handler(event: Event, context: LambdaContext) -> None:
        try:
            status, reason = _outcome(event, context, action)
        except Exception as error:  # a malformed request must still get its answer
            logger.exception("custom resource request not handled")
            status, reason = "FAILED", _failure_reason(error, context)
        respond(event, status, reason)

    return handler


def _outcome(event: Event, context: LambdaContext, action: Action) -> tuple[Status, str]:
    request_type = event["RequestType"]
    logger.info(
        "custom resource request",
        extra={"fields": {"request_type": request_type, "resource": event["LogicalResourceId"]}},
    )
    if request_type == "Delete":
        return "SUCCESS", "Nothing to delete: what the action built stays."
    if request_type not in ("Create", "Update"):
        return "FAILED", f"Unknown request type {request_type!r}."
    if is_rollback(event):
        return "SUCCESS", "Rollback to older code: it ran when that code was deployed."
    deadline = context.get_remaining_time_in_millis() / 1000 - RESPONSE_RESERVE_SECONDS
    error = run_with_deadline(action, deadline)
    if error is None:
        return "SUCCESS", ""
    logger.error("custom resource action failed", exc_info=error)
    return "FAILED", _failure_reason(error, context)


def is_rollback(event: Event) -> bool:
    """An Update back to an older CodeVersion: CloudFormation undoing a failed update.

    Lambda numbers a function's versions in increasing order, and a rollback sends
    the previous properties as new. Running the action then would run the new code
    again (the function is rolled back after its custom resource), and if it failed
    again the stack would be stuck in UPDATE_ROLLBACK_FAILED.
    """
    if event["RequestType"] != "Update":
        return False
    new = _version_number(event["ResourceProperties"].get(CODE_VERSION))
    old = _version_number(event.get("OldResourceProperties", {}).get(CODE_VERSION))
    return new is not None and old is not None and new < old


def _version_number(version_arn: Any) -> int | None:
    number = str(version_arn).rpartition(":")[2]
    return int(number) if number.isdigit() else None


def run_with_deadline(action: Action, seconds: float) -> BaseException | None:
    """Run `action`; what it raised, a TimeoutError if it outlives `seconds`, or None.

    In a daemon thread, so that an action stuck where no timeout reaches (a hung
    socket, a DNS lookup) delays neither the answer nor the end of the process.
    """
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, name="custom-resource-action", daemon=True)
    thread.start()
    thread.join(max(seconds, 0))
    if not outcome:
        return TimeoutError(f"still running after {seconds:.0f} s")
    return outcome[0]


def _failure_reason(error: BaseException, context: LambdaContext) -> str:
    reason = (
        f"{type(error).__name__}; see CloudWatch Logs {context.log_group_name}, "
        f"stream {context.log_stream_name}"
    )
    return reason[:REASON_LIMIT]


def respond(event: Event, status: Status, reason: str) -> None:
    """PUT the answer to the request's presigned ResponseURL.

    The Content-Type is empty because the presigned S3 URL was signed without one.
    A failed PUT is raised, so the invocation fails and Lambda retries it.
    """
    body = {
        "Status": status,
        "Reason": reason,
        # The same on every answer for this resource: a new id would tell
        # CloudFormation the resource was replaced and make it delete the old one.
        "PhysicalResourceId": event.get("PhysicalResourceId")
        or f"{event['StackId']}/{event['LogicalResourceId']}",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
    }
    request = urllib.request.Request(
        event["ResponseURL"],
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": ""},
    )
    with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_SECONDS) as response:
        logger.info(
            "custom resource answered",
            extra={"fields": {"status": status, "http_status": response.status}},
        )

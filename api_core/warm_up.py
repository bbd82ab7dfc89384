"""Keep-warm invocations: an EventBridge schedule that pings the function.

A scheduled rule is the usual way to keep a container warm. Mangum cannot read its
event as an HTTP request, and it is not one: the answer is a small JSON result
saying the container is up and whether its database answered, which also opens
the cached client's connection for the next real request.
"""

from __future__ import annotations

from typing import Any

from pymongo.errors import PyMongoError

from api_core.database import database_for, within_deadline
from api_core.errors import ApiError
from api_core.process_loop import run
from api_core.settings import Settings


def is_warm_up(event: Any) -> bool:
    """Whether `event` is an EventBridge (CloudWatch Events) scheduled event."""
    return (
        isinstance(event, dict)
        and event.get("source") == "aws.events"
        and event.get("detail-type") == "Scheduled Event"
    )


async def _database_answers(settings: Settings) -> bool:
    try:
        database = database_for(settings)
        await within_deadline(settings.mongodb_timeout_ms / 1000, database.command("ping"))
    except (PyMongoError, TimeoutError, ApiError):
        return False
    return True


def warm_up(settings: Settings) -> dict[str, Any]:
    """Ping the database on the process's loop (as requests use it), within the
    request deadline; never raises."""
    reachable = run(_database_answers(settings))
    return {"warm": True, "database": "reachable" if reachable else "unreachable"}

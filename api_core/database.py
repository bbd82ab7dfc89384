"""The process-wide MongoDB client, and the one deadline each request's database work gets.

Lambda keeps a process (and its event loop) alive between invocations, so one
client per process means one connection pool reused by every warm request. Each
function builds the client in its init (`prepare_client`); it connects on its first
operation, so importing a function never touches the network. A failed build is
not cached, so the next invocation tries again. pymongo's async client is bound to
the event loop it first ran on: Mangum and uvicorn keep one loop per process, and
a new loop (a test harness) gets a new client.

Indexes are not created here: `python -m api_core.migrate` does it as a deploy step.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import pymongo
from fastapi import Depends, Request
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConfigurationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api_core.errors import DatabaseUnavailable, problem_response
from api_core.settings import Settings, settings_of

Document = dict[str, Any]
Database = AsyncDatabase[Document]

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long after the driver's own deadline the request is cut short regardless.
HARD_STOP_AFTER_BUDGET_S = 0.2


@dataclass
class _CachedClient:
    client: AsyncMongoClient[Document]
    loop: asyncio.AbstractEventLoop
    key: tuple[object, ...]  # the settings it was built from (_client_key)
    databases: dict[str, Database]


_cache: _CachedClient | None = None


def create_client(settings: Settings) -> AsyncMongoClient[Document]:
    budget = settings.mongodb_timeout_ms
    return AsyncMongoClient(
        settings.mongodb_uri,
        # A request's deadline (RequestDeadline below) bounds every wait it causes;
        # these two bound the background monitor, which runs outside any request.
        serverSelectionTimeoutMS=budget,
        connectTimeoutMS=budget,
        maxPoolSize=settings.mongodb_max_pool_size,
        tz_aware=True,
        appname="student-records-api",
    )


def _client_key(settings: Settings) -> tuple[object, ...]:
    return (settings.mongodb_uri, settings.mongodb_timeout_ms, settings.mongodb_max_pool_size)


def database_for(settings: Settings, loop: asyncio.AbstractEventLoop | None = None) -> Database:
    """The named database on the process's client for `loop` (the running loop by
    default), which is built on first use."""
    global _cache
    cached, loop, key = _cache, loop or asyncio.get_running_loop(), _client_key(settings)
    if cached is None or cached.loop is not loop or cached.key != key:
        try:
            client = create_client(settings)
        except (ConfigurationError, ValueError) as error:
            # A malformed URI: nothing is cached, so a fixed one is picked up next time.
            logger.error("cannot create the MongoDB client, check MONGODB_URI: %s", error)
            raise DatabaseUnavailable(retry_after_s=settings.retry_after_seconds) from None
        cached = _cache = _CachedClient(client, loop, key, {})
    database = cached.databases.get(settings.mongodb_db)
    if database is None:
        database = cached.databases[settings.mongodb_db] = cached.client[settings.mongodb_db]
    return database


def prepare_client(settings: Settings, loop: asyncio.AbstractEventLoop) -> None:
    """Build the client for `loop` now, in a function's init, not in its first request.

    Nothing connects until the first operation. Built inside a request, the client
    cost the first response about 3 ms more: pymongo records the stack it was built
    from (`traceback.format_stack`, which reads the source of every frame), and a
    request's stack is some 30 frames deep. A malformed URI is logged here and
    answered with a 503 by each request, as before.
    """
    with contextlib.suppress(DatabaseUnavailable):
        database_for(settings, loop)


async def get_database(request: Request) -> Database:
    return database_for(settings_of(request))


class RequestDeadline:
    """Pure ASGI middleware: one deadline for all the database work of a request.

    Inside `pymongo.timeout()` (the driver's client-side operation timeout) server
    selection, connecting, every operation and every retry share what is left of
    the budget, so whatever the fault (refused, blackholed, hung, slow) a request
    waits for the database about MONGODB_TIMEOUT_MS. Per-attempt timeouts alone add
    up: a hung server held writes for six times the budget. The driver can still
    overrun by up to half a second (server selection waits in 500 ms steps), so an
    asyncio timeout a little later is the hard stop.
    """

    def __init__(self, app: ASGIApp, seconds: float, retry_after_s: int) -> None:
        self.app = app
        self.seconds = seconds
        self.retry_after_s = retry_after_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        hard_stop = asyncio.timeout(self.seconds + HARD_STOP_AFTER_BUDGET_S)
        try:
            async with hard_stop:
                with pymongo.timeout(self.seconds):
                    await self.app(scope, receive, send_noting_start)
        except TimeoutError:
            if started or not hard_stop.expired():
                raise
            logger.warning("database unavailable: the request's deadline passed")
            unavailable = DatabaseUnavailable(retry_after_s=self.retry_after_s)
            await problem_response(unavailable)(scope, receive, send)


async def within_deadline(seconds: float, work: Awaitable[T]) -> T:
    """`work` with one deadline for all its database work, as RequestDeadline gives a
    request: for the import functions, which Mangum does not run. Raises TimeoutError
    (or the driver's own timeout error) when the deadline passes."""
    async with asyncio.timeout(seconds + HARD_STOP_AFTER_BUDGET_S):
        with pymongo.timeout(seconds):
            return await work


async def close_client() -> None:
    """Close the cached client; the next request builds a new one."""
    global _cache
    cached, _cache = _cache, None
    if cached is not None:
        await cached.client.close()


def forget_client() -> None:
    """Drop the cached client without closing it, for when its sockets are already dead.

    Lambda SnapStart restores a process from a snapshot whose connections no longer
    exist; the after-restore hook calls this so the next request reconnects.
    """
    global _cache
    _cache = None


DatabaseDep = Annotated[Database, Depends(get_database)]


async def aggregate(
    database: Database, collection: str, pipeline: list[Document], **options: Any
) -> list[Document]:
    """Every document the pipeline yields (`options` as for `aggregate`, e.g. batchSize)."""
    cursor: Any = database[collection].aggregate(pipeline, **options)
    # pymongo's async client hands the cursor over when awaited; mongomock's directly.
    if inspect.isawaitable(cursor):
        cursor = await cursor
    return list(await cursor.to_list(None))

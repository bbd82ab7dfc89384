"""The process-wide MongoDB client: created on first use, reused by every warm invocation.

Lambda keeps a process (and its event loop) alive between invocations, so one
client per process means one connection pool reused by every warm request. The
client is built lazily, so importing a function never touches the network; a
failed build is not cached, so the next invocation tries again. pymongo's async
client is bound to the event loop it first ran on: Mangum and uvicorn keep one
loop per process, and a new loop (a test harness) gets a new client.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConfigurationError

from api_core.errors import DatabaseUnavailable
from api_core.resources import ALL_RESOURCES
from api_core.settings import Settings, get_settings

Document = dict[str, Any]
Database = AsyncDatabase[Document]

logger = logging.getLogger(__name__)


@dataclass
class _CachedClient:
    client: AsyncMongoClient[Document]
    loop: asyncio.AbstractEventLoop
    indexes_ready: bool = False


_cache: _CachedClient | None = None


def create_client(settings: Settings) -> AsyncMongoClient[Document]:
    budget = settings.mongodb_timeout_ms
    return AsyncMongoClient(
        settings.mongodb_uri,
        serverSelectionTimeoutMS=budget,
        connectTimeoutMS=budget,
        # Not timeoutMS: with it set, pymongo waits that long for server selection too.
        socketTimeoutMS=settings.mongodb_operation_timeout_ms,
        tz_aware=True,
        appname="student-records-api",
    )


def _cached_client() -> _CachedClient:
    global _cache
    loop = asyncio.get_running_loop()
    if _cache is None or _cache.loop is not loop:
        try:
            client = create_client(get_settings())
        except (ConfigurationError, ValueError) as error:
            # A malformed URI: nothing is cached, so a fixed one is picked up next time.
            logger.error("cannot create the MongoDB client, check MONGODB_URI: %s", error)
            raise DatabaseUnavailable() from None
        _cache = _CachedClient(client, loop)
    return _cache


async def get_database() -> Database:
    """The application database, with its indexes ensured once per process."""
    cached = _cached_client()
    database = cached.client[get_settings().mongodb_db]
    if not cached.indexes_ready:
        await ensure_indexes(database)
        cached.indexes_ready = True
    return database


async def ensure_indexes(database: Database) -> None:
    # Concurrently: on a cold start each createIndexes is a round trip to the database.
    await asyncio.gather(
        *(
            database[resource.collection].create_indexes(list(resource.all_indexes))
            for resource in ALL_RESOURCES
            if resource.all_indexes
        )
    )


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

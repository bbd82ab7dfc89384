"""The deploy step: create the indexes and bring stored records up to date.

Run it before the API serves: `python -m api_core.migrate` (against MONGODB_URI and
MONGODB_DB). `make run` and the tests run it first; on AWS the stack's
DatabaseMigration custom resource runs it (functions/migrate.py) when the stack is
created and whenever a deploy changes its code (see template.yaml). Not on the
request path: ensuring indexes on first use would cost every cold start of every
function a round of createIndexes, and a server that refuses the command would turn
that into an outage. Every step is idempotent, so running it again is always safe.
"""

from __future__ import annotations

import asyncio
import logging
import sys

import pymongo
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from api_core.database import Database, Document, create_client
from api_core.references import claim_existing_references
from api_core.resources import ALL_RESOURCES
from api_core.settings import DATABASE, Settings, database_name, get_settings
from api_core.stored_forms import Collision, refresh_stored_forms

# Building an index on a large collection takes a while; a server that hangs does not.
DEADLINE_SECONDS = 300
# `python -m api_core.migrate` ends with this when records collided (see stored_forms).
COLLISIONS_EXIT_STATUS = 3

logger = logging.getLogger(__name__)


async def migrate(database: Database) -> list[Collision]:
    """Indexes, reference claims and stored forms; the records left as they were."""
    await ensure_indexes(database)
    await claim_existing_references(database, ALL_RESOURCES)
    collisions = []
    for resource in ALL_RESOURCES:
        collisions += await refresh_stored_forms(database, resource)
    for collision in collisions:
        logger.warning("not migrated: %s", collision.describe())
    return collisions


async def ensure_indexes(database: Database) -> None:
    for resource in ALL_RESOURCES:
        if resource.all_indexes:
            await database[resource.collection].create_indexes(list(resource.all_indexes))


class RecordsElsewhere(RuntimeError):
    """Raised when the database a new APP_NAME gives is empty and the default database
    holds records: serving would show an empty app."""


async def refuse_to_leave_records_behind(
    client: AsyncMongoClient[Document], settings: Settings
) -> None:
    """Stop a deploy that would move an install to an empty database by renaming it.

    Without MONGODB_DB, an app renamed by APP_NAME gets a database named after it.
    """
    name = settings.mongodb_db
    if name != database_name(settings.app_name) or name == DATABASE:
        return
    ours = {resource.collection for resource in ALL_RESOURCES}
    if ours & set(await client[name].list_collection_names()):
        return
    former = client[DATABASE]
    try:
        found = ours & set(await former.list_collection_names())
        held = [c for c in sorted(found) if await former[c].find_one({}, {"_id": 1})]
    except OperationFailure:  # not allowed to look there, so not where our records are
        return
    if held:
        raise RecordsElsewhere(
            f"database {name!r} (the default from APP_NAME) is empty, but "
            f"{DATABASE!r}, the default database, holds records "
            f"({', '.join(held)}): set MONGODB_DB={DATABASE} (template: "
            f"MongoDbName={DATABASE}) to keep using them, or drop that "
            "database to start afresh"
        )


async def migrate_configured_database(settings: Settings) -> list[Collision]:
    client = create_client(settings)
    database = client[settings.mongodb_db]
    try:
        # Inside pymongo.timeout() finding a server may take the whole deadline (the
        # driver ignores serverSelectionTimeoutMS there), so reach the database within
        # the usual budget first: an unreachable one fails in seconds, not minutes.
        with pymongo.timeout(settings.mongodb_timeout_ms / 1000):
            await database.command("ping")
            await refuse_to_leave_records_behind(client, settings)
        with pymongo.timeout(DEADLINE_SECONDS):
            return await migrate(database)
    finally:
        await client.close()


def migrate_from_environment() -> None:
    """The deploy step against the database the environment names (see Settings).

    Collisions do not fail it (a failed custom resource would roll the stack back
    while the data stays as it is); each is a WARNING line in its log.
    """
    _migrate_from_environment()


def _migrate_from_environment() -> list[Collision]:
    settings = get_settings()
    collisions = asyncio.run(migrate_configured_database(settings))
    logger.info(
        "migrated database %r: indexes, reference claims and stored forms are up to date "
        "(%d records left as they were)",
        settings.mongodb_db,
        len(collisions),
    )
    return collisions


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        collisions = _migrate_from_environment()
    except RecordsElsewhere as error:
        raise SystemExit(f"python -m api_core.migrate: {error}") from None
    if collisions:
        sys.exit(COLLISIONS_EXIT_STATUS)


if __name__ == "__main__":
    main()

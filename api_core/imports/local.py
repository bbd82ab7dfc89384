"""An import run in this process, batch by batch: uploads to `make run`, and the CLI.

The same batches as on AWS (api_core/imports/batches.py), applied one after the other
instead of through a queue. A batch the database fails is tried again a few times;
if the database stays away the import fails, saying how far it got: importing the
file again finishes it, since rows already applied are left as they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

import pymongo
from bson import ObjectId
from pymongo.errors import PyMongoError

from api_core.database import Database
from api_core.imports import batches, records
from api_core.imports.csv_rows import UnreadableFile, decoded, read_rows
from api_core.imports.kinds import KINDS

# Every batch is bounded, like a request, but a batch is a hundred requests' work.
BATCH_DEADLINE_S = 30
RETRY_DELAYS_S = (1, 3)

Progress = Callable[[records.ImportRecord], None]


async def run(
    database: Database,
    import_id: ObjectId,
    kind_name: str,
    chunks: Iterable[bytes],
    batch_size: int,
    progress: Progress | None = None,
) -> records.ImportRecord:
    """Apply the file `chunks` hold to a waiting import; its record at the end."""
    kind = KINDS[kind_name]
    try:
        rows = list(read_rows(decoded(chunks), kind.columns, kind.required))
    except UnreadableFile as error:
        await records.fail(database, import_id, str(error))
        return await records.get(database, import_id)
    planned = list(batches.in_batches(import_id, kind.name, rows, batch_size))
    await records.all_read(database, import_id, len(rows), len(planned))
    for batch in planned:
        if not await _apply(database, batch):
            done = batch.number * batch_size
            reason = (
                f"The database could not be reached after {done} rows. Import the file "
                "again to finish: rows already imported are left as they are."
            )
            await records.fail(database, import_id, reason)
            break
        if progress is not None:
            progress(await records.get(database, import_id))
    return await records.get(database, import_id)


async def _apply(database: Database, batch: batches.Batch) -> bool:
    for delay in (*RETRY_DELAYS_S, None):
        try:
            with pymongo.timeout(BATCH_DEADLINE_S):
                await batches.apply(database, batch)
            return True
        except PyMongoError:
            if delay is None:
                return False
            await asyncio.sleep(delay)
    return False

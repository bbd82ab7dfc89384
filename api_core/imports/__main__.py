"""`python -m api_core.imports KIND FILE.csv`: import a CSV file from a shell or a script.

The import runs in this process (api_core/imports/local.py) against MONGODB_URI and
MONGODB_DB, exactly as an upload to `make run` would, with a progress bar on stderr
when it is a terminal. The report goes to stdout: the counts, then each failed row's
line and reason (the first 1,000), or why the file could not be imported.

Exit status: 0 every row was imported; 1 the import failed (the file could not be read,
or the database could not be reached); 2 the command line was wrong; 3 the import
finished but some rows failed. Importing the same file again changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pymongo
from bson import ObjectId
from pymongo.errors import PyMongoError
from tqdm import tqdm

from api_core.database import create_client
from api_core.imports import local, records
from api_core.imports.kinds import KINDS
from api_core.settings import Settings, get_settings

EXIT_DONE, EXIT_FAILED, EXIT_ROWS_FAILED = 0, 1, 3
CHUNK_BYTES = 1 << 16


async def import_file(settings: Settings, kind: str, path: Path) -> records.ImportRecord:
    """Create the import record, run it here, and return its final state."""
    client = create_client(settings)
    try:
        database = client[settings.mongodb_db]
        with pymongo.timeout(settings.mongodb_timeout_ms / 1000):
            record = await records.create(database, kind, path.name)
            import_id = ObjectId(record.id)
            await records.start(database, import_id)
        # disable=None: no bar when stderr is not a terminal (a script, a pipe, CI).
        with path.open("rb") as file, tqdm(desc=path.name, unit=" rows", disable=None) as bar:

            def progress(current: records.ImportRecord) -> None:
                bar.total = current.rows_total  # None until the file is read: no bar yet
                bar.update(current.rows_done + current.rows_failed - bar.n)

            return await local.run(
                database, import_id, kind, _chunks(file), settings.import_batch_size, progress
            )
    finally:
        await client.close()


def _chunks(file: BinaryIO) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def report(record: records.ImportRecord) -> str:
    """The outcome in lines for people (and grep): counts, failed rows, the file's error."""
    lines = []
    if record.status == "failed":
        lines.append(f"{record.file_name}: the import failed. {record.error}")
    if record.rows_total is not None:
        lines.append(
            f"{record.file_name}: {record.rows_done:,} of {record.rows_total:,} rows imported, "
            f"{record.rows_failed:,} failed."
        )
    lines += [f"line {failure.line}: {failure.reason}" for failure in record.failures]
    unlisted = record.rows_failed - len(record.failures)
    if unlisted > 0:
        lines.append(
            f"... and {unlisted:,} more failed rows: only the first "
            f"{records.FAILURES_KEPT:,} are listed."
        )
    return "\n".join(lines)


def exit_status(record: records.ImportRecord) -> int:
    if record.status != "done":
        return EXIT_FAILED
    return EXIT_ROWS_FAILED if record.rows_failed else EXIT_DONE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m api_core.imports",
        description="Import a CSV file of students, courses or enrollments into "
        "MONGODB_URI / MONGODB_DB, by the API's own rules.",
        epilog="Columns: "
        + "; ".join(f"{name}: {','.join(kind.columns)}" for name, kind in KINDS.items())
        + ". Exit status: 0 all rows imported, 1 the import failed, 3 some rows failed.",
    )
    parser.add_argument("kind", choices=list(KINDS), help="what the file holds")
    parser.add_argument("file", type=Path, help="a CSV file, UTF-8, with a header row")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        parser.error(f"no such file: {args.file}")
    try:
        record = asyncio.run(import_file(get_settings(), args.kind, args.file))
    except PyMongoError as error:
        message = f"Cannot reach the database ({type(error).__name__}): check MONGODB_URI."
        print(f"{args.file.name}: the import failed. {message}", file=sys.stderr)
        return EXIT_FAILED
    print(report(record))
    return exit_status(record)


if __name__ == "__main__":
    sys.exit(main())

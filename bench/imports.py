"""Bulk import: rows per second in this process and through the batch function, and
the batch size that imports fastest.

    .venv/bin/python -m bench.imports [--sizes 10000 100000] [--rounds 3]
        [--large-rounds 1] [--batch-sizes 25 50 100 250 500] [--json FILE]

A students file with 1% bad rows (api_core/devtools/builders.py), each run on a
MongoDB-wire server of its own, started empty (the test server slows down as dropped
data piles up in its files, which would tax whichever run came later):

- local: `api_core.imports.local.run`, the whole file batch by batch (make run, the CLI);
- batch function: the file's batches as SQS delivers them, ten messages to an event,
  through `functions/import_batch.py`'s handler on its cached client and loop. S3 and
  SQS are left out (they are AWS's); reading the file and cutting it into messages,
  the file function's own work, is timed apart.

The two paths alternate within each round, sizes in order, so load on this shared
machine falls on both; sizes of 100,000 rows and more run in --large-rounds only
(each such run takes minutes). Then every batch size in turn on the batch function, for the
first size, in interleaved rounds: the best median is the one to ship as
IMPORT_BATCH_SIZE's default. Last, which functions load boto3 at a cold start.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bson import ObjectId

from api_core.devtools.builders import students_csv
from api_core.devtools.wire_server import WireServer
from api_core.settings import Settings
from bench.common import ROOT, markdown_table

BAD_EVERY = 100
MESSAGES_PER_EVENT = 10  # the template's BatchSize


def _use_database(server: WireServer) -> Settings:
    """Settings for a new, empty database with the API's indexes; the cached client dropped."""
    from api_core import database
    from api_core.devtools.loops import run_in_own_loop
    from api_core.migrate import migrate_configured_database
    from api_core.process_loop import run

    settings = Settings(mongodb_uri=server.uri, mongodb_db=f"bench_imports_{uuid.uuid4().hex[:8]}")
    run(database.close_client())
    run_in_own_loop(migrate_configured_database(settings))
    return settings


def _new_import(settings: Settings) -> ObjectId:
    from api_core.database import database_for
    from api_core.imports import records
    from api_core.process_loop import run

    async def create() -> ObjectId:
        db = database_for(settings)
        record = await records.create(db, "students", "bench.csv")
        await records.start(db, ObjectId(record.id))
        return ObjectId(record.id)

    return run(create())


def _report(settings: Settings, import_id: ObjectId) -> Any:
    from api_core.database import database_for
    from api_core.imports import records
    from api_core.process_loop import run

    async def get() -> Any:
        return await records.get(database_for(settings), import_id)

    return run(get())


def _check(settings: Settings, import_id: ObjectId, rows: int) -> None:
    record = _report(settings, import_id)
    bad = rows // BAD_EVERY
    if (record.status, record.rows_done, record.rows_failed) != ("done", rows - bad, bad):
        raise RuntimeError(f"the import did not end as it should: {record}")


def local_path(settings: Settings, content: bytes, rows: int, batch_size: int) -> float:
    """Seconds for local.run to apply the whole file."""
    from api_core.database import database_for
    from api_core.imports import local
    from api_core.process_loop import run

    import_id = _new_import(settings)

    async def go() -> None:
        await local.run(database_for(settings), import_id, "students", [content], batch_size)

    started = time.perf_counter()
    run(go())
    seconds = time.perf_counter() - started
    _check(settings, import_id, rows)
    return seconds


def _events(content: bytes, import_id: ObjectId, batch_size: int) -> tuple[list[Any], int, float]:
    """SQS events of the file's batches, how many batches, and seconds to cut them."""
    from api_core.devtools.aws_events import sqs_event, sqs_record
    from api_core.imports import batches
    from api_core.imports.csv_rows import decoded, read_rows
    from api_core.imports.kinds import KINDS

    kind = KINDS["students"]
    started = time.perf_counter()
    rows = read_rows(decoded([content]), kind.columns, kind.required)
    bodies = [b.to_json() for b in batches.in_batches(import_id, "students", rows, batch_size)]
    cutting = time.perf_counter() - started
    records = [sqs_record(body) for body in bodies]
    events = [
        sqs_event(*records[i : i + MESSAGES_PER_EVENT])
        for i in range(0, len(records), MESSAGES_PER_EVENT)
    ]
    return events, len(bodies), cutting


def batch_function_path(
    settings: Settings, content: bytes, rows: int, batch_size: int
) -> tuple[float, float]:
    """Seconds for the batch function to apply every batch, and to cut them."""
    from api_core.database import database_for
    from api_core.devtools.lambda_context import FakeLambdaContext
    from api_core.imports import batch_events, records
    from api_core.process_loop import run

    import_batch = batch_events.make_handler(settings)  # as functions/import_batch.py
    import_id = _new_import(settings)
    events, batch_count, cutting = _events(content, import_id, batch_size)

    async def all_read() -> None:
        await records.all_read(database_for(settings), import_id, rows, batch_count)

    run(all_read())

    class Minutes(FakeLambdaContext):
        def get_remaining_time_in_millis(self) -> int:
            return 60_000  # the template's Timeout

    started = time.perf_counter()
    for event in events:
        if import_batch(event, Minutes())["batchItemFailures"]:
            raise RuntimeError("a batch failed")
    seconds = time.perf_counter() - started
    _check(settings, import_id, rows)
    return seconds, cutting


def measure(path: str, rows: int, batch_size: int) -> dict[str, float]:
    content = students_csv(rows, bad_every=BAD_EVERY)
    with WireServer() as server:
        settings = _use_database(server)
        if path == "local":
            return {"rows_per_s": rows / local_path(settings, content, rows, batch_size)}
        seconds, cutting = batch_function_path(settings, content, rows, batch_size)
        return {"rows_per_s": rows / seconds, "cut_rows_per_s": rows / cutting}


def boto3_at_cold_start() -> dict[str, list[str]]:
    """boto3/botocore loaded by each function's import plus one invocation (a 503)."""
    functions = {
        "students": "/api/students",
        "courses": "/api/courses",
        "enrollments": "/api/enrollments",
        "health": "/api/health",
        "imports": "/api/imports/0123456789abcdef01234567",
    }
    loaded = {}
    for module, path in functions.items():
        code = (
            "import json, sys\n"
            "from api_core.devtools.invoke import invoke\n"
            f"from functions import {module}\n"
            f"invoke({module}.handler, 'GET', {path!r})\n"
            "print(json.dumps(sorted({'boto3', 'botocore'} & set(sys.modules))))"
        )
        env = {
            "PATH": os.environ["PATH"],
            "MONGODB_URI": "mongodb://127.0.0.1:1",
            "MONGODB_TIMEOUT_MS": "200",
            "LOG_LEVEL": "ERROR",
        }
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr)
        loaded[module] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def _summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


LARGE = 100_000


def run(
    sizes: list[int], rounds: int, batch_sizes: list[int], large_rounds: int = 1
) -> dict[str, Any]:
    os.environ.update(AUTH_MODE="off", LOG_LEVEL="ERROR")
    default = Settings().import_batch_size
    paths: dict[str, dict[int, list[float]]] = {
        p: {n: [] for n in sizes} for p in ("local", "batch function")
    }
    cutting: dict[int, list[float]] = {n: [] for n in sizes}
    sweep: dict[int, list[float]] = {size: [] for size in batch_sizes}
    for round_number in range(rounds):
        for rows in sizes:
            if rows >= LARGE and round_number >= large_rounds:
                continue
            for path in paths:
                result = measure(path, rows, default)
                paths[path][rows].append(result["rows_per_s"])
                if "cut_rows_per_s" in result:
                    cutting[rows].append(result["cut_rows_per_s"])
    for _ in range(rounds):
        for size in batch_sizes:
            result = measure("batch function", sizes[0], size)
            sweep[size].append(result["rows_per_s"])
    best = max(batch_sizes, key=lambda size: statistics.median(sweep[size]))
    return {
        "rounds": rounds,
        "large_rounds": large_rounds,
        "bad_every": BAD_EVERY,
        "default_batch_size": default,
        "paths": {p: {str(n): _summary(s) for n, s in by.items()} for p, by in paths.items()},
        "cutting": {str(n): _summary(s) for n, s in cutting.items()},
        "sweep_rows": sizes[0],
        "sweep": {str(size): _summary(s) for size, s in sweep.items()},
        "best_batch_size": best,
        "boto3_at_cold_start": boto3_at_cold_start(),
    }


def _rate(summary: dict[str, float]) -> str:
    return f"{summary['median']:,.0f} ({summary['min']:,.0f}-{summary['max']:,.0f})"


def markdown(result: dict[str, Any]) -> str:
    default = result["default_batch_size"]
    best = result["best_batch_size"]
    best_rate = result["sweep"][str(best)]
    rows = [[f"{int(n):,}", path, _rate(by[n])] for path, by in result["paths"].items() for n in by]
    paths = markdown_table(["rows", "path", "rows/s, median (min-max)"], rows)
    sweep = markdown_table(
        ["batch size", f"rows/s on {result['sweep_rows']:,} rows, median (min-max)"],
        [
            [f"**{size}**" if int(size) == result["best_batch_size"] else size, _rate(s)]
            for size, s in result["sweep"].items()
        ],
    )
    default_rate = result["sweep"].get(str(default))
    close = [
        size
        for size, s in result["sweep"].items()
        if int(size) != best and s["max"] >= best_rate["min"]
    ]
    noise = f"; {', '.join(close)} are within its spread" if close else ""
    if best == default:
        choice = f"The default, IMPORT_BATCH_SIZE={default}, is the fastest measured{noise}."
    else:
        choice = (
            f"The fastest measured is {best}; the default is IMPORT_BATCH_SIZE={default}"
            + (f" ({_rate(default_rate)} rows/s)" if default_rate else "")
            + (
                ": within the other's spread, so the difference is noise here."
                if default_rate and default_rate["max"] >= best_rate["min"]
                else "."
            )
        )
    cutting = "; ".join(f"{int(n):,} rows: {_rate(s)} rows/s" for n, s in result["cutting"].items())
    boto3 = result["boto3_at_cold_start"]
    clean = [name for name, loaded in boto3.items() if not loaded]
    return (
        f"{paths}\n\nEvery run ends with the exact counts (1 row in {result['bad_every']} "
        f"refused), each on a test server (SecantusDB) of its own, started empty, in batches of "
        f"{default} rows; medians of {result['rounds']} interleaved rounds "
        f"({result['large_rounds']} for {LARGE:,} rows and more). The file function's own "
        f"work, reading the file and cutting it into messages (no S3 or SQS): {cutting}."
        f"\n\n{sweep}\n\n{choice}\n\n"
        f"boto3 at a cold start (import and one invocation, a fresh interpreter each): "
        f"not loaded by {', '.join(clean)}"
        + (
            "."
            if len(clean) == len(boto3)
            else f"; loaded by {', '.join(n for n in boto3 if n not in clean)}."
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--large-rounds", type=int, default=1)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[25, 50, 100, 250, 500])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.sizes, args.rounds, args.batch_sizes, args.large_rounds)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(markdown(result))


if __name__ == "__main__":
    main()

"""What `make run`'s durable embedded database costs a write, and what it buys.

    .venv/bin/python -m bench.durability [--writes 200] [--rounds 30]

Two wire servers on this disk, one started with the Makefile's EMBEDDED_DB_OPTIONS
(--sync-on-commit: the write-ahead log is flushed to disk before a write is
acknowledged) and one without. In interleaved rounds, the students function
creates `writes` students on each; the ratio of their median write latencies is
the cost. Then each server takes a burst of 60 more writes and is killed with
SIGKILL right after the last was acknowledged, restarted on the same files, and the
students still there counted.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from api_core.devtools.builders import student_body
from api_core.devtools.invoke import invoke
from api_core.devtools.wire_server import WireServer, embedded_db_options
from bench.common import ROOT, markdown_table, run_cli, use_database

CRASH_BURST = 60


def _use(server: WireServer) -> Any:
    """The students function on `server`'s database; the cached client (another
    server's) closed first."""
    from api_core import database
    from api_core.lambda_handler import resource_handler
    from api_core.resources import STUDENTS
    from api_core.settings import Settings

    asyncio.get_event_loop().run_until_complete(database.close_client())
    return resource_handler(STUDENTS, Settings(mongodb_uri=server.uri, mongodb_db="durability"))


def _write_ms(students: Any, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = invoke(students, "POST", "/api/students", student_body())
        samples.append((time.perf_counter() - started) * 1000)
        if response["statusCode"] != 201:
            raise RuntimeError(f"write failed: {response}")
    return samples


def _survivors(server: WireServer) -> tuple[int, int]:
    """(acknowledged, still there after SIGKILL right after a burst of writes)."""
    _write_ms(_use(server), CRASH_BURST)
    with MongoClient(server.uri) as client:
        acknowledged = client.durability.students.count_documents({})
    server.crash()
    server.start()
    with MongoClient(server.uri) as client:
        return acknowledged, client.durability.students.count_documents({})


def run(writes: int, rounds: int) -> dict[str, Any]:
    use_database(LOG_LEVEL="ERROR")
    modes = {"durable (make run)": embedded_db_options(), "without --sync-on-commit": ()}
    # On the disk `make run` keeps .data/ on, not a tmpfs.
    storage = Path(tempfile.mkdtemp(prefix=".bench-durability-", dir=ROOT))
    servers = {
        label: WireServer(None, storage / str(n), *options)
        for n, (label, options) in enumerate(modes.items())
    }
    try:
        for server in servers.values():
            server.start()
            _write_ms(_use(server), 5)  # connect and warm up outside the timing
        samples: dict[str, list[float]] = {label: [] for label in servers}
        ratios = []
        for _ in range(rounds):
            medians = {}
            for label, server in servers.items():
                students = _use(server)
                timed = _write_ms(students, writes)
                samples[label] += timed
                medians[label] = statistics.median(timed)
            durable, fast = medians.values()
            ratios.append(durable / fast)
        crash = {label: _survivors(server) for label, server in servers.items()}
    finally:
        for server in servers.values():
            server.close()
        shutil.rmtree(storage, ignore_errors=True)
    return {
        "options": list(modes["durable (make run)"]),
        "writes_per_round": writes,
        "rounds": rounds,
        "p50_ms": {label: statistics.median(s) for label, s in samples.items()},
        "ratio_median": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "crash": {label: {"acknowledged": a, "survived": s} for label, (a, s) in crash.items()},
    }


def markdown(result: dict[str, Any]) -> str:
    rows = [
        [
            label,
            f"{result['p50_ms'][label]:.2f}",
            f"{crash['survived']:,} of {crash['acknowledged']:,}",
        ]
        for label, crash in result["crash"].items()
    ]
    table = markdown_table(["embedded database", "write p50 ms", "kept after kill -9"], rows)
    return (
        f"{table}\n\n`make run` starts its database with `{' '.join(result['options'])}`. "
        f"A create through the students function costs {result['ratio_median']:.2f}x "
        f"the latency without it (median of {result['rounds']} interleaved rounds of "
        f"{result['writes_per_round']} writes; rounds ranged "
        f"{result['ratio_min']:.2f}x-{result['ratio_max']:.2f}x)."
    )


def main() -> None:
    run_cli(__doc__, run, markdown, count="writes", counts=200)


if __name__ == "__main__":
    main()

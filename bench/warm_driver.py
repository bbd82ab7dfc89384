"""What a deadline costs pymongo's async find_one, without any framework around it.

    .venv/bin/python -m bench.warm_driver [--invocations 6000] [--rounds 30]

One AsyncMongoClient per variant against one MongoDB-wire server on loopback, the
same document read by id, the variants interleaved round by round. Each variant's
cost is its per-round p50 minus plain's in the same round: the median of those
differences and a 95% confidence interval (bench.warm.per_round_difference).

- plain: no deadline at all, as the bare framework floor (b) reads
- maxTimeMS: the same read with `max_time_ms` (the server's limit alone)
- socketTimeoutMS: a client with a per-attempt socket timeout (a timer per send and
  per receive)
- pymongo.timeout: the driver's own deadline (CSOT), as RequestDeadline gives it
- asyncio.timeout: the hard stop alone
- both: pymongo.timeout inside asyncio.timeout, as RequestDeadline runs them
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pymongo
from bson import ObjectId
from pymongo import AsyncMongoClient

from api_core.devtools.wire_server import WireServer
from bench.baselines import TIMEOUTS
from bench.common import markdown_table, run_cli
from bench.warm import per_round_difference

BUDGET_S = 2.0
HARD_STOP_S = BUDGET_S + 0.2
Read = Callable[[], Awaitable[Any]]


async def _measure(uri: str, invocations: int, rounds: int) -> dict[str, list[float]]:
    # The client options (b) uses, so that "plain" reads as the floor does.
    plain_client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri, **TIMEOUTS)
    socket_client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        uri, socketTimeoutMS=int(BUDGET_S * 1000), **TIMEOUTS
    )
    collection, with_socket_timeout = plain_client.bench.docs, socket_client.bench.docs
    record = ObjectId()
    await collection.insert_one({"_id": record, "name": "Ada", "email": "ada@x.edu"})

    async def driver_deadline() -> Any:
        with pymongo.timeout(BUDGET_S):
            return await collection.find_one({"_id": record})

    async def hard_stop() -> Any:
        async with asyncio.timeout(HARD_STOP_S):
            return await collection.find_one({"_id": record})

    async def both() -> Any:
        async with asyncio.timeout(HARD_STOP_S):
            with pymongo.timeout(BUDGET_S):
                return await collection.find_one({"_id": record})

    variants: dict[str, Read] = {
        "plain": lambda: collection.find_one({"_id": record}),
        "maxTimeMS": lambda: collection.find_one({"_id": record}, max_time_ms=1999),
        "socketTimeoutMS": lambda: with_socket_timeout.find_one({"_id": record}),
        "pymongo.timeout": driver_deadline,
        "asyncio.timeout": hard_stop,
        "both": both,
    }
    round_p50s: dict[str, list[float]] = {name: [] for name in variants}
    try:
        for read in variants.values():  # warm every client up
            for _ in range(200):
                await read()
        for _ in range(rounds):
            for name, read in variants.items():
                samples = []
                for _ in range(max(1, invocations // rounds)):
                    started = time.perf_counter()
                    await read()
                    samples.append(time.perf_counter() - started)
                round_p50s[name].append(statistics.median(samples))
    finally:
        await plain_client.close()
        await socket_client.close()
    return round_p50s


def run(invocations: int, rounds: int) -> dict[str, dict[str, float]]:
    with WireServer() as server:
        round_p50s = asyncio.run(_measure(server.uri, invocations, rounds))
    plain = round_p50s["plain"]
    results = {}
    for name, p50s in round_p50s.items():
        cost, low, high = per_round_difference(p50s, plain)
        results[name] = {
            "p50_us": statistics.median(p50s) * 1e6,
            "cost_us": cost,
            "cost_low_us": low,
            "cost_high_us": high,
        }
    return results


def markdown(results: dict[str, dict[str, float]]) -> str:
    return markdown_table(
        ["find_one by id", "p50 µs", "over plain, µs: median (95% CI)"],
        [
            [
                name,
                f"{row['p50_us']:.1f}",
                "-"
                if name == "plain"
                else f"{row['cost_us']:.1f} ({row['cost_low_us']:.1f}–{row['cost_high_us']:.1f})",
            ]
            for name, row in results.items()
        ],
    )


def main() -> None:
    run_cli(__doc__, run, markdown, counts=6000)


if __name__ == "__main__":
    main()

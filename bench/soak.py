"""Load and soak: a bounded loopback load on uvicorn, and 10,000 handler invocations.

    .venv/bin/python -m bench.soak [--seconds 60] [--concurrency 32] [--invocations 10000]

1. uvicorn (`api_core.app:app`, one worker) on a real MongoDB-wire server, driven
   for `--seconds` by `--concurrency` keep-alive clients on loopback, each sending
   one request at a time: 70% GET by id, 20% list pages, 10% PATCH. Every answer
   other than 200 counts as an error. The server's RSS is sampled every second.
2. One Lambda handler invoked `--invocations` times in this process, RSS measured
   before and after (after a warm-up), as a function's memory would grow.

Pass/fail lines for issue targets: zero errors, flat server memory (under 5 MB
growth after the first 10 s), handler RSS growth under 5 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from api_core.devtools.app_server import AppServer
from api_core.devtools.builders import student_body
from api_core.devtools.events import build_event
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.wire_server import WireServer
from bench.common import percentile, use_database

SEED_STUDENTS = 500
MB = 1024 * 1024


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def _client(
    client: httpx.AsyncClient, ids: list[str], until: float, results: dict[str, Any]
) -> None:
    rng = random.Random()
    while time.perf_counter() < until:
        roll = rng.random()
        record = rng.choice(ids)
        started = time.perf_counter()
        if roll < 0.7:
            response = await client.get(f"/api/students/{record}")
        elif roll < 0.9:
            response = await client.get("/api/students", params={"limit": 20})
        else:
            response = await client.patch(f"/api/students/{record}", json={"program": "Load"})
        results["latencies"].append(time.perf_counter() - started)
        if response.status_code != 200:
            results["errors"].append(response.status_code)


async def _sample_memory(pid: int, until: float, samples: list[tuple[float, float]]) -> None:
    start = time.perf_counter()
    while time.perf_counter() < until:
        samples.append((time.perf_counter() - start, rss_mb(pid)))
        await asyncio.sleep(1)


async def _drive(base_url: str, ids: list[str], pid: int, seconds: float, concurrency: int) -> Any:
    results: dict[str, Any] = {"latencies": [], "errors": []}
    samples: list[tuple[float, float]] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        until = time.perf_counter() + seconds
        await asyncio.gather(
            _sample_memory(pid, until, samples),
            *(_client(client, ids, until, results) for _ in range(concurrency)),
        )
    return results, samples


def server_soak(seconds: float, concurrency: int) -> dict[str, Any]:
    with WireServer() as database:
        env = {"MONGODB_URI": database.uri, "MONGODB_DB": f"soak_{uuid.uuid4().hex[:8]}"}
        with AppServer(env) as server, httpx.Client(base_url=server.base_url) as http:
            ids = [
                http.post("/api/students", json=student_body()).json()["id"]
                for _ in range(SEED_STUDENTS)
            ]
            loop = asyncio.new_event_loop()
            try:
                results, samples = loop.run_until_complete(
                    _drive(server.base_url, ids, server.pid, seconds, concurrency)
                )
            finally:
                loop.close()
    latencies = results["latencies"]
    settled = [mb for at, mb in samples if at >= 10] or [samples[-1][1]]
    return {
        "requests": len(latencies),
        "errors": len(results["errors"]),
        "error_statuses": sorted(set(results["errors"])),
        "rps": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "rss_start_mb": samples[0][1],
        "rss_after_10s_mb": settled[0],
        "rss_end_mb": samples[-1][1],
        "rss_growth_after_10s_mb": max(settled) - settled[0],
    }


def handler_soak(invocations: int) -> dict[str, float]:
    import logging

    with WireServer() as database:
        use_database(MONGODB_URI=database.uri, MONGODB_DB="soak_handler")
        from functions import students

        logging.getLogger("api_core").setLevel(logging.WARNING)
        context = FakeLambdaContext()
        created = students.handler(
            build_event("http_api_v2", "POST", "/api/students", body=student_body()), context
        )
        path = created["headers"]["location"]
        event = build_event("http_api_v2", "GET", path)
        for _ in range(200):
            students.handler(event, context)
        gc.collect()
        before = rss_mb()
        for _ in range(invocations):
            assert students.handler(event, context)["statusCode"] == 200
        gc.collect()
        after = rss_mb()
    return {"invocations": invocations, "rss_before_mb": before, "rss_after_mb": after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--invocations", type=int, default=10_000)
    args = parser.parse_args()

    load = server_soak(args.seconds, args.concurrency)
    print(f"uvicorn, {args.seconds:.0f} s at concurrency {args.concurrency}:")
    print(
        f"  {load['requests']} requests, {load['rps']:.0f}/s, errors {load['errors']} "
        f"{load['error_statuses']}, p50 {load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms"
    )
    print(
        f"  server RSS {load['rss_start_mb']:.1f} MB at start, {load['rss_after_10s_mb']:.1f} MB "
        f"after 10 s, {load['rss_end_mb']:.1f} MB at the end "
        f"(growth after 10 s: {load['rss_growth_after_10s_mb']:.1f} MB)"
    )
    handler = handler_soak(args.invocations)
    growth = handler["rss_after_mb"] - handler["rss_before_mb"]
    print(f"students handler, {args.invocations} sequential invocations:")
    print(
        f"  RSS {handler['rss_before_mb']:.1f} MB -> {handler['rss_after_mb']:.1f} MB "
        f"(growth {growth:.2f} MB)"
    )
    checks = {
        "zero errors under load": load["errors"] == 0,
        "server memory flat (< 5 MB growth after 10 s)": load["rss_growth_after_10s_mb"] < 5,
        "handler RSS growth < 5 MB": growth < 5,
    }
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}: {name}")
    raise SystemExit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()

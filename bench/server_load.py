"""Local server: requests per second and p99 under uvicorn, with a bounded load generator.

    .venv/bin/python -m bench.server_load [--seconds 3] [--concurrency 1 8 32]

Starts a MongoDB-wire server and `uvicorn api_core.app:app` (one worker, no access
log) on free loopback ports, seeds students with pymongo, then for each endpoint
and concurrency runs that many keep-alive HTTP/1.1 connections in one asyncio
loop for a fixed time (after a short warm-up), each sending one request at a time.
The reference (b), FastAPI + one async route, runs under uvicorn the same way.
Load generator, server and database share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from api_core.devtools.wire_server import HOST, WireServer, free_port
from bench.common import ROOT, markdown_table, percentile, student_bodies, student_documents

DATABASE = "bench_server"
MAX_REQUESTS = 200_000  # per level, a bound in case a level runs faster than expected


class Server:
    def __init__(self, app: list[str], env: dict[str, str]) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "uvicorn", *app, "--host", HOST]
        command += ["--port", str(self.port), "--no-access-log", "--log-level", "warning"]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as sock:
                if sock.connect_ex((HOST, self.port)) == 0:
                    break
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def _connection(port: int, path: str, until: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    try:
        while time.perf_counter() < until and len(latencies) < MAX_REQUESTS:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()
        await writer.wait_closed()


async def _level(port: int, path: str, concurrency: int, seconds: float) -> dict[str, float]:
    warm: list[float] = []
    until = time.perf_counter() + min(0.5, seconds / 4)
    await asyncio.gather(*(_connection(port, path, until, warm) for _ in range(concurrency)))
    latencies: list[float] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(_connection(port, path, until, latencies) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def run(
    seconds: float = 3.0, levels: tuple[int, ...] = (1, 8, 32), students: int = 1000
) -> dict[str, Any]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    with WireServer() as database, MongoClient(database.uri) as client:
        documents = student_documents(student_bodies(students))
        client[DATABASE].students.insert_many(documents)
        record = str(documents[len(documents) // 2]["_id"])
        env = {
            **os.environ,
            "MONGODB_URI": database.uri,
            "MONGODB_DB": DATABASE,
            "AUTH_MODE": "off",
        }
        env["PYTHONPATH"] = str(ROOT)
        cases = {
            "ours": (
                ["api_core.app:app"],
                {
                    "GET by id": f"/api/students/{record}",
                    "list (first page)": "/api/students",
                },
            ),
            "(b) bare FastAPI": (
                ["--factory", "bench.baselines:make_bare_framework_app"],
                {
                    "GET by id": f"/api/students/{record}",
                },
            ),
        }
        for app_name, (app, paths) in cases.items():
            server = Server(app, env)
            try:
                for endpoint, path in paths.items():
                    label = f"{endpoint}, {app_name}"
                    results[label] = {}
                    for concurrency in levels:
                        results[label][str(concurrency)] = asyncio.run(
                            _level(server.port, path, concurrency, seconds)
                        )
            finally:
                server.stop()
    return {"seconds": seconds, "students": students, "results": results}


def markdown(result: dict[str, Any]) -> str:
    rows = []
    for label, levels in result["results"].items():
        for concurrency, row in levels.items():
            rows.append(
                [
                    label,
                    concurrency,
                    f"{row['rps']:.0f}",
                    f"{row['p50_ms']:.2f}",
                    f"{row['p99_ms']:.2f}",
                    f"{row['requests']:.0f}",
                ]
            )
    return "\n".join(
        [
            f"`uvicorn api_core.app:app`, one worker, {result['seconds']:.1f} s per row "
            f"after a warm-up, {result['students']:,} students; keep-alive connections, "
            "one request in flight per connection. Generator, server and database share "
            "the 2 cores.",
            "",
            markdown_table(
                ["endpoint", "concurrency", "req/s", "p50 ms", "p99 ms", "requests"], rows
            ),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.seconds, tuple(args.concurrency))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(markdown(result))


if __name__ == "__main__":
    main()

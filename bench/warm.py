"""Warm invocations: GET-by-id latency of our functions against the two baselines.

    .venv/bin/python -m bench.warm [--invocations 3000] [--rounds 30]

Starts a MongoDB-wire server on loopback, seeds one record per resource, then
invokes each handler in interleaved rounds (so machine noise hits all alike) and
reports p50/p99 and the ratio of each of our functions to the bare framework (b).
Connections opened after the first invocation are counted from the server
(serverStatus connections.totalCreated), around each handler's block of calls.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from pymongo import MongoClient

from bench.common import run_cli, use_database
from tests.support.events import build_event
from tests.support.lambda_context import FakeLambdaContext
from tests.support.wire_server import WireServer

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def seed() -> dict[str, str]:
    """One record per resource, created through the functions themselves."""
    from functions import courses, enrollments, students

    context = FakeLambdaContext()

    def create(handler: Handler, path: str, body: dict[str, Any]) -> str:
        response = handler(build_event("http_api_v2", "POST", path, body=body), context)
        assert response["statusCode"] == 201, response
        return str(response["headers"]["location"].rsplit("/", 1)[-1])

    student = create(students.handler, "/api/students", {"name": "Ada", "email": "ada@x.edu"})
    course = create(courses.handler, "/api/courses", {"code": "CS1", "title": "T", "credits": 5})
    enrollment = create(
        enrollments.handler,
        "/api/enrollments",
        {"student_id": student, "course_id": course, "term": "2026-FALL"},
    )
    return {"students": student, "courses": course, "enrollments": enrollment}


def measure(handler: Handler, event: dict[str, Any], count: int) -> list[float]:
    context = FakeLambdaContext()
    samples = []
    gc.collect()
    for _ in range(count):
        started = time.perf_counter()
        response = handler(event, context)
        samples.append(time.perf_counter() - started)
        if response["statusCode"] != 200:
            raise RuntimeError(f"unexpected response {response}")
    return samples


def run(invocations: int, rounds: int) -> dict[str, dict[str, float]]:
    with WireServer() as server:
        use_database(MONGODB_URI=server.uri, MONGODB_DB="bench_warm")
        import logging

        from bench.baselines import make_bare_framework_handler, make_handwritten_handler
        from functions import courses, enrollments, students

        logging.getLogger("api_core").setLevel(logging.WARNING)  # no log line per call
        with MongoClient(server.uri) as monitor:
            ids = seed()
            candidates: dict[str, tuple[Handler, str]] = {
                "(a) hand-written": (make_handwritten_handler(), "students"),
                "(b) bare FastAPI+Mangum": (make_bare_framework_handler(), "students"),
                "students": (students.handler, "students"),
                "courses": (courses.handler, "courses"),
                "enrollments": (enrollments.handler, "enrollments"),
            }
            events = {
                name: build_event("http_api_v2", "GET", f"/api/{res}/{ids[res]}")
                for name, (_, res) in candidates.items()
            }
            for name, (handler, _) in candidates.items():  # warm every handler up
                measure(handler, events[name], 50)

            def total_connections() -> int:
                return int(monitor.admin.command("serverStatus")["connections"]["totalCreated"])

            connections_before = total_connections()
            samples: dict[str, list[float]] = {name: [] for name in candidates}
            opened = dict.fromkeys(candidates, 0)
            for _ in range(rounds):
                for name, (handler, _) in candidates.items():
                    before = total_connections()
                    samples[name] += measure(handler, events[name], invocations // rounds)
                    opened[name] += total_connections() - before
            connections_opened = total_connections() - connections_before

    floor_samples = samples["(b) bare FastAPI+Mangum"]
    floor = statistics.median(floor_samples)
    results = {
        name: {
            "p50_ms": statistics.median(values) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
            "ratio_to_b": statistics.median(values) / floor,
            "p99_ratio_to_b": percentile(values, 0.99) / percentile(floor_samples, 0.99),
            "connections_per_1000": opened[name] * 1000 / len(values),
        }
        for name, values in samples.items()
    }
    results["_meta"] = {
        "connections_opened_while_warm": float(connections_opened),
        "invocations_per_handler": float(invocations),
    }
    return results


def report(results: dict[str, dict[str, float]]) -> str:
    results = dict(results)
    meta = results.pop("_meta")
    lines = [
        f"Warm GET-by-id, {int(meta['invocations_per_handler'])} invocations per handler, "
        f"Python {sys.version.split()[0]}",
        "",
        "| handler | p50 ms | p99 ms | p50 / (b) | p99 / (b) | connections opened per 1,000 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['p50_ms']:.3f} | {row['p99_ms']:.3f} | {row['ratio_to_b']:.2f} "
            f"| {row['p99_ratio_to_b']:.2f} | {row['connections_per_1000']:.1f} |"
        )
    lines += [
        "",
        f"Connections opened during the measured warm invocations (all handlers): "
        f"{int(meta['connections_opened_while_warm'])}",
    ]
    return "\n".join(lines)


def main() -> None:
    run_cli(__doc__, run, report)


if __name__ == "__main__":
    main()

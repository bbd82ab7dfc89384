"""Warm invocations: GET-by-id latency of our functions against the two baselines.

    .venv/bin/python -m bench.warm [--invocations 3000] [--rounds 30]

Starts a MongoDB-wire server on loopback, seeds one record per resource, then
invokes each handler in interleaved rounds (so machine noise hits all alike) and
reports p50/p99 and the ratio of each of our functions to the bare framework (b).

Our functions run their production path: authentication as deployed (AUTH_MODE=
gateway, the event carrying a reader's claims as API Gateway's JWT authorizer
passes them), and their JSON line per request with its metrics (EMF), written to
/dev/null (formatting and the write are measured; no reader is). (a) and (b) log
nothing and ignore the claims.

The ratio's spread: each round gives a p50 per handler and so a ratio per round;
the report gives the median of those and its 95% confidence interval (order
statistics of the rounds' ratios), and a target counts as met only when the whole
interval is within it.

Connections opened after the first invocation are counted from the server
(serverStatus connections.totalCreated), around each handler's block of calls.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from pymongo import MongoClient

from api_core.devtools.claims import CLIENT_ID, STAFF, STUDENT
from api_core.devtools.events import build_event
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.wire_server import WireServer
from bench.common import run_cli, use_database

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
REFERENCE = "(b) bare FastAPI+Mangum"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float]:
    """A distribution-free confidence interval for the median of `values`.

    The k-th smallest and k-th largest values, k the largest for which the chance
    that fewer than k of n values fall below the median (Binomial(n, 1/2)) is at
    most (1 - confidence) / 2.
    """
    ordered, n = sorted(values), len(values)
    tail, k = 0.0, 0
    while k < n // 2:
        tail += math.comb(n, k) / 2**n
        if tail > (1 - confidence) / 2:
            break
        k += 1
    k = max(k, 1)
    return ordered[k - 1], ordered[n - k]


def per_round_difference(
    minuend: list[float], subtrahend: list[float], scale: float = 1e6
) -> tuple[float, float, float]:
    """Round by round, minuend - subtrahend (seconds, times `scale`: µs by default):
    the median of those differences, then its 95% confidence interval."""
    differences = [(a - b) * scale for a, b in zip(minuend, subtrahend, strict=True)]
    low, high = median_interval(differences)
    return statistics.median(differences), low, high


def use_production_auth() -> None:
    """AUTH_MODE=gateway, as template.yaml deploys the functions."""
    os.environ.update(AUTH_MODE="gateway", AUTH_AUDIENCE=CLIENT_ID)


def seed() -> dict[str, str]:
    """One record per resource, created through the functions themselves, as staff."""
    from functions import courses, enrollments, students

    context = FakeLambdaContext()

    def create(handler: Handler, path: str, body: dict[str, Any]) -> str:
        event = build_event("http_api_v2", "POST", path, body=body, claims=STAFF)
        response = handler(event, context)
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


def lines_to_devnull() -> None:
    """Our functions' log lines, the request lines among them, to /dev/null."""
    sink = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
    for handler in logging.getLogger("api_core").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)


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
        use_production_auth()
        from bench.baselines import make_bare_framework_handler, make_handwritten_handler
        from functions import courses, enrollments, students

        lines_to_devnull()
        with MongoClient(server.uri) as monitor:
            ids = seed()
            candidates: dict[str, tuple[Handler, str]] = {
                "(a) hand-written": (make_handwritten_handler(), "students"),
                REFERENCE: (make_bare_framework_handler(), "students"),
                "students": (students.handler, "students"),
                "courses": (courses.handler, "courses"),
                "enrollments": (enrollments.handler, "enrollments"),
            }
            events = {
                name: build_event("http_api_v2", "GET", f"/api/{res}/{ids[res]}", claims=STUDENT)
                for name, (_, res) in candidates.items()
            }
            for name, (handler, _) in candidates.items():  # warm every handler up
                measure(handler, events[name], 50)

            def total_connections() -> int:
                return int(monitor.admin.command("serverStatus")["connections"]["totalCreated"])

            connections_before = total_connections()
            samples: dict[str, list[float]] = {name: [] for name in candidates}
            round_p50s: dict[str, list[float]] = {name: [] for name in candidates}
            opened = dict.fromkeys(candidates, 0)
            for _ in range(rounds):
                for name, (handler, _) in candidates.items():
                    before = total_connections()
                    taken = measure(handler, events[name], max(1, invocations // rounds))
                    opened[name] += total_connections() - before
                    samples[name] += taken
                    round_p50s[name].append(statistics.median(taken))
            connections_opened = total_connections() - connections_before

    floor_samples = samples[REFERENCE]
    floor = statistics.median(floor_samples)
    results: dict[str, dict[str, float]] = {}
    for name, values in samples.items():
        pairs = zip(round_p50s[name], round_p50s[REFERENCE], strict=True)
        ratios = [ours / bare for ours, bare in pairs]
        low, high = median_interval(ratios)
        results[name] = {
            "p50_ms": statistics.median(values) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
            "ratio_to_b": statistics.median(values) / floor,
            "round_ratio_median": statistics.median(ratios),
            "round_ratio_low": low,
            "round_ratio_high": high,
            "p99_ratio_to_b": percentile(values, 0.99) / percentile(floor_samples, 0.99),
            "connections_per_1000": opened[name] * 1000 / len(values),
        }
    results["_meta"] = {
        "connections_opened_while_warm": float(connections_opened),
        "invocations_per_handler": float(invocations),
        "rounds": float(rounds),
    }
    return results


def report(results: dict[str, dict[str, float]]) -> str:
    results = dict(results)
    meta = results.pop("_meta")
    lines = [
        f"Warm GET-by-id, {int(meta['invocations_per_handler'])} invocations per handler in "
        f"{int(meta.get('rounds', 0))} interleaved rounds, Python {sys.version.split()[0]}. "
        "Ours: AUTH_MODE=gateway with a reader's claims, the request line and its "
        "metrics written (to /dev/null).",
        "",
        "| handler | p50 ms | p99 ms | p50 / (b) | per round: median, 95% CI | p99 / (b) "
        "| connections opened per 1,000 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        spread = (
            f"{row['round_ratio_median']:.3f} ({row['round_ratio_low']:.3f}–"
            f"{row['round_ratio_high']:.3f})"
            if "round_ratio_median" in row
            else "-"
        )
        lines.append(
            f"| {name} | {row['p50_ms']:.3f} | {row['p99_ms']:.3f} | {row['ratio_to_b']:.3f} "
            f"| {spread} | {row['p99_ratio_to_b']:.2f} | {row['connections_per_1000']:.1f} |"
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

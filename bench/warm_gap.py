"""Where the warm gap to (b) goes: variants of the students GET-by-id, side by side.

    .venv/bin/python -m bench.warm_gap [--invocations 3000] [--rounds 30]

Each variant is built here from api_core's own pieces with one thing taken away
(nothing in api_core changes), and all run interleaved against one seeded
MongoDB-wire server, as in bench.warm:

- ours: functions/students.py as deployed (its per-request log line off, as in bench.warm)
- ours + log line: the same plus the JSON log line it writes per request at INFO (to /dev/null)
- without the guards: the students router and error handlers only, no RequestGuard/RequestDeadline
- one dependency: the guards kept, the GET route takes a Repository from one
  dependency that awaits get_database() itself (today: route -> repository -> get_database)
- no dependency: the GET route builds its Repository itself
"""

# No `from __future__ import annotations`: FastAPI reads the route annotations below at
# runtime, and they name classes imported inside _variants().

import logging
import os
import statistics
from typing import Annotated, Any

from bench.common import markdown_table, percentile, run_cli, use_database
from tests.support.events import build_event
from tests.support.wire_server import WireServer


def _variants() -> dict[str, Any]:
    from fastapi import APIRouter, Depends, FastAPI, Response
    from mangum import Mangum

    from api_core.database import get_database
    from api_core.errors import register_error_handlers
    from api_core.factory import create_app
    from api_core.ids import parse_id
    from api_core.repository import Repository
    from api_core.resources import STUDENTS
    from api_core.router import _record_response, build_router
    from bench.baselines import make_bare_framework_handler
    from functions import students

    def mangum(app: FastAPI) -> Any:
        return Mangum(app, lifespan="off")

    unguarded = FastAPI()
    unguarded.include_router(build_router(STUDENTS))
    register_error_handlers(unguarded)

    async def repository() -> Repository:
        return Repository(STUDENTS, await get_database())

    one_dependency = APIRouter(prefix="/api/students")

    @one_dependency.get("/{id}")
    async def get_one(id: str, repo: Annotated[Repository, Depends(repository)]) -> Response:
        return _record_response(await repo.get(parse_id(id)))

    no_dependency = APIRouter(prefix="/api/students")

    @no_dependency.get("/{id}")
    async def get_none(id: str) -> Response:
        repo = Repository(STUDENTS, await get_database())
        return _record_response(await repo.get(parse_id(id)))

    # The log line api_core/lambda_handler.py writes per request, through the same
    # JSON formatter, on a logger of its own (toggling the shared logger's level
    # would clear every logger's cache on each call and cost more than the line).
    from api_core.logs import JsonFormatter

    line_logger = logging.Logger("api_core.requests")
    sink = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the run
    sink.setFormatter(JsonFormatter())
    line_logger.addHandler(sink)

    def with_log_line(event: dict[str, Any], context: Any) -> dict[str, Any]:
        response: dict[str, Any] = students.handler(event, context)
        line_logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": context.aws_request_id,
                    "cold_start": False,
                    "method": "GET",
                    "path": event["rawPath"],
                    "status": response["statusCode"],
                    "duration_ms": 1.23,
                }
            },
        )
        return response

    return {
        "(b) bare FastAPI+Mangum": make_bare_framework_handler(),
        "ours": students.handler,
        "ours + log line": with_log_line,
        "without the guards": mangum(unguarded),
        "one dependency": mangum(create_app([one_dependency])),
        "no dependency": mangum(create_app([no_dependency])),
    }


def run(invocations: int, rounds: int) -> dict[str, dict[str, float]]:
    from bench.warm import measure, seed

    with WireServer() as server, open(os.devnull, "w") as devnull:
        use_database(MONGODB_URI=server.uri, MONGODB_DB="bench_gap", LOG_LEVEL="WARNING")
        ids = seed()
        for handler in logging.getLogger("api_core").handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(devnull)
        variants = _variants()
        event = build_event("http_api_v2", "GET", f"/api/students/{ids['students']}")
        for handler in variants.values():
            measure(handler, event, 100)
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, handler in variants.items():
                samples[name] += measure(handler, event, invocations // rounds)
    floor = statistics.median(samples["(b) bare FastAPI+Mangum"])
    ours = statistics.median(samples["ours"])
    return {
        name: {
            "p50_ms": statistics.median(values) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
            "ratio_to_b": statistics.median(values) / floor,
            "saving_us": (ours - statistics.median(values)) * 1e6,
        }
        for name, values in samples.items()
    }


def markdown(result: dict[str, dict[str, float]]) -> str:
    return markdown_table(
        ["variant of students GET-by-id", "p50 ms", "p99 ms", "p50 / (b)", "p50 saved vs ours, µs"],
        [
            [
                name,
                f"{r['p50_ms']:.3f}",
                f"{r['p99_ms']:.3f}",
                f"{r['ratio_to_b']:.2f}",
                "-" if name.startswith("(b)") or name == "ours" else f"{r['saving_us']:.0f}",
            ]
            for name, r in result.items()
        ],
    )


def main() -> None:
    run_cli(__doc__, run, markdown)


if __name__ == "__main__":
    main()

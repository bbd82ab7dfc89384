"""Where the warm gap to (b) goes: variants of the students GET-by-id, side by side.

    .venv/bin/python -m bench.warm_gap [--invocations 3000] [--rounds 30]

Each variant is built here from api_core's own pieces with one thing taken away
(nothing in api_core changes), and all run interleaved against one seeded
MongoDB-wire server, as in bench.warm: authentication as deployed (gateway mode,
a reader's claims in the event), log lines to /dev/null.

- ours: functions/students.py as deployed
- without the handler's line: Mangum over the same app, without our handler (its
  request line with the metrics, the invocation fields for the other lines)
- without the deadline: no RequestDeadline (the driver's deadline and the hard stop)
- without the body guard: no RequestGuard
- without the access dependency: the GET route without SignedIn
- one dependency for access and database: the GET route's one dependency checks the
  caller and returns the database (what merging the two would save)
- without any dependency: the GET route takes its database from the settings itself
- only the driver's deadline / only the hard stop: RequestDeadline's two halves alone

The variants after the first are Mangum over an app, without our handler: what each
saves is measured against "without the handler's line" (the same app, nothing taken
away), and that one against ours. A saving is taken per round (each round's p50s
subtracted) and reported as the median of the rounds with its 95% confidence
interval: single figures here move by tens of µs from one run to the next.
"""

# No `from __future__ import annotations`: FastAPI reads the route annotations below at
# runtime, and they name classes imported inside _variants().

import asyncio
import statistics
from typing import Annotated, Any

from api_core.devtools.claims import STUDENT
from api_core.devtools.events import build_event
from api_core.devtools.wire_server import WireServer
from bench.common import markdown_table, percentile, run_cli, use_database

REFERENCE = "(b) bare FastAPI+Mangum"
OURS = "ours"
WITHOUT_LINE = "without the handler's line"


def compared_with(variant: str) -> str | None:
    """What taking the variant's piece away is measured against."""
    if variant in (REFERENCE, OURS):
        return None
    return OURS if variant == WITHOUT_LINE else WITHOUT_LINE


def _variants() -> dict[str, Any]:
    import pymongo
    from fastapi import APIRouter, FastAPI, Request, Response, Security
    from mangum import Mangum
    from starlette.types import Receive, Scope, Send

    from api_core.auth import _AccessCheck, caller
    from api_core.database import Database, DatabaseDep, RequestDeadline, database_for
    from api_core.errors import register_error_handlers
    from api_core.factory import add_routes
    from api_core.guard import RequestGuard
    from api_core.ids import parse_id
    from api_core.repository import repository_of
    from api_core.resources import STUDENTS
    from api_core.router import _record_response, build_router
    from api_core.settings import get_settings, settings_of
    from bench.baselines import make_bare_framework_handler
    from functions import students

    settings = get_settings()
    repository = repository_of(STUDENTS)

    class DriverDeadlineOnly(RequestDeadline):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            with pymongo.timeout(self.seconds):
                await self.app(scope, receive, send)

    class HardStopOnly(RequestDeadline):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, send)

    def app(
        router: APIRouter, guard: bool = True, deadline: type[RequestDeadline] | None = None
    ) -> Any:
        """create_app's app for one router, optionally without one of its middleware."""
        built = FastAPI()
        built.state.settings = settings
        add_routes(built, router)
        register_error_handlers(built, settings)
        if deadline is not None:
            seconds = settings.mongodb_timeout_ms / 1000
            built.add_middleware(deadline, seconds=seconds, retry_after_s=5)
        if guard:
            built.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
        return Mangum(built, lifespan="off")

    no_access = APIRouter(prefix="/api/students")

    @no_access.get("/{id}")
    async def get_unguarded(id: str, database: DatabaseDep) -> Response:
        return _record_response(await repository(database).get(parse_id(id)))

    class DatabaseForCaller(_AccessCheck):
        async def __call__(self, request: Request) -> Database:  # type: ignore[override]
            await caller(request, self.staff)
            return database_for(settings_of(request))

    ReaderDatabase = Annotated[Database, Security(DatabaseForCaller(staff=False))]
    one_dependency = APIRouter(prefix="/api/students")

    @one_dependency.get("/{id}")
    async def get_combined(id: str, database: ReaderDatabase) -> Response:
        return _record_response(await repository(database).get(parse_id(id)))

    no_dependency = APIRouter(prefix="/api/students")

    @no_dependency.get("/{id}")
    async def get_plain(id: str) -> Response:
        record = await repository(database_for(settings)).get(parse_id(id))
        return _record_response(record)

    return {
        REFERENCE: make_bare_framework_handler(),
        OURS: students.handler,
        WITHOUT_LINE: app(build_router(STUDENTS), deadline=RequestDeadline),
        "without the deadline": app(build_router(STUDENTS)),
        "only the driver's deadline": app(build_router(STUDENTS), deadline=DriverDeadlineOnly),
        "only the hard stop": app(build_router(STUDENTS), deadline=HardStopOnly),
        "without the body guard": app(build_router(STUDENTS), False, RequestDeadline),
        "without the access dependency": app(no_access, deadline=RequestDeadline),
        "one dependency for access and database": app(one_dependency, deadline=RequestDeadline),
        "without any dependency": app(no_dependency, deadline=RequestDeadline),
    }


def run(invocations: int, rounds: int) -> dict[str, dict[str, float]]:
    from bench.warm import (
        lines_to_devnull,
        measure,
        per_round_difference,
        seed,
        use_production_auth,
    )

    with WireServer() as server:
        use_database(MONGODB_URI=server.uri, MONGODB_DB="bench_gap")
        use_production_auth()
        ids = seed()
        variants = _variants()
        lines_to_devnull()
        event = build_event(
            "http_api_v2", "GET", f"/api/students/{ids['students']}", claims=STUDENT
        )
        for handler in variants.values():
            measure(handler, event, 100)
        samples: dict[str, list[float]] = {name: [] for name in variants}
        round_p50s: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, handler in variants.items():
                taken = measure(handler, event, invocations // rounds)
                samples[name] += taken
                round_p50s[name].append(statistics.median(taken))
    floor = statistics.median(samples[REFERENCE])
    results = {}
    for name, values in samples.items():
        base = compared_with(name) or name
        saving, low, high = per_round_difference(round_p50s[base], round_p50s[name])
        results[name] = {
            "p50_ms": statistics.median(values) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
            "ratio_to_b": statistics.median(values) / floor,
            "saving_us": saving,
            "saving_low_us": low,
            "saving_high_us": high,
        }
    return results


def markdown(result: dict[str, dict[str, float]]) -> str:
    return markdown_table(
        [
            "variant of students GET-by-id",
            "p50 ms",
            "p99 ms",
            "p50 / (b)",
            "p50 saved per round, µs: median (95% CI)",
            "against",
        ],
        [
            [
                name,
                f"{r['p50_ms']:.3f}",
                f"{r['p99_ms']:.3f}",
                f"{r['ratio_to_b']:.2f}",
                "-"
                if compared_with(name) is None
                else f"{r['saving_us']:.0f} ({r['saving_low_us']:.0f}–{r['saving_high_us']:.0f})",
                compared_with(name) or "-",
            ]
            for name, r in result.items()
        ],
    )


def main() -> None:
    run_cli(__doc__, run, markdown)


if __name__ == "__main__":
    main()

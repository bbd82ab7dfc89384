"""A 500-student roster: one request against the requests the page made before, and
the join ($lookup) against two queries (find, then students by `$in`), side by side.

    .venv/bin/python -m bench.roster [--repetitions 10]

One seeded MongoDB-wire server (SecantusDB: its timings are the test server's, not
MongoDB's). In every repetition each variant runs once, in turn, so that the load
of the shared machine falls on all of them alike; ratios are taken per repetition,
and their median and range (min-max) reported.

- one request: GET /api/courses/{id}/roster?limit=500 through the courses function
- per student (before): what public/js/views/enrollments.js did: every page of
  GET /api/enrollments?course_id= (limit 100), then GET /api/students/{id} for each
  student, through the functions in process (no network, no throttle: the real cost
  was higher)
- $lookup / find + $in: the two ways to join a page of 500 enrollments to their
  students, as pymongo queries
- grade 200 rows: read the roster, then PATCH /api/courses/{id}/roster with 200
  changed grades (the save alone is reported too)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api_core.devtools.events import build_event, response_json
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.loops import run_in_own_loop
from api_core.devtools.rosters import seed_roster
from api_core.devtools.wire_server import WireServer
from api_core.migrate import migrate_configured_database
from api_core.settings import get_settings
from bench.common import machine, markdown_table, use_database
from bench.warm import lines_to_devnull

SIZE = 500
GRADED = 200  # the most one grading request takes
DATABASE = "bench_roster"
grading: list[float] = []  # the save alone, of each grade_200


def _call(handler: Any, path: str, query: dict[str, str] | None = None) -> Any:
    response = handler(build_event("http_api_v2", "GET", path, query=query), FakeLambdaContext())
    if response["statusCode"] != 200:
        raise RuntimeError(f"unexpected response {response}")
    return response_json(response)


def _variants(uri: str, course_id: str) -> dict[str, Callable[[], int]]:
    """Each variant does its work and returns how many requests (or queries) it took."""
    from bson import ObjectId
    from pymongo import MongoClient

    from functions import courses, enrollments, students

    def one_request() -> int:
        page = _call(courses.handler, f"/api/courses/{course_id}/roster", {"limit": str(SIZE)})
        assert len(page["items"]) == SIZE
        return 1

    def per_student() -> int:
        requests, items, cursor = 0, [], None
        while True:
            query = {
                "course_id": course_id,
                "limit": "100",
                **({"cursor": cursor} if cursor else {}),
            }
            page = _call(enrollments.handler, "/api/enrollments", query)
            requests += 1
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        for item in items:
            _call(students.handler, f"/api/students/{item['student_id']}")
            requests += 1
        assert len(items) == SIZE
        return requests

    db = MongoClient(uri, tz_aware=True)[DATABASE]
    criteria = {"course_id": ObjectId(course_id)}

    def lookup() -> int:
        rows = list(
            db.enrollments.aggregate(
                [
                    {"$match": criteria},
                    {"$sort": {"_id": 1}},
                    {"$limit": SIZE + 1},
                    {
                        "$lookup": {
                            "from": "students",
                            "localField": "student_id",
                            "foreignField": "_id",
                            "as": "student",
                        }
                    },
                    {"$project": {"term": 1, "grade": 1, "version": 1, "student.name": 1}},
                ],
                batchSize=SIZE + 1,
            )
        )
        assert len(rows) == SIZE
        return 1

    def find_then_in() -> int:
        page = list(
            db.enrollments.find(criteria).sort("_id", 1).limit(SIZE + 1).batch_size(SIZE + 1)
        )
        ids = [row["student_id"] for row in page]
        found = list(db.students.find({"_id": {"$in": ids}}, {"name": 1}).batch_size(SIZE))
        assert len(found) == SIZE
        return 2

    def grade_200() -> int:
        path = f"/api/courses/{course_id}/roster"
        rows = _call(courses.handler, path, {"limit": str(GRADED)})["items"]
        grade = "B" if rows[0]["grade"] == "A" else "A"
        body = {"grades": [{**_row(row), "grade": grade} for row in rows]}
        started = time.perf_counter()
        event = build_event("http_api_v2", "PATCH", path, body=body)
        reply = response_json(courses.handler(event, FakeLambdaContext()))
        grading.append(time.perf_counter() - started)
        assert reply["saved"] == GRADED, reply
        return 2

    return {
        "one request": one_request,
        "per student (before)": per_student,
        "$lookup": lookup,
        "find + $in": find_then_in,
        f"grade {GRADED} rows (read, then one save)": grade_200,
    }


def _row(item: dict[str, Any]) -> dict[str, Any]:
    return {"enrollment_id": item["enrollment_id"], "version": item["version"]}


def run(repetitions: int) -> dict[str, Any]:
    with WireServer() as server:
        use_database(MONGODB_URI=server.uri, MONGODB_DB=DATABASE, LOG_LEVEL="WARNING")
        run_in_own_loop(migrate_configured_database(get_settings()))
        people = [(f"Student {n:03}", f"student{n}@bench.example") for n in range(SIZE)]
        course_id, _ = seed_roster(server.uri, DATABASE, "BENCH500", people, "2026-FALL")
        variants = _variants(server.uri, course_id)
        lines_to_devnull()  # the functions' request lines
        requests = {name: work() for name, work in variants.items()}  # warm-up, and the counts
        seconds: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(repetitions):
            for name, work in variants.items():
                started = time.perf_counter()
                work()
                seconds[name].append(time.perf_counter() - started)
    ratios = {
        "per student / one request": _ratios(
            seconds["per student (before)"], seconds["one request"]
        ),
        "find + $in / $lookup": _ratios(seconds["find + $in"], seconds["$lookup"]),
    }
    saves = grading[1:]  # without the warm-up's
    return {
        "machine": machine(),
        "requests": requests,
        "seconds": seconds,
        "ratios": ratios,
        "grading_save_ms": [round(x * 1000, 1) for x in saves],
    }


def _ratios(slow: list[float], fast: list[float]) -> dict[str, float]:
    per_repetition = [s / f for s, f in zip(slow, fast, strict=True)]
    return {
        "median": statistics.median(per_repetition),
        "min": min(per_repetition),
        "max": max(per_repetition),
    }


def markdown(result: dict[str, Any]) -> str:
    rows = [
        [
            name,
            str(result["requests"][name]),
            f"{statistics.median(values) * 1000:.0f}",
            f"{min(values) * 1000:.0f}-{max(values) * 1000:.0f}",
        ]
        for name, values in result["seconds"].items()
    ]
    table = markdown_table(
        ["500-student roster", "requests / queries", "median ms", "range ms"], rows
    )
    ratios = markdown_table(
        ["ratio, per repetition", "median", "range"],
        [
            [name, f"{r['median']:.1f}", f"{r['min']:.1f}-{r['max']:.1f}"]
            for name, r in result["ratios"].items()
        ],
    )
    saves = result["grading_save_ms"]
    grading = (
        f"The save of {GRADED} grades alone (one PATCH): median {statistics.median(saves):.0f} ms, "
        f"range {min(saves):.0f}-{max(saves):.0f} ms over {len(saves)} repetitions."
    )
    return f"{table}\n\n{ratios}\n\n{grading}\n\nMachine: {result['machine']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.repetitions)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(markdown(result))  # noqa: T201 - the benchmark's report


if __name__ == "__main__":
    main()

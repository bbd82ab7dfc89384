"""List latency against collection size, and proof of the query shapes behind it.

    .venv/bin/python -m bench.scaling [--sizes 1000 10000 100000]

Grows one students collection to each size (inserted directly with pymongo, with
the fields our repository writes), then times three lists through the students
Lambda handler: the first page, a deep page (after following 50 cursors) and a
`q` search; and, side by side in each round, the first page against the first page
by name, a deep page by name and a counted first page (`count=true`). These timings
are the test server's (SecantusDB), whose planner is not MongoDB's; what carries
over to MongoDB is the shape of each query, which is recorded (command monitoring)
and checked against the declared indexes, and explained by the server.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from api_core.devtools.events import build_event, response_json
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.devtools.shapes import recording, summarize
from api_core.devtools.wire_server import WireServer
from api_core.resources import STUDENTS
from api_core.search import search_filter
from api_core.settings import Settings, get_settings
from bench.common import markdown_table, median, student_bodies, student_documents, use_database

DATABASE = "bench_scaling"
PAGE = 20
SEARCH = "mar"  # Maria, Marco: about one student in 18 matches
DEPTH = 50  # cursors followed to reach the deep page


def _invoke(path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    from functions import students

    response = students.handler(
        build_event("http_api_v2", "GET", path, query=query), FakeLambdaContext()
    )
    if response["statusCode"] != 200:
        raise RuntimeError(f"GET {path} {query}: {response}")
    return response


def _migrate() -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "api_core.migrate"], check=True, capture_output=True)


def _timed(query: dict[str, str], repetitions: int) -> float:
    samples = []
    for _ in range(repetitions):
        started = time.perf_counter()
        _invoke("/api/students", query)
        samples.append(time.perf_counter() - started)
    return median(samples) * 1000


def _follow(pages: int) -> str:
    cursor = None
    for _ in range(pages):
        page = response_json(_invoke("/api/students", {"cursor": cursor} if cursor else None))
        cursor = page["next_cursor"]
        assert cursor is not None, "the collection ran out of pages"
    return str(cursor)


def _side_by_side(deep_by_name: str, repetitions: int) -> dict[str, Any]:
    """Each round times every variant once, in turn; ratios are per round, to the plain
    first page of the same round, so that load on the machine hits both alike."""
    variants = {
        "first_page": {},
        "by_name": {"sort": "name"},
        "deep_by_name": {"sort": "name", "cursor": deep_by_name},
        "counted": {"count": "true"},
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repetitions):
        for name, query in variants.items():
            started = time.perf_counter()
            _invoke("/api/students", query)
            samples[name].append(time.perf_counter() - started)
    result: dict[str, Any] = {f"{name}_ms": median(s) * 1000 for name, s in samples.items()}
    for name in list(variants)[1:]:
        ratios = sorted(a / b for a, b in zip(samples[name], samples["first_page"], strict=True))
        result[f"{name}_ratio"] = {"median": median(ratios), "min": ratios[0], "max": ratios[-1]}
    return result


def _deep_cursor_by_name(documents: list[dict[str, Any]], depth: int) -> str:
    """The cursor after `depth` pages by name, as the API would hand it out."""
    from api_core.ids import encode_cursor

    order = sorted((d["name_order"], d["_id"]) for d in documents)
    value, last_id = order[depth * PAGE - 1]
    return encode_cursor(last_id, "name", value)


def exercise_every_list(settings: Settings) -> None:
    """Every list and read the API offers, each with and without a cursor, on a small set."""
    from api_core.lambda_handler import resource_handler
    from api_core.resources import COURSES, ENROLLMENTS, STUDENTS

    students, courses, enrollments = (
        resource_handler(resource, settings) for resource in (STUDENTS, COURSES, ENROLLMENTS)
    )
    context = FakeLambdaContext()

    def call(handler: Any, method: str, path: str, **kwargs: Any) -> Any:
        response = handler(build_event("http_api_v2", method, path, **kwargs), context)
        assert response["statusCode"] in (200, 201), response
        return response_json(response)

    student_ids = [
        call(
            students,
            "POST",
            "/api/students",
            body={
                "name": f"Shape Tester {n}",
                "email": f"shape.tester.{n}@example.edu",
                "program": "Physics",
            },
        )["id"]
        for n in range(PAGE + 2)
    ]
    course_ids = [
        call(
            courses,
            "POST",
            "/api/courses",
            body={"code": f"SH{n:03d}", "title": "Shapes", "credits": 5},
        )["id"]
        for n in range(PAGE + 2)
    ]
    for course in course_ids:
        call(
            enrollments,
            "POST",
            "/api/enrollments",
            body={"student_id": student_ids[0], "course_id": course, "term": "2026-FALL"},
        )
    lists = [
        (students, "/api/students", {}),
        (students, "/api/students", {"q": "shape"}),
        (students, "/api/students", {"q": "SHAPE.TESTER.1"}),
        (students, "/api/students", {"q": "tester"}),  # a later word of the name
        (students, "/api/students", {"q": "shape tes"}),  # several words: each must match
        (students, "/api/students", {"q": "shape.tester.1@example"}),  # a word > 16 characters
        (students, "/api/students", {"q": "physics"}),  # the program
        (students, "/api/students", {"sort": "name"}),
        (students, "/api/students", {"count": "true"}),
        (students, "/api/students", {"q": "shape", "count": "true"}),
        (courses, "/api/courses", {"sort": "code"}),
        (courses, "/api/courses", {}),
        (courses, "/api/courses", {"q": "sh0"}),
        (courses, "/api/courses", {"q": "sh 001"}),
        (enrollments, "/api/enrollments", {}),
        (enrollments, "/api/enrollments", {"student_id": student_ids[0]}),
        (enrollments, "/api/enrollments", {"course_id": course_ids[0], "count": "true"}),
        (
            enrollments,
            "/api/enrollments",
            {"student_id": student_ids[0], "course_id": course_ids[0]},
        ),
    ]
    for handler, path, query in lists:
        page = call(handler, "GET", path, query={**query, "limit": "2"})
        if page["next_cursor"]:
            call(handler, "GET", path, query={**query, "limit": "2", "cursor": page["next_cursor"]})
    call(students, "GET", f"/api/students/{student_ids[1]}")
    call(courses, "GET", f"/api/courses/{course_ids[1]}")


def _explain(client: MongoClient[dict[str, Any]], find: dict[str, Any]) -> dict[str, Any]:
    command = {"find": find["collection"], "filter": find["filter"], "sort": find["sort"]}
    if find.get("limit"):
        command["limit"] = find["limit"]
    try:
        explained = client[DATABASE].command({"explain": command, "verbosity": "executionStats"})
    except Exception as error:  # noqa: BLE001 - the server may not explain every shape
        return {"error": str(error)[:200]}
    stages = []
    stage = explained.get("queryPlanner", {}).get("winningPlan", {})
    while stage:
        stages.append(
            stage.get("stage", "?") + (f"({stage['indexName']})" if "indexName" in stage else "")
        )
        stage = stage.get("inputStage") or (stage.get("inputStages") or [None])[0]
    stats = explained.get("executionStats", {})
    return {
        "plan": " > ".join(stages),
        "keys_examined": stats.get("totalKeysExamined"),
        "docs_examined": stats.get("totalDocsExamined"),
        "returned": stats.get("nReturned"),
    }


def search_index_entries(count: int = 1000) -> dict[str, Any]:
    """Index entries the search copies add per student (one per stored prefix), over
    `count` of the benchmark's students; beside them, what the prefixes of the whole
    name and email (before issue 12) came to. Counted, not timed: no noise."""
    from api_core.search import PREFIX_LENGTH, fold, prefixed

    documents = student_documents(student_bodies(count))
    entries = [sum(len(d.get(prefixed(f), ())) for f in STUDENTS.search_fields) for d in documents]
    before = [
        sum(min(len(fold(d[f])), PREFIX_LENGTH) for f in ("name", "email")) for d in documents
    ]
    return {
        "records": count,
        "mean": sum(entries) / count,
        "min": min(entries),
        "max": max(entries),
        "before_mean": sum(before) / count,
    }


def run(sizes: list[int], repetitions: int = 5) -> dict[str, Any]:
    with WireServer() as server:
        # At 100k the test server's scan-and-sort pages outlast the API's 5 s operation
        # budget, and block its answers to pymongo's heartbeats past the 2 s connect
        # budget (pymongo then clears the pool: "operation cancelled"). Allow the most
        # the settings do, so the run measures the pages instead of failing.
        use_database(
            MONGODB_URI=server.uri,
            MONGODB_DB=DATABASE,
            LOG_LEVEL="WARNING",
            MONGODB_TIMEOUT_MS="60000",
        )
        with recording() as recorder, MongoClient(server.uri) as client:
            _migrate()  # the deploy step creates the indexes, as in production
            rows, ids, inserted = [], [], 0
            stored: list[dict[str, Any]] = []
            insert_seconds = 0.0
            finds_before_timing = len(recorder.finds)
            for size in sizes:
                started = time.perf_counter()
                while inserted < size:
                    count = min(5000, size - inserted)
                    documents = student_documents(student_bodies(count, start=inserted))
                    client[DATABASE].students.insert_many(documents, ordered=False)
                    ids += [document["_id"] for document in documents]
                    stored += [{k: d[k] for k in ("_id", "name_order")} for d in documents]
                    inserted += count
                insert_seconds += time.perf_counter() - started
                from api_core.ids import encode_cursor

                depth = min(DEPTH, size // PAGE - 1)
                deep_cursor = encode_cursor(ids[depth * PAGE - 1])
                if size <= 10_000:  # following cursors on the test server is slow at 100k
                    assert _follow(depth) == deep_cursor
                reps = repetitions if size < 100_000 else max(3, repetitions // 2)
                matches = client[DATABASE].students.count_documents(
                    search_filter(STUDENTS.search_fields, SEARCH)
                )
                rows.append(
                    {
                        "size": size,
                        "first_page_ms": _timed({}, reps),
                        "deep_page_ms": _timed({"cursor": deep_cursor}, reps),
                        "search_ms": _timed({"q": SEARCH}, reps),
                        "deep_depth": depth,
                        "search_matches": matches,
                        "insert_seconds_total": insert_seconds,
                        "side_by_side": _side_by_side(
                            _deep_cursor_by_name(stored, depth), max(reps, 5)
                        ),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
            timed_finds = recorder.finds[finds_before_timing:]
            explains = {}
            for find in timed_finds:
                from api_core.devtools.shapes import shape

                if shape(find) not in explains:
                    explains[shape(find)] = _explain(client, find)
                    if "$or" in find["filter"]:  # the test server scans an $or: each branch alone
                        explains[shape(find)]["branches"] = [
                            _explain(client, {**find, "filter": {**branch}})
                            for branch in find["filter"]["$or"]
                        ]
        with recording() as every:
            exercise_every_list(changed(get_settings(), mongodb_db=DATABASE + "_shapes"))
    return {
        "sizes": rows,
        "timed_shapes": summarize(timed_finds),
        "explains": explains,
        "all_shapes": summarize(every.finds),
        "commands": sorted(set(every.commands)),
        "search_index_entries": search_index_entries(),
    }


def _entries_line(entries: dict[str, Any]) -> str:
    return (
        f"Search index entries per student (word prefixes of name, email and program), "
        f"over {entries['records']:,} of these students: mean {entries['mean']:.1f}, "
        f"min {entries['min']}, max {entries['max']}; the prefixes of the whole name and "
        f"email alone came to {entries['before_mean']:.1f}."
    )


def _plan(explained: dict[str, Any]) -> str:
    plan = str(explained.get("plan", "n/a"))
    branches = explained.get("branches")
    if branches:
        plan += "; each `$or` branch alone: " + ", ".join(
            f"{b.get('plan', 'n/a')} ({b.get('keys_examined')} keys, {b.get('docs_examined')} docs)"
            for b in branches
        )
    return plan


def _ratio(side_by_side: dict[str, Any], name: str) -> str:
    ratio = side_by_side[f"{name}_ratio"]
    return (
        f"{side_by_side[f'{name}_ms']:.1f} ms, {ratio['median']:.2f}x "
        f"({ratio['min']:.2f}-{ratio['max']:.2f})"
    )


def markdown(result: dict[str, Any]) -> str:
    rows = result["sizes"]
    last = rows[-1]
    text = [
        "Timings are the **test server's (SecantusDB)**, not MongoDB's: its planner sorts "
        "`_id` ranges after a collection scan and fetches every index match before the "
        "limit (see the plans below). Median of repeated calls through the students "
        f"handler, {PAGE} per page; search `q={SEARCH}`.",
        "",
        markdown_table(
            [
                "students",
                "first page ms",
                "deep page ms",
                "search ms",
                "deep / first",
                "search / first",
                "search matches",
            ],
            [
                [
                    f"{r['size']:,}",
                    f"{r['first_page_ms']:.1f}",
                    f"{r['deep_page_ms']:.1f} (page {r['deep_depth'] + 1})",
                    f"{r['search_ms']:.1f}",
                    f"{r['deep_page_ms'] / r['first_page_ms']:.2f}",
                    f"{r['search_ms'] / r['first_page_ms']:.2f}",
                    f"{r['search_matches']:,}",
                ]
                for r in rows
            ],
        ),
        "",
        "Side by side (each round times each variant once, in turn; the ratio is to the "
        "plain first page of the same round: median, and min-max over the rounds):",
        "",
        markdown_table(
            ["students", "first page ms", "by name", "deep page by name", "count=true"],
            [
                [
                    f"{r['size']:,}",
                    f"{r['side_by_side']['first_page_ms']:.1f}",
                    *(
                        _ratio(r["side_by_side"], name)
                        for name in ("by_name", "deep_by_name", "counted")
                    ),
                ]
                for r in rows
            ],
        ),
        "",
        f"Inserting {last['size']:,} students with pymongo `insert_many` took "
        f"{last['insert_seconds_total']:.0f} s on the test server.",
        "",
        _entries_line(result["search_index_entries"]),
        "",
        "Query shapes the API sent while timed, the declared index answering each "
        "branch, and the test server's `explain` (executionStats) at "
        f"{last['size']:,}:",
        "",
        markdown_table(
            [
                "query",
                "sent",
                "declared index",
                "verdict",
                "test server's plan",
                "keys / docs examined",
            ],
            [
                [
                    f"`{row['shape']}`",
                    str(row["count"]),
                    ", ".join(str(i) for i in row["indexes"]),
                    row["verdict"],
                    _plan(result["explains"].get(row["shape"], {})),
                    "{} / {}".format(
                        result["explains"].get(row["shape"], {}).get("keys_examined"),
                        result["explains"].get(row["shape"], {}).get("docs_examined"),
                    ),
                ]
                for row in result["timed_shapes"]
            ],
        ),
        "",
        "Every `find` the API sends for any list or read (each list with and without a "
        "cursor, every filter, `q` short and longer than the indexed prefix):",
        "",
        markdown_table(
            ["query", "declared index", "verdict", "checked per document"],
            [
                [
                    f"`{row['shape']}`",
                    ", ".join(str(i) for i in row["indexes"]),
                    row["verdict"],
                    ", ".join(row["residual"]) or "-",
                ]
                for row in result["all_shapes"]
            ],
        ),
    ]
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.sizes, args.repetitions)
    if args.json:
        args.json.write_text(json.dumps(result, default=str, indent=1))
    print(markdown(result))


if __name__ == "__main__":
    main()

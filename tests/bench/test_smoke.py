"""The benchmarks still run, with tiny sizes, and every list the API sends is index-backed.

No timing is asserted here: `make bench` measures, this only proves the code works.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from api_core.devtools.shapes import check, declared_indexes

ROOT = Path(__file__).resolve().parents[2]


def run_bench(
    module: str, *args: str, output: Path, timeout: float = 100, env: dict[str, str] | None = None
) -> Any:
    result = subprocess.run(
        [sys.executable, "-m", module, *args, "--json", str(output)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(output.read_text())


def test_shape_check_range_sorted_by_id_is_not_covered() -> None:
    find = {
        "collection": "students",
        "filter": {
            "$or": [
                {"name_folded": {"$gte": "ad", "$lt": "ae"}},
                {"email_folded": {"$gte": "ad", "$lt": "ae"}},
            ]
        },
        "sort": {"_id": 1},
    }

    assert check(find, declared_indexes())["verdict"] == "NOT COVERED"


def test_shape_check_cursor_page_uses_id_index() -> None:
    find = {"collection": "students", "filter": {"_id": {"$gt": 1}}, "sort": {"_id": 1}}

    assert check(find, declared_indexes()) | {"shape": ""} == {
        "collection": "students",
        "shape": "",
        "indexes": ["_id_"],
        "residual": [],
        "verdict": "index",
    }


def test_scaling_tiny_every_list_is_index_backed(tmp_path: Path) -> None:
    result = run_bench(
        "bench.scaling", "--sizes", "60", "--repetitions", "1", output=tmp_path / "s.json"
    )

    (row,) = result["sizes"]
    assert row["size"] == 60 and row["deep_depth"] == 2
    assert row["first_page_ms"] > 0 and row["deep_page_ms"] > 0 and row["search_ms"] > 0
    shapes = {r["shape"]: r for r in result["all_shapes"]}
    assert [s for s, r in shapes.items() if r["verdict"] == "NOT COVERED"] == []
    searches = [r for s, r in shapes.items() if "name_prefixes" in s]
    indexes = ["name_search", "email_search", "program_search"]
    assert searches and all(r["indexes"] == indexes for r in searches)
    # A query of several words: one index range per branch, the other words checked
    # on the records it fetches.
    several = [r for s, r in shapes.items() if "$and[" in s]
    assert several and all(r["verdict"] == "index + residual" for r in several)
    assert any("student_id: eq" in s and "course_id" not in s for s in shapes)
    # Each declared sort, first page and after a cursor: one index range of (field, _id).
    for collection, key, index in (
        ("students", "name_order", "by_name"),
        ("courses", "code", "by_code"),
    ):
        sorted_shapes = [r for s, r in shapes.items() if s.endswith(f"sort {key} asc, _id asc")]
        assert len(sorted_shapes) == 2 and all(
            s.startswith(collection) for s in map(str, [r["shape"] for r in sorted_shapes])
        )
        assert all(r["indexes"] in ([index], [index, index]) for r in sorted_shapes)
        assert all(r["verdict"] == "index" for r in sorted_shapes)
    counts = [s for s in shapes if ".count(" in s]
    assert len(counts) == 3, counts
    side = row["side_by_side"]
    assert all(side[f"{v}_ratio"]["min"] > 0 for v in ("by_name", "deep_by_name", "counted"))
    assert {r["shape"] for r in result["timed_shapes"]} <= set(shapes)


def test_warm_tiny_reuses_connections(tmp_path: Path) -> None:
    result = run_bench(
        "bench.warm", "--invocations", "20", "--rounds", "2", output=tmp_path / "w.json"
    )

    assert {"(a) hand-written", "(b) bare FastAPI+Mangum", "students"} <= set(result)
    assert all(row["connections_per_1000"] == 0 for name, row in result.items() if name != "_meta")


def test_warm_driver_tiny_times_each_deadline_against_plain(tmp_path: Path) -> None:
    result = run_bench(
        "bench.warm_driver", "--invocations", "20", "--rounds", "2", output=tmp_path / "d.json"
    )

    assert list(result) == [
        "plain", "maxTimeMS", "socketTimeoutMS", "pymongo.timeout", "asyncio.timeout", "both"
    ]  # fmt: skip
    assert result["plain"]["cost_us"] == 0
    assert all(
        row["cost_low_us"] <= row["cost_us"] <= row["cost_high_us"] for row in result.values()
    )


def test_warm_gap_tiny_gives_each_saving_its_interval(tmp_path: Path) -> None:
    result = run_bench(
        "bench.warm_gap", "--invocations", "22", "--rounds", "2", output=tmp_path / "g.json"
    )

    assert {"(b) bare FastAPI+Mangum", "ours", "without the deadline"} <= set(result)
    assert result["ours"]["saving_us"] == 0
    assert all(
        row["saving_low_us"] <= row["saving_us"] <= row["saving_high_us"] for row in result.values()
    )


def test_coldstart_tiny_measures_the_built_functions_against_b(tmp_path: Path) -> None:
    result = run_bench(
        "bench.coldstart",
        *("--runs", "2", "--invocations", "3"),
        *("--targets", "(b) bare FastAPI+Mangum", "students"),
        output=tmp_path / "c.json",
        timeout=600,  # a `sam build` first
    )

    assert set(result["cold"]) == {"(b) bare FastAPI+Mangum", "students"}
    assert result["method"] in ("rie", "bare")
    assert [len(samples) for samples in result["samples_ms"].values()] == [2, 2]
    assert result["cold"]["(b) bare FastAPI+Mangum"]["ratio_to_b"] == 1.0
    students = result["cold"]["students"]
    assert students["ratio_low"] <= students["ratio_to_b"] <= students["ratio_high"]
    assert result["imports"]["students"]["our code"] > 0
    assert "functions.students" in result["heaviest_modules"]["students"]
    # (b) loads with the garbage collector on; the function, as it deploys, without it.
    collections = result["collections"]
    assert collections["(b) bare FastAPI+Mangum"]["collections"] > 50
    assert collections["students"]["collections"] < 20
    assert result["memory"]["students"]["peak_mb_after_all"] > 0


def test_coldstart_without_the_emulator_times_a_bare_interpreter_and_says_so(
    tmp_path: Path,
) -> None:
    result = run_bench(
        "bench.coldstart",
        *("--runs", "1", "--invocations", "2"),
        *("--targets", "(b) bare FastAPI+Mangum", "health"),
        output=tmp_path / "c.json",
        timeout=600,
        env={"AWS_LAMBDA_RIE": ""},
    )

    assert result["method"] == "bare" and result["rie"] is None
    assert result["cold"]["health"]["total_ms"] > 0
    # What the report says of how it measured (bench runs apart: tests import no bench).
    said = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from bench.coldstart import how_measured; "
            "print(how_measured(json.load(open(sys.argv[1]))))",
            str(tmp_path / "c.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "emulator was not found" in said


def test_restore_tiny_times_a_forked_function_against_a_cold_start(tmp_path: Path) -> None:
    result = run_bench("bench.restore", "--rounds", "1", output=tmp_path / "r.json", timeout=600)

    assert set(result["functions"]) == {"students", "courses", "enrollments", "health"}
    for row in result["functions"].values():
        assert 0 < row["after_fork_ms"] <= row["restore_ms"]
        assert row["cold_ms"] > 0
        assert row["ratio"] == row["restore_ms"] / row["cold_ms"]


def test_imports_tiny_counts_exactly_and_finds_no_boto3_in_the_crud_functions(
    tmp_path: Path,
) -> None:
    result = run_bench(
        "bench.imports",
        *("--sizes", "200", "--rounds", "1", "--batch-sizes", "25", "50"),
        output=tmp_path / "i.json",
    )

    assert set(result["paths"]) == {"local", "batch function"}
    assert all(row["200"]["median"] > 0 for row in result["paths"].values())
    assert result["best_batch_size"] in (25, 50)
    assert result["boto3_at_cold_start"] == {
        "students": [],
        "courses": [],
        "enrollments": [],
        "health": [],
        "imports": [],
    }

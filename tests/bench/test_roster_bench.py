"""bench.roster still runs, and counts what each way of loading a roster costs."""

from __future__ import annotations

from pathlib import Path

from tests.bench.test_smoke import run_bench


def test_roster_bench_counts_one_request_against_one_per_student(tmp_path: Path) -> None:
    result = run_bench(
        "bench.roster", "--repetitions", "1", output=tmp_path / "r.json", timeout=300
    )

    # 500 students: five pages of enrollments, then one request per student.
    assert result["requests"] == {
        "one request": 1,
        "per student (before)": 505,
        "$lookup": 1,
        "find + $in": 2,
        "grade 200 rows (read, then one save)": 2,
    }
    assert len(result["grading_save_ms"]) == 1
    assert all(len(values) == 1 for values in result["seconds"].values())

"""The CLI's report and exit status, from an import record (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api_core.imports import records
from api_core.imports.__main__ import exit_status, report


def import_record(**fields: Any) -> records.ImportRecord:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    base: dict[str, Any] = {"id": "0" * 24, "kind": "students", "file_name": "s.csv"}
    base |= {"status": "done", "rows_total": 0, "rows_done": 0, "rows_failed": 0}
    base |= {"failures": [], "error": None, "created_at": now, "updated_at": now}
    return records.ImportRecord.model_validate(base | fields)


def test_report_lists_the_kept_failures_and_says_how_many_more_failed() -> None:
    kept = [{"line": n + 2, "reason": "bad"} for n in range(records.FAILURES_KEPT)]
    record = import_record(rows_total=5000, rows_done=3500, rows_failed=1500, failures=kept)

    lines = report(record).splitlines()

    assert lines[0] == "s.csv: 3,500 of 5,000 rows imported, 1,500 failed."
    assert lines[1:3] == ["line 2: bad", "line 3: bad"]
    assert len(lines) == 1 + 1000 + 1
    assert lines[-1] == "... and 500 more failed rows: only the first 1,000 are listed."
    assert exit_status(record) == 3


def test_report_of_an_import_that_failed_midway_gives_the_reason_and_the_counts() -> None:
    reason = "The database could not be reached after 300 rows."
    record = import_record(status="failed", error=reason, rows_total=900, rows_done=300)

    assert report(record).splitlines() == [
        f"s.csv: the import failed. {reason}",
        "s.csv: 300 of 900 rows imported, 0 failed.",
    ]
    assert exit_status(record) == 1


def test_every_row_imported_is_exit_status_0() -> None:
    assert exit_status(import_record(rows_total=2, rows_done=2)) == 0

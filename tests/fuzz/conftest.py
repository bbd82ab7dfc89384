"""Reports how many requests the fuzz tests sent."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.fuzz.test_openapi import SENT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not SENT:
        return
    runs: Counter[str] = Counter()
    operations: Counter[str] = Counter()
    for (run, operation), count in SENT.items():
        runs[run] += count
        operations[operation] += count
    by_run = ", ".join(f"{run} {count}" for run, count in runs.items())
    terminalreporter.write_line(
        f"fuzz: {runs.total()} requests ({by_run}) across {len(operations)} operations, "
        f"each at least {min(operations.values())} times"
    )

"""Each request's line is also its metrics: a CloudWatch Embedded Metric Format document."""

from __future__ import annotations

from typing import Any

from api_core.devtools.events import build_event
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.settings import changed
from api_core.metrics import DIMENSION
from api_core.settings import Settings
from tests.support.functions import Handler, Handlers, broken_handler
from tests.support.logs import captured_log_lines

# What the EMF specification allows as a metric's Unit.
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
    "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
    "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
    "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
    "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}  # fmt: skip


def emf_metrics(line: dict[str, Any], namespace: str = "StudentRecords") -> dict[str, float]:
    """The metrics CloudWatch would extract from `line`, checked against the EMF
    specification's rules; fails the test where the line breaks one."""
    metadata = line["_aws"]
    assert isinstance(metadata["Timestamp"], int) and metadata["Timestamp"] > 1e12
    (directive,) = metadata["CloudWatchMetrics"]
    assert directive["Namespace"] == namespace
    # Per function, and for the whole API (what the alarms watch).
    assert directive["Dimensions"] == [[DIMENSION], []]
    for dimension_set in directive["Dimensions"]:
        for dimension in dimension_set:
            assert isinstance(line[dimension], str) and line[dimension], dimension
    metrics = {}
    for metric in directive["Metrics"]:
        assert metric.get("Unit", "None") in UNITS, metric
        value = line[metric["Name"]]
        assert type(value) in (int, float), (metric["Name"], value)  # not a bool
        metrics[metric["Name"]] = value
    return metrics


def request_line(handler: Handler, method: str, path: str, **context: Any) -> dict[str, Any]:
    with captured_log_lines() as log_lines:
        handler(build_event("http_api_v2", method, path), FakeLambdaContext(**context))
        lines = log_lines.read()
    (line,) = [line for line in lines if line["message"] == "request"]
    return line


def counts(metrics: dict[str, float]) -> tuple[float, ...]:
    return tuple(metrics[name] for name in ("status_4xx", "status_5xx", "status_503"))


def test_a_served_request_is_filed_under_its_function_with_its_duration(
    handlers: Handlers,
) -> None:
    line = request_line(handlers.students, "GET", "/api/students", function_name="stack-Fn-1")

    metrics = emf_metrics(line)

    assert line["function_name"] == "stack-Fn-1"
    assert metrics["duration_ms"] == line["duration_ms"] > 0
    assert counts(metrics) == (0, 0, 0)


def test_only_the_first_invocation_counts_as_a_cold_start(handlers: Handlers) -> None:
    first = emf_metrics(request_line(handlers.courses, "GET", "/api/courses"))
    second = emf_metrics(request_line(handlers.courses, "GET", "/api/courses"))

    assert (first["cold_starts"], second["cold_starts"]) == (1, 0)


def test_a_client_error_counts_as_4xx(handlers: Handlers) -> None:
    metrics = emf_metrics(request_line(handlers.students, "GET", "/api/students/unknown"))

    assert counts(metrics) == (1, 0, 0)


def test_database_unavailable_counts_as_5xx_and_503(students_database_down: Handler) -> None:
    line = request_line(students_database_down, "GET", "/api/students")

    assert line["status"] == 503
    assert counts(emf_metrics(line)) == (0, 1, 1)


def test_an_unhandled_error_counts_as_5xx_not_503(settings: Settings) -> None:
    line = request_line(broken_handler(settings), "GET", "/api/broken")

    assert line["status"] == 500
    assert counts(emf_metrics(line)) == (0, 1, 0)


def test_the_line_is_written_whatever_the_log_level(live_settings: Settings) -> None:
    quiet = Handlers(changed(live_settings, log_level="ERROR"))

    line = request_line(quiet.students, "GET", "/api/students")

    assert counts(emf_metrics(line)) == (0, 0, 0)


def test_without_a_function_name_the_line_carries_no_metrics(handlers: Handlers) -> None:
    line = request_line(handlers.students, "GET", "/api/students", function_name=None)

    assert "_aws" not in line


def test_the_metrics_are_filed_under_the_configured_namespace(live_settings: Settings) -> None:
    stack = Handlers(changed(live_settings, metrics_namespace="my-stack"))

    line = request_line(stack.health, "GET", "/api/health")

    assert emf_metrics(line, namespace="my-stack")["status_5xx"] == 0

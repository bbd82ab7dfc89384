"""The per-invocation line, written as text made in parts, reads as the formatter's lines do."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime

import pytest

from api_core.logs import JsonFormatter, LineWriter, _time
from api_core.metrics import RequestMetrics

FIELDS = {
    "correlation_id": 'a "quoted" id\n',
    "cold_start": False,
    "path": "/api/students/é",
    "status": 200,
    "duration_ms": 0.51,
    "nothing": None,
    "when": datetime(2026, 1, 2, tzinfo=UTC),  # not JSON: written as str() like the formatter
}


def writer() -> tuple[LineWriter, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    return LineWriter(handler, "api_core.requests", "request"), stream


def test_line_writer_line_is_one_json_object_with_every_field_in_order() -> None:
    line_writer, stream = writer()

    line_writer.write(logging.WARNING, dict(FIELDS))

    text = stream.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    line = json.loads(text)
    assert list(line) == ["time", "level", "logger", "message", *FIELDS]
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "api_core.requests",
        "request",
    )
    assert line["correlation_id"] == FIELDS["correlation_id"]
    assert line["when"] == str(FIELDS["when"])
    assert line["nothing"] is None and line["cold_start"] is False


def test_line_writer_appends_encoded_members_last() -> None:
    line_writer, stream = writer()
    values, metadata = RequestMetrics("Space").members("fn", 503, 2.5, True)

    line_writer.write(logging.INFO, {"path": "/x", **values}, metadata)

    line = json.loads(stream.getvalue())
    assert list(line)[-1] == "_aws"
    assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Space"
    assert (line["status_5xx"], line["status_503"], line["cold_starts"]) == (1, 1, 1)


@pytest.mark.parametrize("fields", [{}, {"a": 1}])
@pytest.mark.parametrize("encoded", ["", '"b": 2'])
def test_line_writer_line_is_valid_json_whatever_is_empty(
    fields: dict[str, int], encoded: str
) -> None:
    line_writer, stream = writer()

    line_writer.write(logging.INFO, fields, encoded)

    line = json.loads(stream.getvalue())
    assert {k: v for k, v in line.items() if k in ("a", "b")} == {
        **fields,
        **({"b": 2} if encoded else {}),
    }


@pytest.mark.parametrize(
    "created",
    [0.0, 1795766929.712, 1795766929.9999, 1795766929.0004, 1795766930.0, 1700000000.1234567],
)
def test_time_is_the_isoformat_to_the_millisecond(created: float) -> None:
    expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")

    assert _time(created) == expected
    assert _time(created) == expected  # from the cached second, too


def test_time_moves_to_the_next_second_and_back() -> None:
    assert _time(1795766929.5) == "2026-11-27T08:08:49.500+00:00"
    assert _time(1795766930.25) == "2026-11-27T08:08:50.250+00:00"
    assert _time(1795766929.5) == "2026-11-27T08:08:49.500+00:00"

"""What the API's JSON logger writes, captured for a test to read."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from api_core.logs import JsonFormatter


class LogLines:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    def read(self) -> list[dict[str, Any]]:
        """The lines written since the last read, parsed."""
        lines = [json.loads(line) for line in self.stream.getvalue().splitlines()]
        self.stream.seek(0)
        self.stream.truncate()
        return lines


@contextmanager
def captured_log_lines() -> Iterator[LogLines]:
    """Redirect the JSON log handler (installed when a handler is built) to memory."""
    (json_handler,) = [
        handler
        for handler in logging.getLogger("api_core").handlers
        if isinstance(handler.formatter, JsonFormatter)
    ]
    assert isinstance(json_handler, logging.StreamHandler)
    lines = LogLines()
    original = json_handler.setStream(lines.stream)
    try:
        yield lines
    finally:
        json_handler.setStream(original)

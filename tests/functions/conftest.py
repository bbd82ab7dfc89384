"""Fixtures the function tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api_core.devtools.invoke import pointed_at
from api_core.devtools.wire_server import free_port
from api_core.lambda_handler import resource_handler
from api_core.resources import STUDENTS
from api_core.settings import Settings
from tests.conftest import close_cached_client
from tests.support.functions import Handler


@pytest.fixture
def students_database_down(settings: Settings) -> Iterator[Handler]:
    """The students function, where nothing listens for its database: refused, fast."""
    close_cached_client()
    down = pointed_at(settings, f"mongodb://127.0.0.1:{free_port()}", budget_ms=300)
    yield resource_handler(STUDENTS, down)
    close_cached_client()

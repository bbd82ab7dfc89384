"""Fixtures for tests that play a process's life against a real wire server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import close_cached_client


@pytest.fixture
def cold_process() -> Iterator[None]:
    """Start without a cached client, as a new Lambda execution environment would."""
    close_cached_client()
    yield
    close_cached_client()

"""Fixtures every test shares: a clean environment and settings, and a Lambda context."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from api_core.settings import get_settings
from tests.support.lambda_context import FakeLambdaContext

_SETTINGS_PREFIXES = ("MONGODB_", "CORS_", "MAX_BODY", "RETRY_AFTER", "LOG_LEVEL")


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from the defaults, whatever the shell running pytest has set."""
    for name in list(os.environ):
        if name.startswith(_SETTINGS_PREFIXES):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()

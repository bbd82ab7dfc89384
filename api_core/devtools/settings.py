"""Settings for a test: the ones it was given, with a few changed."""

from __future__ import annotations

from typing import Any

from api_core.settings import Settings


def changed(settings: Settings, **changes: Any) -> Settings:
    """`settings` with `changes`, validated as if they had come from the environment."""
    return Settings(**{**settings.model_dump(), **changes})

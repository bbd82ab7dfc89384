"""Settings come from the environment as pydantic-settings read them, without importing it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from api_core.settings import Settings


def test_settings_environment_variable_sets_its_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.example:27018")
    monkeypatch.setenv("MONGODB_TIMEOUT_MS", "1500")
    monkeypatch.setenv("AUTH_KEYS_LIFETIME_S", "2.5")

    settings = Settings()

    assert settings.mongodb_uri == "mongodb://db.example:27018"
    assert settings.mongodb_timeout_ms == 1500
    assert settings.auth_keys_lifetime_s == 2.5


def test_settings_environment_variable_name_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("mongodb_max_pool_size", "3")

    assert Settings().mongodb_max_pool_size == 3


def test_settings_given_value_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "2048")

    assert Settings(max_body_bytes=4096).max_body_bytes == 4096


def test_settings_unset_field_keeps_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETRY_AFTER_SECONDS", raising=False)
    monkeypatch.setenv("SOMETHING_ELSE", "ignored")

    assert Settings().retry_after_seconds == 5


def test_settings_list_is_read_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", '["https://a.example", "https://b.example"]')

    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


def test_settings_list_not_json_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example")

    with pytest.raises(ValidationError, match="CORS_ORIGINS must be a JSON list"):
        Settings()


def test_settings_environment_value_out_of_range_names_the_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MONGODB_TIMEOUT_MS", "5")

    with pytest.raises(ValidationError, match="mongodb_timeout_ms") as raised:
        Settings()

    assert raised.value.errors()[0]["type"] == "greater_than_equal"


def test_settings_environment_literal_refuses_other_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "open")

    with pytest.raises(ValidationError, match="auth_mode"):
        Settings()


def test_function_import_leaves_out_pydantic_settings_dotenv_and_argparse() -> None:
    code = (
        "import sys, functions.students; "
        "print(sorted({'pydantic_settings', 'dotenv', 'argparse'} & set(sys.modules)))"
    )
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]  # after the function's own log lines

    assert imported == "[]"

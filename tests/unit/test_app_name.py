"""APP_NAME: one setting names the API, its docs, the page and the default database."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from api_core.database import Database
from api_core.devtools.settings import changed
from api_core.settings import Settings
from tests.unit.conftest import local_client

ROOT = Path(__file__).resolve().parents[2]


def test_settings_default_app_name_keeps_the_contracts_database() -> None:
    settings = Settings()

    assert settings.app_name == "Student records"
    assert settings.mongodb_db == "school"  # design.md's interface contract


@pytest.mark.parametrize(
    ("app_name", "database"),
    [
        ("Library loans", "library_loans"),
        ("Élèves & cours", "eleves_cours"),
        ("  Inventory v2! ", "inventory_v2"),
        ("x" * 60, "x" * 60),
    ],
)
def test_settings_app_name_gives_the_default_database(app_name: str, database: str) -> None:
    assert Settings(app_name=app_name).mongodb_db == database


def test_settings_app_name_from_the_environment_names_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_NAME", "Library loans")
    monkeypatch.setenv("MONGODB_DB", "")  # as the template passes an unset MongoDbName

    assert Settings().mongodb_db == "library_loans"


def test_settings_mongodb_db_set_wins_over_the_app_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_NAME", "Library loans")
    monkeypatch.setenv("MONGODB_DB", "school")

    assert Settings().mongodb_db == "school"


def test_settings_app_name_without_letters_or_digits_asks_for_mongodb_db() -> None:
    with pytest.raises(ValidationError, match="set MONGODB_DB"):
        Settings(app_name="日本語")


def test_settings_empty_app_name_is_rejected() -> None:
    with pytest.raises(ValidationError, match="app_name"):
        Settings(app_name="", mongodb_db="school")


def test_app_name_titles_the_api_its_docs_and_the_page_config(
    settings: Settings, mock_database: Database
) -> None:
    renamed = changed(settings, app_name="Library <loans>")
    with local_client(renamed, mock_database) as client:
        assert client.get("/api/openapi.json").json()["info"]["title"] == "Library <loans> API"
        assert "<title>Library &lt;loans&gt; API: docs</title>" in client.get("/api/docs").text
        assert client.get("/api/auth/config").json()["app_name"] == "Library <loans>"


def test_page_itself_names_no_app() -> None:
    """The page takes its name from /api/auth/config: no file of public/ holds it."""
    default = Settings.model_fields["app_name"].default.lower()
    files = [path for path in (ROOT / "public").rglob("*") if path.is_file()]
    naming = [str(p.relative_to(ROOT)) for p in files if default in p.read_text().lower()]

    assert files and naming == []

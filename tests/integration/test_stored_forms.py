"""The deploy step on records stored under earlier rules, on the real wire server.

Here the unique indexes are the server's own, so a collision is what the server
refuses, and `python -m api_core.migrate` runs as a deploy would run it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from api_core.settings import Settings
from tests.support.legacy import legacy_course, legacy_student

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def legacy_db(live_settings: Settings) -> Iterator[Database[dict[str, Any]]]:
    """The test's migrated database, reached as a person with a shell would."""
    with MongoClient(live_settings.mongodb_uri) as client:
        yield client[live_settings.mongodb_db]
        client.drop_database(live_settings.mongodb_db)


def run_migration(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": settings.mongodb_uri, "MONGODB_DB": settings.mongodb_db}
    command = [sys.executable, "-m", "api_core.migrate"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_migrate_command_rewrites_old_forms_and_reports_collisions(
    live_settings: Settings, legacy_db: Database[dict[str, Any]]
) -> None:
    kept = legacy_course("MATH201")
    clash = legacy_course("MATH-201")
    alone = legacy_course("CS-101")
    legacy_db.courses.insert_many([kept, clash, alone])
    legacy_db.students.insert_many(
        [
            legacy_student("Ada Lovelace", "ada@example.edu"),
            wide := legacy_student("Ada", "ＡＤＡ@x.org"),
        ]
    )

    result = run_migration(live_settings)

    assert result.returncode == 3, result.stderr
    assert f"not migrated: courses {clash['_id']}: {{'code': 'MATH-201'}} would become" in (
        result.stderr
    )
    codes = {c["_id"]: c["code"] for c in legacy_db.courses.find()}
    assert codes == {kept["_id"]: "MATH201", clash["_id"]: "MATH-201", alone["_id"]: "CS101"}
    assert legacy_db.students.find_one({"_id": wide["_id"]})["email_folded"] == "ada@x.org"

    # Again: the same collision, nothing else to do.
    before = list(legacy_db.courses.find(sort=[("_id", 1)]))
    again = run_migration(live_settings)
    assert again.returncode == 3
    assert again.stderr.count("not migrated:") == 1
    assert list(legacy_db.courses.find(sort=[("_id", 1)])) == before


def test_migrate_command_without_collisions_succeeds(
    live_settings: Settings, legacy_db: Database[dict[str, Any]]
) -> None:
    legacy_db.courses.insert_one(legacy_course("BIO-110A"))

    result = run_migration(live_settings)

    assert result.returncode == 0, result.stderr
    assert "(0 records left as they were)" in result.stderr
    assert legacy_db.courses.find_one({}, {"code": 1, "_id": 0}) == {"code": "BIO110A"}

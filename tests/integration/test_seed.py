"""`make seed`: the demo school through the importer, and nothing changed by a second run."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from pymongo import MongoClient

from api_core.devtools.wire_server import WireServer

ROOT = Path(__file__).resolve().parents[2]
# A small school: the same generator and commands as the full one, in a fraction of the time.
SMALL = "--students 60 --courses 8 --enrollments 150"
COLLECTIONS = ("students", "courses", "enrollments")


def make_seed(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    make = shutil.which("make")
    assert make is not None, "make is missing"
    command = [make, "--no-print-directory", "-C", str(ROOT), "seed", f"SEED_OPTIONS={SMALL}"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=110)


def census(uri: str, name: str) -> dict[str, tuple[int, int]]:
    """Per collection: how many records, and the sum of their versions."""
    with MongoClient(uri) as client:
        database = client[name]
        return {
            collection: (
                database[collection].count_documents({}),
                sum(r["version"] for r in database[collection].find({}, {"version": 1})),
            )
            for collection in COLLECTIONS
        }


@pytest.mark.timeout(240)
def test_make_seed_twice_imports_the_school_once(wire_server: WireServer) -> None:
    name = f"seed_{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "MONGODB_URI": wire_server.uri, "MONGODB_DB": name}

    first = make_seed(env)
    after_first = census(wire_server.uri, name)
    second = make_seed(env)

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "students.csv: 60 of 60 rows imported, 0 failed.",
        "courses.csv: 8 of 8 rows imported, 0 failed.",
        "enrollments.csv: 150 of 150 rows imported, 0 failed.",
    ]
    assert after_first == {"students": (60, 60), "courses": (8, 8), "enrollments": (150, 150)}
    assert second.returncode == 0, second.stderr
    assert census(wire_server.uri, name) == after_first  # no record added, none changed


def test_make_seed_without_a_database_uri_says_what_to_set() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}

    result = make_seed(env)

    assert result.returncode == 2
    assert "make seed: set MONGODB_URI" in result.stderr
    assert "MONGODB_URI=mongodb://127.0.0.1:PORT make seed" in result.stderr

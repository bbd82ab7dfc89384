"""`python -m api_core.imports KIND FILE.csv` in a subprocess, against the wire server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

from api_core.devtools.wire_server import WireServer, free_port
from api_core.settings import Settings
from tests.conftest import migrate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_env(wire_server: WireServer) -> Iterator[dict[str, str]]:
    """The environment of a shell pointed at a migrated database of this test's own."""
    name = f"cli_{uuid.uuid4().hex[:12]}"
    migrate(Settings(mongodb_uri=wire_server.uri, mongodb_db=name))
    yield {**os.environ, "MONGODB_URI": wire_server.uri, "MONGODB_DB": name}
    with MongoClient(wire_server.uri) as client:
        client.drop_database(name)


def run_cli(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "api_core.imports", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)


def stored(env: dict[str, str], collection: str) -> list[dict[str, object]]:
    with MongoClient(env["MONGODB_URI"]) as client:
        return list(client[env["MONGODB_DB"]][collection].find({}, {"_id": 0}))


def test_cli_imports_the_good_rows_and_reports_the_bad_ones_by_line(
    database_env: dict[str, str], tmp_path: Path
) -> None:
    file = tmp_path / "students.csv"
    file.write_text(
        "name,email,program\n"
        "Ada Lovelace,ada@example.org,Mathematics\n"
        "No Email,,\n"
        "Zoë Ångström,zoe@example.org,\n"
        "Bad Email,not-an-email,\n",
        encoding="utf-8",
    )

    result = run_cli(database_env, "students", file)

    assert result.returncode == 3, result.stderr  # finished, but some rows failed
    assert result.stdout.splitlines() == [
        "students.csv: 2 of 4 rows imported, 2 failed.",
        "line 3: email: Field required",
        "line 5: email: value is not a valid email address: An email address must have an @-sign.",
    ]
    names = sorted(str(s["name"]) for s in stored(database_env, "students"))
    assert names == ["Ada Lovelace", "Zoë Ångström"]
    (record,) = stored(database_env, "imports")
    assert (record["status"], record["file_name"], record["kind"]) == (
        "done",
        "students.csv",
        "students",
    )


def test_cli_exits_0_when_every_row_is_imported_and_again_when_nothing_changes(
    database_env: dict[str, str], tmp_path: Path
) -> None:
    file = tmp_path / "courses.csv"
    file.write_text("code,title,credits\ncs101,Programming,6\nMATH-201,Linear Algebra,5\n")

    first = run_cli(database_env, "courses", file)
    second = run_cli(database_env, "courses", file)

    for result in (first, second):
        assert result.returncode == 0, result.stderr
        assert result.stdout == "courses.csv: 2 of 2 rows imported, 0 failed.\n"
    courses = stored(database_env, "courses")
    assert sorted((c["code"], c["version"]) for c in courses) == [("CS101", 1), ("MATH201", 1)]


def test_cli_reports_a_file_it_cannot_read_and_exits_1(
    database_env: dict[str, str], tmp_path: Path
) -> None:
    file = tmp_path / "enrollments.csv"
    file.write_text("student_email,course,term\na@example.org,CS101,2026-FALL\n")

    result = run_cli(database_env, "enrollments", file)

    assert result.returncode == 1
    assert result.stdout == (
        "enrollments.csv: the import failed. Unknown column 'course': the columns are "
        "student_email, course_code, term, grade.\n"
    )
    assert stored(database_env, "enrollments") == []


def test_cli_without_a_database_says_so_and_exits_1(tmp_path: Path) -> None:
    file = tmp_path / "students.csv"
    file.write_text("name,email\nAda,ada@example.org\n")
    env = {**os.environ, "MONGODB_URI": f"mongodb://127.0.0.1:{free_port()}"}

    result = run_cli({**env, "MONGODB_TIMEOUT_MS": "300"}, "students", file)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "students.csv: the import failed. "
        "Cannot reach the database (ServerSelectionTimeoutError): check MONGODB_URI.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pupils", "x.csv"], "invalid choice: 'pupils'"),
        (["students", "missing.csv"], "no such file"),
    ],
)
def test_cli_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    env = {**os.environ, "MONGODB_URI": f"mongodb://127.0.0.1:{free_port()}"}
    result = subprocess.run(
        [sys.executable, "-m", "api_core.imports", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert message in result.stderr

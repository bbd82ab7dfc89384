"""The migration brings records stored under earlier rules to today's forms (mongomock).

The same against the real wire server, unique index and all:
tests/integration/test_stored_forms.py.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api_core.database import Database
from api_core.devtools.loops import run_in_own_loop
from api_core.migrate import migrate
from api_core.stored_forms import Collision
from tests.support.legacy import legacy_course, legacy_student


def insert(database: Database, collection: str, *documents: dict[str, Any]) -> None:
    run_in_own_loop(database[collection].insert_many(list(documents)))


def stored(database: Database, collection: str) -> list[dict[str, Any]]:
    return run_in_own_loop(database[collection].find({}, sort=[("_id", 1)]).to_list(None))


def run_migration(database: Database) -> list[Collision]:
    return run_in_own_loop(migrate(database))


def test_migration_rewrites_old_course_codes_to_the_canonical_form(
    client: TestClient, mock_database: Database
) -> None:
    old = legacy_course("MATH-201")
    insert(mock_database, "courses", old)

    assert run_migration(mock_database) == []

    (course,) = stored(mock_database, "courses")
    assert course["code"] == "MATH201"
    assert course["version"] == 2  # clients see a new code: a new ETag
    assert client.get("/api/courses", params={"q": "math201"}).json()["items"][0]["code"] == (
        "MATH201"
    )
    assert (
        client.post("/api/courses", json={"code": "math 201", "title": "T", "credits": 1}).json()[
            "status"
        ]
        == 409
    )


def test_migration_run_again_changes_nothing(mock_database: Database) -> None:
    insert(mock_database, "courses", legacy_course("CS-101"), legacy_course("MATH-201"))
    insert(mock_database, "students", legacy_student("Ada Lovelace", "ＡＤＡ@example.edu"))
    run_migration(mock_database)
    first = {name: stored(mock_database, name) for name in ("courses", "students")}

    assert run_migration(mock_database) == []

    assert {name: stored(mock_database, name) for name in ("courses", "students")} == first


def test_migration_reports_two_courses_that_collapse_to_one_code_and_keeps_both(
    mock_database: Database,
) -> None:
    kept = legacy_course("MATH201", title="Linear Algebra")
    clash = legacy_course("MATH-201", title="Linear Algebra II")
    insert(mock_database, "courses", kept, clash)

    collisions = run_migration(mock_database)

    assert collisions == [
        Collision("courses", str(clash["_id"]), {"code": "MATH-201"}, {"code": "MATH201"})
    ]
    courses = stored(mock_database, "courses")
    assert [(c["_id"], c["code"], c["version"]) for c in courses] == [
        (kept["_id"], "MATH201", 1),
        (clash["_id"], "MATH-201", 1),
    ]
    # Still reported on the next run, until a person decides; nothing else moves.
    assert run_migration(mock_database) == collisions
    assert stored(mock_database, "courses") == courses


def test_migration_folds_stored_emails_with_nfkc(
    client: TestClient, mock_database: Database
) -> None:
    student = legacy_student("Ada Lovelace", "ＡＤＡ@example.edu")
    insert(mock_database, "students", student)
    assert student["email_folded"] == "ａｄａ@example.edu"  # case folding alone kept the width

    run_migration(mock_database)

    (document,) = stored(mock_database, "students")
    assert document["email_folded"] == "ada@example.edu"
    assert document["email"] == "ＡＤＡ@example.edu"  # what the student gave is kept
    assert document["version"] == 1  # only a stored copy changed
    response = client.post("/api/students", json={"name": "Ada", "email": "ada@example.edu"})
    assert response.status_code == 409


def test_migration_reports_students_whose_emails_are_one_under_nfkc(
    mock_database: Database,
) -> None:
    plain = legacy_student("Ada Lovelace", "ada@example.edu")
    wide = legacy_student("Ada L.", "ＡＤＡ@example.edu")
    insert(mock_database, "students", plain, wide)

    collisions = run_migration(mock_database)

    assert collisions == [
        Collision(
            "students",
            str(wide["_id"]),
            {"email_folded": "ａｄａ@example.edu"},
            {"email_folded": "ada@example.edu"},
        )
    ]
    assert len(stored(mock_database, "students")) == 2


def test_migration_makes_older_students_findable_by_any_word(
    client: TestClient, mock_database: Database
) -> None:
    student = legacy_student("Gabriel García Márquez", "gabo@example.org", "Computer Science")
    insert(mock_database, "students", student)
    assert client.get("/api/students", params={"q": "garcia"}).json()["items"] == []

    run_migration(mock_database)

    for q in ("garcia", "marquez", "science"):
        items = client.get("/api/students", params={"q": q}).json()["items"]
        assert [s["id"] for s in items] == [str(student["_id"])], q

"""The claims that keep references whole (api_core/references.py), on mongomock.

The races themselves run against a real server: tests/integration/test_integrity.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from fastapi.testclient import TestClient

from api_core.database import Database
from api_core.devtools.builders import course_body, enrollment_body, student_body
from api_core.devtools.loops import run_in_own_loop
from api_core.migrate import migrate
from api_core.models.base import InputModel
from api_core.references import STALE_CLAIM_AFTER
from api_core.resources import ENROLLMENTS

UNKNOWN_ID = "0123456789abcdef01234567"


def claims(database: Database, collection: str, record_id: str) -> list[ObjectId]:
    document = run_in_own_loop(database[collection].find_one({"_id": ObjectId(record_id)}))
    assert document is not None
    return list(document["referenced_by"])


@pytest.fixture
def pair(client: TestClient) -> tuple[str, str]:
    student = client.post("/api/students", json=student_body()).json()
    course = client.post("/api/courses", json=course_body()).json()
    return student["id"], course["id"]


def test_an_enrollment_claims_its_student_and_course_until_it_is_deleted(
    client: TestClient, mock_database: Database, pair: tuple[str, str]
) -> None:
    enrollment = client.post("/api/enrollments", json=enrollment_body(*pair)).json()

    assert claims(mock_database, "students", pair[0]) == [ObjectId(enrollment["id"])]
    assert claims(mock_database, "courses", pair[1]) == [ObjectId(enrollment["id"])]
    assert client.delete(f"/api/students/{pair[0]}").status_code == 409

    assert client.delete(f"/api/enrollments/{enrollment['id']}").status_code == 204
    assert claims(mock_database, "students", pair[0]) == []
    assert claims(mock_database, "courses", pair[1]) == []
    assert client.delete(f"/api/students/{pair[0]}").status_code == 204


def test_a_refused_enrollment_leaves_no_claim_behind(
    client: TestClient, mock_database: Database, pair: tuple[str, str]
) -> None:
    student_id, course_id = pair
    first = client.post("/api/enrollments", json=enrollment_body(student_id, course_id)).json()

    duplicate = client.post("/api/enrollments", json=enrollment_body(student_id, course_id))
    missing_course = client.post("/api/enrollments", json=enrollment_body(student_id, UNKNOWN_ID))

    assert (duplicate.status_code, missing_course.status_code) == (409, 409)
    assert claims(mock_database, "students", student_id) == [ObjectId(first["id"])]
    assert claims(mock_database, "courses", course_id) == [ObjectId(first["id"])]


def test_claims_never_reach_a_client(client: TestClient, pair: tuple[str, str]) -> None:
    client.post("/api/enrollments", json=enrollment_body(*pair))

    for response in (
        client.get(f"/api/students/{pair[0]}"),
        client.get("/api/courses"),
        client.patch(f"/api/courses/{pair[1]}", json={"title": "Renamed"}),
    ):
        assert response.status_code == 200
        assert "referenced_by" not in response.text


def add_claim(database: Database, collection: str, record_id: str, made_at: datetime) -> None:
    """A claim whose record was never stored: what a fault between two writes leaves."""
    run_in_own_loop(
        database[collection].update_one(
            {"_id": ObjectId(record_id)},
            {"$push": {"referenced_by": ObjectId.from_datetime(made_at)}},
        )
    )


def test_a_claim_without_its_record_blocks_a_delete_until_it_is_stale(
    client: TestClient, mock_database: Database, pair: tuple[str, str]
) -> None:
    student_id, course_id = pair
    now = datetime.now(UTC)
    add_claim(mock_database, "students", student_id, now - STALE_CLAIM_AFTER + timedelta(minutes=1))
    add_claim(mock_database, "courses", course_id, now - STALE_CLAIM_AFTER - timedelta(minutes=1))

    assert client.delete(f"/api/students/{student_id}").status_code == 409
    assert client.delete(f"/api/courses/{course_id}").status_code == 204


def test_a_stale_claim_whose_record_exists_still_blocks_the_delete(
    client: TestClient, mock_database: Database, pair: tuple[str, str]
) -> None:
    long_ago = datetime.now(UTC) - STALE_CLAIM_AFTER - timedelta(days=1)
    enrollment = {
        "_id": ObjectId.from_datetime(long_ago),
        **{k: ObjectId(v) for k, v in zip(("student_id", "course_id"), pair, strict=True)},
        "term": "2020-FALL",
    }
    run_in_own_loop(mock_database.enrollments.insert_one(enrollment))
    for collection, record_id in zip(("students", "courses"), pair, strict=True):
        run_in_own_loop(
            mock_database[collection].update_one(
                {"_id": ObjectId(record_id)}, {"$push": {"referenced_by": enrollment["_id"]}}
            )
        )

    response = client.delete(f"/api/students/{pair[0]}")

    assert response.status_code == 409
    assert response.json()["detail"] == "This student still has enrollments; delete those first."


def test_the_deploy_step_gives_older_records_their_claims(
    client: TestClient, mock_database: Database
) -> None:
    student_id, course_id, enrollment_id = ObjectId(), ObjectId(), ObjectId()
    for record_id, email in ((student_id, "old@x.org"), (ObjectId(), "lone@x.org")):
        student = {"_id": record_id, "name": "Old", "email": email, "email_folded": email}
        run_in_own_loop(mock_database.students.insert_one(student))
    course = {"_id": course_id, "code": "OLD1", "title": "Old"}
    run_in_own_loop(mock_database.courses.insert_one(course))
    enrollment = {"_id": enrollment_id, "student_id": student_id, "course_id": course_id}
    run_in_own_loop(mock_database.enrollments.insert_one(enrollment))

    run_in_own_loop(migrate(mock_database))
    run_in_own_loop(migrate(mock_database))  # idempotent

    assert claims(mock_database, "students", str(student_id)) == [enrollment_id]
    assert claims(mock_database, "courses", str(course_id)) == [enrollment_id]
    assert run_in_own_loop(mock_database.students.count_documents({"referenced_by": []})) == 1
    assert client.delete(f"/api/courses/{course_id}").status_code == 409


def test_a_resource_whose_references_could_change_is_refused_at_declaration() -> None:
    class EnrollmentMove(InputModel):
        course_id: str | None = None

    with pytest.raises(ValueError, match="course_id point at other records and cannot change;"):
        replace(ENROLLMENTS, update_model=EnrollmentMove)

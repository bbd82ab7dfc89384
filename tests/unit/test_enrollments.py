from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api_core.devtools.builders import course_body, enrollment_body, student_body

UNKNOWN_ID = "0123456789abcdef01234567"


@pytest.fixture
def student(client: TestClient) -> dict[str, Any]:
    return dict(client.post("/api/students", json=student_body()).json())


@pytest.fixture
def course(client: TestClient) -> dict[str, Any]:
    return dict(client.post("/api/courses", json=course_body()).json())


def enroll(client: TestClient, student_id: str, course_id: str, **fields: Any) -> Any:
    return client.post("/api/enrollments", json=enrollment_body(student_id, course_id, **fields))


def test_enroll_student_in_course_with_grade(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    response = enroll(client, student["id"], course["id"], grade="A-")

    assert response.status_code == 201
    body = response.json()
    assert body["student_id"] == student["id"]
    assert body["course_id"] == course["id"]
    assert body["term"] == "2026-FALL"
    assert body["grade"] == "A-"


def test_enroll_unknown_student_or_course_is_conflict(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    missing_student = enroll(client, UNKNOWN_ID, course["id"])
    missing_course = enroll(client, student["id"], UNKNOWN_ID)

    assert missing_student.status_code == 409
    assert "student_id" in missing_student.json()["detail"]
    assert missing_course.status_code == 409
    assert "course_id" in missing_course.json()["detail"]
    assert client.get("/api/enrollments").json()["items"] == []


def test_enroll_twice_in_same_course_and_term_is_conflict(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    assert enroll(client, student["id"], course["id"]).status_code == 201

    again = enroll(client, student["id"], course["id"])
    other_term = enroll(client, student["id"], course["id"], term="2027-SPRING")

    assert again.status_code == 409
    assert (
        again.json()["detail"] == "This student is already enrolled in this course for this term."
    )
    assert other_term.status_code == 201


def test_delete_student_or_course_with_enrollments_is_refused_and_keeps_everything(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    enrollment = enroll(client, student["id"], course["id"]).json()

    student_delete = client.delete(f"/api/students/{student['id']}")
    course_delete = client.delete(f"/api/courses/{course['id']}")

    assert student_delete.status_code == 409
    assert "enrollments" in student_delete.json()["detail"]
    assert course_delete.status_code == 409
    assert client.get(f"/api/students/{student['id']}").status_code == 200
    assert client.get(f"/api/courses/{course['id']}").status_code == 200
    assert client.get(f"/api/enrollments/{enrollment['id']}").status_code == 200


def test_delete_student_after_its_enrollments_are_gone_succeeds(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    enrollment = enroll(client, student["id"], course["id"]).json()

    assert client.delete(f"/api/enrollments/{enrollment['id']}").status_code == 204
    assert client.delete(f"/api/students/{student['id']}").status_code == 204


def test_list_enrollments_filters_by_student_and_course(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    other_student = client.post("/api/students", json=student_body()).json()
    other_course = client.post("/api/courses", json=course_body()).json()
    mine = enroll(client, student["id"], course["id"]).json()
    enroll(client, other_student["id"], course["id"])
    mine_too = enroll(client, student["id"], other_course["id"]).json()

    by_student = client.get("/api/enrollments", params={"student_id": student["id"]}).json()
    by_both = client.get(
        "/api/enrollments", params={"student_id": student["id"], "course_id": course["id"]}
    ).json()

    assert [e["id"] for e in by_student["items"]] == [mine["id"], mine_too["id"]]
    assert [e["id"] for e in by_both["items"]] == [mine["id"]]


def test_patch_enrollment_sets_and_clears_grade(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    enrollment = enroll(client, student["id"], course["id"]).json()
    url = f"/api/enrollments/{enrollment['id']}"

    graded = client.patch(url, json={"grade": "B+"}, headers={"If-Match": '"1"'})
    cleared = client.patch(url, json={"grade": None})

    assert graded.status_code == 200
    assert graded.json()["grade"] == "B+"
    assert cleared.json()["grade"] is None
    assert cleared.json()["version"] == 3


def test_patch_enrollment_cannot_move_it_to_another_student(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    enrollment = enroll(client, student["id"], course["id"]).json()

    response = client.patch(f"/api/enrollments/{enrollment['id']}", json={"student_id": UNKNOWN_ID})

    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "extra_forbidden"


def test_enrollment_refuses_bad_term_and_grade(
    client: TestClient, student: dict[str, Any], course: dict[str, Any]
) -> None:
    for fields in ({"term": "Fall 2026"}, {"term": "2026-fall"}, {"grade": "E"}, {"grade": "a"}):
        response = enroll(client, student["id"], course["id"], **fields)
        assert response.status_code == 422, fields

"""GET /api/students/{id}/transcript on mongomock: terms, credits, GPAs, errors."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api_core.devtools.builders import course_body, enrollment_body, student_body

UNKNOWN_ID = "0123456789abcdef01234567"


def create(client: TestClient, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/{resource}", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def enroll(client: TestClient, student: str, course: str, term: str, grade: str | None) -> None:
    fields = {"term": term} if grade is None else {"term": term, "grade": grade}
    create(client, "enrollments", enrollment_body(student, course, **fields))


def transcript(client: TestClient, student_id: str) -> dict[str, Any]:
    response = client.get(f"/api/students/{student_id}/transcript")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_transcript_groups_terms_in_season_order_with_term_and_cumulative_gpa(
    client: TestClient,
) -> None:
    student = create(client, "students", student_body())["id"]
    algebra = create(client, "courses", course_body(code="MATH101", title="Algebra", credits=4))
    physics = create(client, "courses", course_body(code="PHYS101", title="Physics", credits=3))
    art = create(client, "courses", course_body(code="ART100", title="Drawing", credits=2))
    # Alphabetically FALL < SPRING < SUMMER < WINTER; in a year it is the other way round.
    enroll(client, student, algebra["id"], "2026-FALL", "A-")
    enroll(client, student, physics["id"], "2026-FALL", None)
    enroll(client, student, art["id"], "2026-SPRING", "B+")
    enroll(client, student, physics["id"], "2027-WINTER", "F")

    body = transcript(client, student)

    assert [term["term"] for term in body["terms"]] == ["2026-SPRING", "2026-FALL", "2027-WINTER"]
    spring, fall, winter = body["terms"]
    assert spring["courses"] == [
        {"course_id": art["id"], "code": "ART100", "title": "Drawing", "credits": 2, "grade": "B+"}
    ]
    assert (spring["term_gpa"], spring["cumulative_gpa"]) == (3.3, 3.3)
    # Physics is ungraded: attempted, not earned, not in the GPA.
    assert [course["code"] for course in fall["courses"]] == ["MATH101", "PHYS101"]
    assert fall["courses"][1]["grade"] is None
    assert (fall["credits_attempted"], fall["credits_earned"], fall["gpa_credits"]) == (7, 4, 4)
    assert fall["term_gpa"] == 3.7
    assert fall["cumulative_gpa"] == 3.57  # (3.3 * 2 + 3.7 * 4) / 6 = 21.4 / 6 = 3.5666...
    # An F earns nothing and counts in the GPA.
    assert (winter["credits_attempted"], winter["credits_earned"]) == (3, 0)
    assert winter["term_gpa"] == 0.0
    assert winter["cumulative_gpa"] == 2.38  # 21.4 / 9 = 2.3777...
    assert body["student_id"] == student
    assert (body["credits_attempted"], body["credits_earned"], body["gpa_credits"]) == (12, 6, 9)
    assert body["quality_points"] == 21.4
    assert body["gpa"] == 2.38


def test_transcript_follows_a_grade_change(client: TestClient) -> None:
    student = create(client, "students", student_body())["id"]
    course = create(client, "courses", course_body(credits=5))
    enrollment = create(client, "enrollments", enrollment_body(student, course["id"]))
    assert transcript(client, student)["gpa"] is None

    client.patch(f"/api/enrollments/{enrollment['id']}", json={"grade": "B-"})

    assert transcript(client, student)["gpa"] == 2.7


def test_transcript_of_student_without_enrollments_is_empty(client: TestClient) -> None:
    student = create(client, "students", student_body())["id"]

    assert transcript(client, student) == {
        "student_id": student,
        "terms": [],
        "credits_attempted": 0,
        "credits_earned": 0,
        "gpa_credits": 0,
        "quality_points": 0.0,
        "gpa": None,
    }


def test_transcript_leaves_out_other_students_enrollments(client: TestClient) -> None:
    student, other = (create(client, "students", student_body())["id"] for _ in range(2))
    course = create(client, "courses", course_body())
    enroll(client, other, course["id"], "2026-FALL", "A")

    assert transcript(client, student)["terms"] == []


def test_transcript_of_unknown_or_malformed_id_is_not_found_problem(client: TestClient) -> None:
    for student_id in (UNKNOWN_ID, "not-an-id"):
        response = client.get(f"/api/students/{student_id}/transcript")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404

"""A course's roster in one request, and grading it in one request (issue 12, item 3)."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from fastapi.testclient import TestClient

from api_core import rosters
from api_core.devtools.builders import course_body, enrollment_body, student_body
from api_core.models.rosters import MAX_GRADE_ROWS, term_order

UNKNOWN_ID = "0123456789abcdef01234567"


def make(client: TestClient, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/{resource}", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def course(client: TestClient) -> dict[str, Any]:
    return make(client, "courses", course_body())


def enroll_new(client: TestClient, course_id: str, **fields: Any) -> dict[str, Any]:
    """A new student, enrolled in the course; the enrollment with `name` and `email` added."""
    student = make(client, "students", student_body())
    enrollment = make(client, "enrollments", enrollment_body(student["id"], course_id, **fields))
    return {**enrollment, "name": student["name"], "email": student["email"]}


def roster(client: TestClient, course_id: str, **query: Any) -> dict[str, Any]:
    response = client.get(f"/api/courses/{course_id}/roster", params=query)
    assert response.status_code == 200, response.text
    return dict(response.json())


def grade(client: TestClient, course_id: str, *rows: dict[str, Any]) -> Any:
    return client.patch(f"/api/courses/{course_id}/roster", json={"grades": list(rows)})


def test_roster_joins_each_enrollment_to_its_student(
    client: TestClient, course: dict[str, Any]
) -> None:
    first = enroll_new(client, course["id"], grade="B+")
    second = enroll_new(client, course["id"])

    page = roster(client, course["id"], term="2026-FALL")

    assert page["course_id"] == course["id"]
    assert page["term"] == "2026-FALL"
    assert page["terms"] == ["2026-FALL"]
    assert page["next_cursor"] is None
    assert page["items"] == [
        {
            "enrollment_id": e["id"],
            "student_id": e["student_id"],
            "name": e["name"],
            "email": e["email"],
            "term": "2026-FALL",
            "grade": e.get("grade"),
            "version": 1,
        }
        for e in (first, second)
    ]


def test_roster_of_one_term_leaves_out_other_terms_and_other_courses(
    client: TestClient, course: dict[str, Any]
) -> None:
    fall = enroll_new(client, course["id"], term="2026-FALL")
    spring = enroll_new(client, course["id"], term="2027-SPRING")
    winter = enroll_new(client, course["id"], term="2027-WINTER")
    other_course = make(client, "courses", course_body())
    enroll_new(client, other_course["id"], term="2026-FALL")

    def ids(**query: Any) -> list[str]:
        return [item["enrollment_id"] for item in roster(client, course["id"], **query)["items"]]

    assert ids(term="2026-FALL") == [fall["id"]]
    assert ids() == [fall["id"], spring["id"], winter["id"]]  # every term, enrollment order
    latest = roster(client, course["id"], term="latest")
    assert latest["term"] == "2027-SPRING"  # winter comes first in a year
    assert [item["enrollment_id"] for item in latest["items"]] == [spring["id"]]
    assert latest["terms"] == ["2027-SPRING", "2027-WINTER", "2026-FALL"]


def test_roster_pages_follow_the_cursor_without_repeats(
    client: TestClient, course: dict[str, Any]
) -> None:
    enrolled = [enroll_new(client, course["id"])["id"] for _ in range(7)]

    seen: list[str] = []
    pages = 0
    cursor = None
    while True:
        query = {"term": "2026-FALL", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = roster(client, course["id"], **query)
        pages += 1
        assert (page["terms"] is None) == (pages > 1)  # terms come with the first page
        seen += [item["enrollment_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == enrolled


def test_roster_of_course_without_enrollments_is_empty(
    client: TestClient, course: dict[str, Any]
) -> None:
    for query in ({}, {"term": "latest"}, {"term": "2026-FALL"}):
        page = roster(client, course["id"], **query)
        assert page["items"] == [] and page["terms"] == [] and page["next_cursor"] is None


@pytest.mark.parametrize("course_id", [UNKNOWN_ID, "not-an-id"])
@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_roster_of_unknown_course_is_404(client: TestClient, course_id: str, method: str) -> None:
    body = {"grades": [{"enrollment_id": UNKNOWN_ID, "grade": "A", "version": 1}]}
    response = client.request(
        method, f"/api/courses/{course_id}/roster", json=body if method == "PATCH" else None
    )

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        {"term": "2026-AUTUMN"},
        {"limit": 0},
        {"limit": 501},
        {"cursor": "nope"},
        {"cursor": "AAAAAAAAAAAAAAAA", "extra": "1"},
    ],
)
def test_roster_bad_query_is_problem(
    client: TestClient, course: dict[str, Any], query: dict[str, Any]
) -> None:
    response = client.get(f"/api/courses/{course['id']}/roster", params=query)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]


def test_grading_saves_each_row_and_reports_new_versions(
    client: TestClient, course: dict[str, Any]
) -> None:
    graded = enroll_new(client, course["id"], grade="C")
    ungraded = enroll_new(client, course["id"])

    response = grade(
        client,
        course["id"],
        {"enrollment_id": graded["id"], "grade": None, "version": 1},
        {"enrollment_id": ungraded["id"], "grade": "A-", "version": 1},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["saved"] == 2
    assert [
        (r["enrollment_id"], r["status"], r["grade"], r["version"]) for r in body["results"]
    ] == [
        (graded["id"], "ok", None, 2),
        (ungraded["id"], "ok", "A-", 2),
    ]
    stored = {i["enrollment_id"]: i for i in roster(client, course["id"])["items"]}
    assert stored[graded["id"]]["grade"] is None
    assert stored[ungraded["id"]]["grade"] == "A-"
    etag = client.get(f"/api/enrollments/{ungraded['id']}").headers["etag"]
    assert etag == '"2"'


def test_grading_reports_a_stale_row_as_conflict_and_saves_the_others(
    client: TestClient, course: dict[str, Any]
) -> None:
    mine = enroll_new(client, course["id"])
    theirs = enroll_new(client, course["id"])
    changed = client.patch(f"/api/enrollments/{theirs['id']}", json={"grade": "B"})
    assert changed.status_code == 200

    body = grade(
        client,
        course["id"],
        {"enrollment_id": mine["id"], "grade": "A", "version": 1},
        {"enrollment_id": theirs["id"], "grade": "F", "version": 1},
    ).json()

    assert body["saved"] == 1
    ok, conflict = body["results"]
    assert ok["status"] == "ok"
    assert (conflict["status"], conflict["grade"], conflict["version"]) == ("conflict", "B", 2)
    assert client.get(f"/api/enrollments/{theirs['id']}").json()["grade"] == "B"


def test_grading_refuses_rows_of_other_courses_unknown_or_repeated(
    client: TestClient, course: dict[str, Any]
) -> None:
    mine = enroll_new(client, course["id"])
    elsewhere = enroll_new(client, make(client, "courses", course_body())["id"])

    body = grade(
        client,
        course["id"],
        {"enrollment_id": elsewhere["id"], "grade": "A", "version": 1},
        {"enrollment_id": UNKNOWN_ID, "grade": "A", "version": 1},
        {"enrollment_id": mine["id"], "grade": "B", "version": 1},
        {"enrollment_id": mine["id"], "grade": "C", "version": 1},
    ).json()

    assert [r["status"] for r in body["results"]] == ["other_course", "not_found", "ok", "invalid"]
    assert client.get(f"/api/enrollments/{elsewhere['id']}").json()["grade"] is None
    assert client.get(f"/api/enrollments/{mine['id']}").json()["grade"] == "B"


def test_grading_reports_invalid_rows_and_saves_the_valid_ones(
    client: TestClient, course: dict[str, Any]
) -> None:
    mine = enroll_new(client, course["id"])

    body = grade(
        client,
        course["id"],
        {"enrollment_id": mine["id"], "grade": "E", "version": 1},
        {"enrollment_id": "xyz", "grade": "A", "version": 1},
        {"enrollment_id": mine["id"], "version": 1},  # grade left out: not a clear intent
        {"enrollment_id": mine["id"], "grade": "A", "version": 1, "term": "2026-FALL"},
        {"enrollment_id": mine["id"], "grade": "A", "version": 1},
    ).json()

    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["invalid", "invalid", "invalid", "invalid", "ok"]
    first = body["results"][0]
    assert first["enrollment_id"] == mine["id"]
    assert first["errors"][0]["loc"] == ["grade"]
    assert "input" not in first["errors"][0]  # never echo what was sent


@pytest.mark.parametrize(
    "body",
    [
        {"grades": []},
        {"grades": "all A"},
        {"grades": ["A"]},
        {"grades": [{}] * (MAX_GRADE_ROWS + 1)},
        {"rows": []},
        [],
    ],
)
def test_grading_bad_body_is_problem(client: TestClient, course: dict[str, Any], body: Any) -> None:
    response = client.patch(f"/api/courses/{course['id']}/roster", json=body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_grading_body_over_the_size_limit_is_413(
    client: TestClient, course: dict[str, Any]
) -> None:
    row = {"enrollment_id": UNKNOWN_ID, "grade": "A", "version": 1}
    response = client.patch(f"/api/courses/{course['id']}/roster", json={"grades": [row] * 400})

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_terms_sort_by_year_then_season() -> None:
    terms = ["2026-FALL", "2026-WINTER", "2025-FALL", "2026-SUMMER", "2026-SPRING"]
    assert sorted(terms, key=term_order) == [
        "2025-FALL",
        "2026-WINTER",
        "2026-SPRING",
        "2026-SUMMER",
        "2026-FALL",
    ]


def test_grading_a_row_changed_between_read_and_write_is_a_conflict_others_saved(
    client: TestClient,
    course: dict[str, Any],
    mock_database: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [enroll_new(client, course["id"]) for _ in range(3)]
    read = rosters._stored

    async def read_then_someone_grades(database: Any, changes: Any) -> Any:
        stored = await read(database, changes)
        if len(changes) == 3:  # the first read: the race happens right after it
            await mock_database.enrollments.update_one(
                {"_id": ObjectId(rows[1]["id"])}, {"$set": {"grade": "D"}, "$inc": {"version": 1}}
            )
        return stored

    monkeypatch.setattr(rosters, "_stored", read_then_someone_grades)
    body = grade(
        client,
        course["id"],
        *({"enrollment_id": r["id"], "grade": "A", "version": 1} for r in rows),
    ).json()

    assert [(r["status"], r["grade"], r["version"]) for r in body["results"]] == [
        ("ok", "A", 2),
        ("conflict", "D", 2),
        ("ok", "A", 2),
    ]
    grades = [item["grade"] for item in roster(client, course["id"])["items"]]
    assert grades == ["A", "D", "A"]

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_core.devtools.builders import course_body


def test_create_course_stores_code_upper_case(client: TestClient) -> None:
    response = client.post("/api/courses", json={"code": "cs101", "title": "Intro", "credits": 6})

    assert response.status_code == 201
    assert response.json()["code"] == "CS101"
    assert response.json()["credits"] == 6


def test_create_course_with_taken_code_in_other_case_is_conflict(client: TestClient) -> None:
    client.post("/api/courses", json=course_body(code="MATH200"))

    response = client.post("/api/courses", json=course_body(code="math200"))

    assert response.status_code == 409
    assert response.json()["detail"] == "A course with this code already exists."


def test_create_course_refuses_credits_out_of_range_or_not_integer(client: TestClient) -> None:
    for credits in (0, 21, 2.5, "6", True, None):
        response = client.post("/api/courses", json=course_body(credits=credits))
        assert response.status_code == 422, credits
        assert response.json()["errors"][0]["loc"] == ["body", "credits"]


def test_create_course_refuses_malformed_code(client: TestClient) -> None:
    for code in (
        "",
        "C",
        "101",
        "CS  101",
        "CS--101",
        "CS_101",
        "CS101; DROP",
        "A" * 30,
        "ＣＳ101",
    ):
        response = client.post("/api/courses", json=course_body(code=code))
        assert response.status_code == 422, code
        assert response.json()["errors"][0]["type"] == "string_pattern_mismatch", code


@pytest.mark.parametrize("spelling", ["math201", "MATH 201", "MATH-201", " Math-201 "])
def test_create_course_stores_the_canonical_code(client: TestClient, spelling: str) -> None:
    response = client.post("/api/courses", json=course_body(code=spelling))

    assert response.status_code == 201
    assert response.json()["code"] == "MATH201"


def test_create_course_spelled_another_way_is_the_same_course(client: TestClient) -> None:
    first = client.post("/api/courses", json=course_body(code="math201"))
    assert first.status_code == 201

    for spelling in ("MATH 201", "MATH-201", "Math201"):
        response = client.post("/api/courses", json=course_body(code=spelling))
        assert response.status_code == 409, spelling
    assert [c["code"] for c in client.get("/api/courses").json()["items"]] == ["MATH201"]


def test_patch_course_code_to_another_spelling_of_a_taken_code_is_conflict(
    client: TestClient,
) -> None:
    client.post("/api/courses", json=course_body(code="BIO110A"))
    other = client.post("/api/courses", json=course_body(code="BIO111")).json()

    response = client.patch(f"/api/courses/{other['id']}", json={"code": "bio-110a"})

    assert response.status_code == 409


def test_patch_course_title_keeps_other_fields(client: TestClient) -> None:
    course = client.post("/api/courses", json=course_body(credits=3)).json()

    response = client.patch(f"/api/courses/{course['id']}", json={"title": "Renamed"})

    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    assert response.json()["credits"] == 3
    assert response.json()["code"] == course["code"]


def test_delete_course_then_list_is_empty(client: TestClient) -> None:
    course = client.post("/api/courses", json=course_body()).json()

    assert client.delete(f"/api/courses/{course['id']}").status_code == 204

    assert client.get("/api/courses").json()["items"] == []


def test_list_courses_q_matches_start_of_code_or_title(client: TestClient) -> None:
    algebra = client.post("/api/courses", json=course_body(code="MATH101", title="Algebra")).json()
    client.post("/api/courses", json=course_body(code="CS101", title="Programming"))
    maths = client.post("/api/courses", json=course_body(code="PHY1", title="Mathematical physics"))

    response = client.get("/api/courses", params={"q": "MaTh"})

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [algebra["id"], maths.json()["id"]]

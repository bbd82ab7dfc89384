"""Bad input of every kind gets a clear 4xx problem+json, never a 500 or a leak."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api_core.devtools.builders import course_body, student_body

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert PROBLEM_KEYS <= body.keys()
    assert body["status"] == status
    text = response.text.lower()
    assert "traceback" not in text and "pymongo" not in text and "bson" not in text
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "", "email": "a@example.edu"}, "name"),
        ({"name": "   ", "email": "a@example.edu"}, "name"),
        ({"name": "x" * 101, "email": "a@example.edu"}, "name"),
        ({"name": "A", "email": "a@example.edu", "program": "p" * 101}, "program"),
        ({"name": 42, "email": "a@example.edu"}, "name"),
        ({"name": ["A"], "email": "a@example.edu"}, "name"),
        ({"name": {"$gt": ""}, "email": "a@example.edu"}, "name"),
        ({"name": "A", "email": {"$ne": None}}, "email"),
        ({"name": "A", "email": "a@example.edu", "$where": "1"}, "$where"),
        ({"name": "A", "email": "a@example.edu", "is_admin": True}, "is_admin"),
        ({"name": "A", "email": "a@example.edu", "date_of_birth": "yesterday"}, "date_of_birth"),
        ({"name": "A", "email": "a@example.edu", "date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"name": "A"}, "email"),
    ],
)
def test_create_student_with_invalid_field_is_422_naming_it(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(client.post("/api/students", json=body), 422)

    assert ["body", field] in [error["loc"] for error in problem["errors"]]
    for error in problem["errors"]:
        assert set(error) == {"loc", "msg", "type"}


@pytest.mark.parametrize("raw", ["{bad json", "", "null", "[]", '"text"', "{'single': 1}"])
def test_create_with_malformed_or_non_object_json_is_422(client: TestClient, raw: str) -> None:
    response = client.post(
        "/api/students", content=raw, headers={"content-type": "application/json"}
    )

    assert_problem(response, 422)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_body_that_is_not_utf8_is_422_like_other_malformed_json(
    client: TestClient, method: str
) -> None:
    # Found by the fuzz tests: FastAPI answered these bytes with an undocumented 400.
    url = "/api/students" if method == "POST" else "/api/students/0123456789abcdef01234567"
    response = client.request(
        method, url, content=b'{"name": "\xff\xfe"}', headers={"content-type": "application/json"}
    )

    problem = assert_problem(response, 422)
    assert problem["errors"] == [
        {"loc": ["body"], "msg": "JSON must be encoded as UTF-8", "type": "json_invalid"}
    ]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,  # json.loads: RecursionError
        '{"name": "A", "email": "a@example.edu", "program": ' + "1" * 5000 + "}",  # ValueError
    ],
    ids=["nested", "digits"],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_body_json_loads_cannot_take_is_422_like_other_malformed_json(
    client: TestClient, body: str, method: str
) -> None:
    # FastAPI answered these with an undocumented 400 "There was an error parsing the body".
    url = "/api/students" if method == "POST" else "/api/students/0123456789abcdef01234567"
    response = client.request(
        method, url, content=body, headers={"content-type": "application/json"}
    )

    problem = assert_problem(response, 422)
    assert problem["type"] == "/problems/validation-error"
    assert [error["type"] for error in problem["errors"]] == ["json_invalid"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_deep_but_parsable_values_are_an_ordinary_422(client: TestClient) -> None:
    deep = "[" * 500 + "]" * 500
    response = client.post(
        "/api/students",
        content=f'{{"name": {deep}, "email": "a@example.edu", "extra": {deep}}}',
        headers={"content-type": "application/json"},
    )

    problem = assert_problem(response, 422)
    assert [error["loc"] for error in problem["errors"]] == [["body", "name"], ["body", "extra"]]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_create_with_non_json_content_type_is_415(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/api/students", content=b"name=A", headers={"content-type": content_type}
    )

    assert_problem(response, 415)


def test_create_with_json_suffix_content_type_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/api/courses",
        content=b'{"code": "CS1", "title": "T", "credits": 1}',
        headers={"content-type": "application/merge-patch+json; charset=utf-8"},
    )

    assert response.status_code == 201


def test_body_over_the_limit_is_413_and_nothing_is_stored(client: TestClient) -> None:
    body = student_body(program="p" * 50_000)

    assert_problem(client.post("/api/students", json=body), 413)
    assert client.get("/api/students").json()["items"] == []


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Any:
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 1000
        yield b'"}'

    response = client.post(
        "/api/students", content=chunks(), headers={"content-type": "application/json"}
    )

    assert_problem(response, 413)


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"limit": '{"$gt": 0}'},
        {"cursor": "garbage!"},
        {"cursor": "AAAA"},
        {"cursor": "x" * 65},
        {"q": ""},
        {"q": "q" * 101},
        {"unknown": "1"},
        {"q[$regex]": "."},
    ],
)
def test_list_students_with_bad_query_is_422(client: TestClient, query: dict[str, str]) -> None:
    assert_problem(client.get("/api/students", params=query), 422)


@pytest.mark.parametrize(
    "query",
    [
        {"student_id": '{"$gt": ""}'},
        {"student_id": "not-an-id"},
        {"course_id": "0123456789ABCDEF01234567"},
        {"student_id[$ne]": "x"},
    ],
)
def test_list_enrollments_with_operator_or_bad_id_is_422(
    client: TestClient, query: dict[str, str]
) -> None:
    assert_problem(client.get("/api/enrollments", params=query), 422)


def test_operator_looking_strings_are_stored_as_plain_text(client: TestClient) -> None:
    created = client.post("/api/courses", json=course_body(title='{"$gt": ""}')).json()

    assert client.get(f"/api/courses/{created['id']}").json()["title"] == '{"$gt": ""}'


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_invalid_ids_are_404(client: TestClient, method: str) -> None:
    for record_id in ("nope", '{"$gt":""}', "0" * 25, "%24gt"):
        kwargs: dict[str, Any] = {"json": {}} if method == "patch" else {}
        response = getattr(client, method)(f"/api/students/{record_id}", **kwargs)
        assert_problem(response, 404)


@pytest.mark.parametrize("resource", ["students", "courses", "enrollments"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("suffix", ["%0A", "%0D%0A", "%20", "%00"])
def test_valid_id_with_trailing_newline_or_space_is_404(
    client: TestClient, resource: str, method: str, suffix: str
) -> None:
    # `$` in a regex also matches before a final newline: this id once passed the
    # check, then ObjectId() raised and the answer was a 500.
    kwargs: dict[str, Any] = {"json": {}} if method == "patch" else {}
    url = f"/api/{resource}/0123456789abcdef01234567{suffix}"

    assert_problem(getattr(client, method)(url, **kwargs), 404)


@pytest.mark.parametrize(
    ("resource", "query"),
    [
        ("enrollments", {"student_id": "0123456789abcdef01234567\n"}),
        ("enrollments", {"course_id": "0123456789abcdef01234567\n"}),
        ("students", {"cursor": "AAAAAAAAAAAAAAAA\n"}),
    ],
)
def test_query_id_or_cursor_with_trailing_newline_is_422(
    client: TestClient, resource: str, query: dict[str, str]
) -> None:
    # pydantic's `pattern` runs on Rust's regex engine, where `$` is the very end.
    assert_problem(client.get(f"/api/{resource}", params=query), 422)


def test_unknown_route_and_wrong_method_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/api/nothing-here"), 404)
    assert_problem(client.put("/api/students", json={}), 405)

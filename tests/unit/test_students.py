from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api_core.devtools.builders import student_body

PROBLEM = "application/problem+json"


def create(client: TestClient, **fields: object) -> dict[str, object]:
    response = client.post("/api/students", json=student_body(**fields))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_student_returns_record_location_and_etag(client: TestClient) -> None:
    response = client.post(
        "/api/students",
        json={"name": "  Ada Lovelace ", "email": "Ada@Example.edu", "date_of_birth": "2001-12-10"},
    )

    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"[0-9a-f]{24}", body["id"])
    assert body["name"] == "Ada Lovelace"
    assert body["email"] == "Ada@example.edu"  # the domain is normalised, the local part kept
    assert body["date_of_birth"] == "2001-12-10"
    assert body["program"] is None
    assert body["version"] == 1
    assert body["created_at"] == body["updated_at"]
    assert body["created_at"].endswith("Z")
    assert response.headers["location"] == f"/api/students/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert "email_folded" not in body and "_id" not in body


def test_get_student_returns_the_stored_record(client: TestClient) -> None:
    created = create(client, program="Physics")

    response = client.get(f"/api/students/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == '"1"'


def test_create_student_with_email_differing_only_in_case_is_conflict(client: TestClient) -> None:
    create(client, email="grace@example.edu")

    response = client.post("/api/students", json=student_body(email="GRACE@example.EDU"))

    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == "A student with this email already exists."


@pytest.mark.parametrize(
    "spelling", ["ＡＤＡ@example.edu", "ａｄａ@example.edu", "ADA@example.edu"]
)
def test_create_student_with_email_equal_under_nfkc_and_case_folding_is_conflict(
    client: TestClient, spelling: str
) -> None:
    create(client, email="ada@example.edu")

    response = client.post("/api/students", json=student_body(email=spelling))

    assert response.status_code == 409


def test_get_student_with_unknown_or_malformed_id_is_not_found(client: TestClient) -> None:
    for record_id in (
        "0123456789abcdef01234567",
        "123",
        "ZZZZZZZZZZZZZZZZZZZZZZZZ",
        "abcdefghijkl",
    ):
        response = client.get(f"/api/students/{record_id}")
        assert response.status_code == 404, record_id
        assert response.json()["status"] == 404


def test_patch_student_changes_only_fields_sent_and_bumps_version(client: TestClient) -> None:
    created = create(client, program="Physics")

    response = client.patch(f"/api/students/{created['id']}", json={"name": "New Name"})

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "New Name"
    assert body["program"] == "Physics"
    assert body["email"] == created["email"]
    assert body["version"] == 2
    assert body["updated_at"] >= body["created_at"]
    assert response.headers["etag"] == '"2"'


def test_patch_student_with_null_clears_optional_field(client: TestClient) -> None:
    created = create(client, program="Physics")

    response = client.patch(f"/api/students/{created['id']}", json={"program": None})

    assert response.status_code == 200
    assert response.json()["program"] is None


def test_patch_student_with_null_required_field_is_rejected(client: TestClient) -> None:
    created = create(client)

    response = client.patch(f"/api/students/{created['id']}", json={"name": None})

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "name"]


def test_patch_student_with_empty_body_returns_current_record(client: TestClient) -> None:
    created = create(client)

    response = client.patch(f"/api/students/{created['id']}", json={})

    assert response.status_code == 200
    assert response.json() == created


def test_patch_student_with_stale_if_match_is_precondition_failed(client: TestClient) -> None:
    created = create(client)
    url = f"/api/students/{created['id']}"
    assert client.patch(url, json={"name": "First"}, headers={"If-Match": '"1"'}).status_code == 200

    response = client.patch(url, json={"name": "Second"}, headers={"If-Match": '"1"'})

    assert response.status_code == 412
    assert response.headers["content-type"] == PROBLEM
    assert client.get(url).json()["name"] == "First"


def test_patch_student_with_current_if_match_succeeds(client: TestClient) -> None:
    created = create(client)
    url = f"/api/students/{created['id']}"
    etag = client.get(url).headers["etag"]

    response = client.patch(url, json={"name": "Fresh"}, headers={"If-Match": etag})

    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_patch_student_with_weak_or_foreign_if_match_is_precondition_failed(
    client: TestClient,
) -> None:
    created = create(client)
    url = f"/api/students/{created['id']}"
    for tag in ('W/"1"', "1", '"abc"'):
        response = client.patch(url, json={"name": "X"}, headers={"If-Match": tag})
        assert response.status_code == 412, tag


def test_patch_student_email_to_taken_email_is_conflict(client: TestClient) -> None:
    create(client, email="taken@example.edu")
    other = create(client)

    response = client.patch(f"/api/students/{other['id']}", json={"email": "Taken@example.edu"})

    assert response.status_code == 409
    assert client.get(f"/api/students/{other['id']}").json()["email"] == other["email"]


def test_patch_unknown_student_is_not_found(client: TestClient) -> None:
    response = client.patch("/api/students/0123456789abcdef01234567", json={"name": "X"})

    assert response.status_code == 404


def test_delete_student_removes_it(client: TestClient) -> None:
    created = create(client)
    url = f"/api/students/{created['id']}"

    response = client.delete(url)

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_delete_student_with_stale_if_match_keeps_it(client: TestClient) -> None:
    created = create(client)
    url = f"/api/students/{created['id']}"
    client.patch(url, json={"name": "Changed"})

    response = client.delete(url, headers={"If-Match": '"1"'})

    assert response.status_code == 412
    assert client.get(url).status_code == 200
    assert client.delete(url, headers={"If-Match": '"2"'}).status_code == 204


def test_list_students_q_matches_the_start_of_any_word_of_name_or_email(
    client: TestClient,
) -> None:
    ada = create(client, name="Ada Lovelace", email="countess@example.edu")
    alan = create(client, name="Alan Turing", email="ADA.fan@example.edu")
    create(client, name="Grace Hopper", email="grace@example.edu")
    lovelace = create(client, name="Lovelace Ada", email="lovelace@example.edu")

    response = client.get("/api/students", params={"q": "aDa"})

    assert response.status_code == 200
    assert [s["id"] for s in response.json()["items"]] == [ada["id"], alan["id"], lovelace["id"]]


def test_list_students_q_is_literal_not_a_regex(client: TestClient) -> None:
    ada = create(client, name="Ada Lovelace")

    for q in (".*", "A.a", "L.*e", "-"):
        response = client.get("/api/students", params={"q": q})
        assert response.status_code == 200
        assert response.json()["items"] == [], q
    # Punctuation is not a pattern: it is ignored, as in "O'Brien".
    for q in ("^A", "[A]"):
        assert [s["id"] for s in client.get("/api/students", params={"q": q}).json()["items"]] == [
            ada["id"]
        ], q


def test_list_students_without_records_is_empty_page(client: TestClient) -> None:
    response = client.get("/api/students")

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_api_responses_carry_nosniff_and_no_store(client: TestClient) -> None:
    response = client.get("/api/students")

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_list_students_q_longer_than_indexed_prefix_still_matches_exactly(
    client: TestClient,
) -> None:
    match = create(client, name="Hubert Wolfeschlegelsteinhausenbergerdorff")
    create(client, name="Karl Wolfeschlegelsteinhauser")  # the same first 16 letters

    response = client.get("/api/students", params={"q": "wolfeschlegelsteinhausenb"})

    assert [s["id"] for s in response.json()["items"]] == [match["id"]]


def test_list_students_q_finds_record_after_rename(client: TestClient) -> None:
    created = create(client, name="Old Name")
    client.patch(f"/api/students/{created['id']}", json={"name": "Xavier"})

    assert [s["id"] for s in client.get("/api/students", params={"q": "xav"}).json()["items"]] == [
        created["id"]
    ]
    assert client.get("/api/students", params={"q": "old"}).json()["items"] == []

"""`?sort=` and `?count=true` on lists: orders, cursors within an order, counts."""

from __future__ import annotations

import base64
from typing import Any

import bson
import pytest
from bson import ObjectId
from fastapi.testclient import TestClient

from api_core.database import Database
from api_core.devtools.builders import student_body
from api_core.devtools.loops import run_in_own_loop
from api_core.ids import decode_cursor, encode_cursor
from api_core.migrate import migrate
from api_core.resources import COURSES, STUDENTS, Resource
from api_core.search import search_copies
from tests.support.legacy import legacy_student

PROBLEM = "application/problem+json"
NAMES = ["zoë Adams", "Élodie Martin", "bob Stone", "Ada King", "Émile Roux", "ada Brown"]


def names_page(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/students", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def every_page(client: TestClient, path: str, **params: Any) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get(path, params=query).json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_sort_by_name_ignores_case_and_accents_and_ties_by_creation(client: TestClient) -> None:
    made = [client.post("/api/students", json=student_body(name=n)).json() for n in NAMES]

    pages = every_page(client, "/api/students", sort="name", limit=2)

    names = [item["name"] for page in pages for item in page]
    assert names == [
        "ada Brown",
        "Ada King",
        "bob Stone",
        "Élodie Martin",
        "Émile Roux",
        "zoë Adams",
    ]
    assert [len(page) for page in pages] == [2, 2, 2]
    assert sorted(item["id"] for page in pages for item in page) == sorted(m["id"] for m in made)


def test_sort_by_name_equal_names_page_by_creation_without_repeats(client: TestClient) -> None:
    made = [
        client.post("/api/students", json=student_body(name="Kim Lee")).json()["id"]
        for _ in range(5)
    ]

    pages = every_page(client, "/api/students", sort="name", limit=2)

    assert [item["id"] for page in pages for item in page] == made


def test_sorted_cursor_is_stable_when_records_arrive_before_it(client: TestClient) -> None:
    for name in ("Carl", "Dora", "Emil", "Finn"):
        client.post("/api/students", json=student_body(name=name))
    first = names_page(client, sort="name", limit=2)
    client.post("/api/students", json=student_body(name="Aaron"))  # before the cursor
    client.post("/api/students", json=student_body(name="Dorian"))  # after it

    second = names_page(client, sort="name", limit=10, cursor=first["next_cursor"])

    assert [s["name"] for s in first["items"]] == ["Carl", "Dora"]
    assert [s["name"] for s in second["items"]] == ["Dorian", "Emil", "Finn"]


def test_sort_by_code_orders_courses_by_canonical_code(client: TestClient) -> None:
    for code in ("PHYS110", "cs 101", "MATH-201", "BIO100"):
        response = client.post("/api/courses", json={"code": code, "title": "T", "credits": 5})
        assert response.status_code == 201

    pages = every_page(client, "/api/courses", sort="code", limit=3)

    assert [c["code"] for page in pages for c in page] == ["BIO100", "CS101", "MATH201", "PHYS110"]


def test_default_order_is_creation_and_created_names_it(client: TestClient) -> None:
    made = [client.post("/api/students", json=student_body(name=n)).json()["id"] for n in NAMES]

    default = names_page(client, limit=100)
    created = names_page(client, limit=100, sort="created")

    assert [s["id"] for s in default["items"]] == made
    assert [s["id"] for s in created["items"]] == made


@pytest.mark.parametrize(
    ("path", "params", "loc"),
    [
        ("/api/students", {"sort": "email"}, ["query", "sort"]),
        ("/api/students", {"sort": "code"}, ["query", "sort"]),
        ("/api/courses", {"sort": "name"}, ["query", "sort"]),
        ("/api/enrollments", {"sort": "name"}, ["query", "sort"]),
        ("/api/students", {"sort": "name", "q": "ada"}, ["query", "sort"]),
        ("/api/students", {"count": "maybe"}, ["query", "count"]),
    ],
)
def test_list_refuses_an_order_it_does_not_offer(
    client: TestClient, path: str, params: dict[str, str], loc: list[str]
) -> None:
    response = client.get(path, params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [error["loc"] for error in response.json()["errors"]] == [loc]


def test_cursor_of_one_order_is_refused_in_another(client: TestClient) -> None:
    for name in ("Carl", "Dora", "Emil"):
        client.post("/api/students", json=student_body(name=name))
    by_name = names_page(client, sort="name", limit=1)["next_cursor"]
    by_creation = names_page(client, limit=1)["next_cursor"]

    for params in ({"cursor": by_name}, {"cursor": by_creation, "sort": "name"}):
        response = client.get("/api/students", params=params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["type"] == "cursor_sort"


@pytest.mark.parametrize(
    "raw",
    [
        bson.encode({"s": "name", "v": "x"}),  # no id
        bson.encode({"s": 3, "v": "x", "i": ObjectId()}),  # a sort that is not a name
        bson.encode({"s": "name", "v": "x", "i": "not an id"}),
        b"\x20\x00\x00\x00" + b"\x02" * 40,  # not BSON
        bytes(30),
    ],
)
def test_forged_sorted_cursor_is_a_422(client: TestClient, raw: bytes) -> None:
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")

    response = client.get("/api/students", params={"sort": "name", "cursor": cursor})

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


def test_sorted_cursor_round_trips_any_bson_value() -> None:
    last = ObjectId()
    for value in ("élodie", 7, None):
        cursor = decode_cursor(encode_cursor(last, "name", value))
        assert (cursor.last_id, cursor.sort, cursor.value) == (last, "name", value)
    assert decode_cursor(encode_cursor(last)).sort is None
    assert len(encode_cursor(last)) == 16


def test_count_gives_total_of_every_match_only_when_asked(client: TestClient) -> None:
    for n in range(7):
        client.post("/api/students", json=student_body(name=f"Zed {n}"))
    for n in range(3):
        client.post("/api/students", json=student_body(name=f"Other {n}"))

    plain = names_page(client, limit=2)
    everyone = names_page(client, limit=2, count="true")
    zeds = names_page(client, limit=2, count="true", q="zed")
    later = names_page(client, limit=2, count="true", q="zed", cursor=zeds["next_cursor"])
    by_name = names_page(client, limit=2, count="true", sort="name")

    assert "total" not in plain
    assert everyone["total"] == 10 and len(everyone["items"]) == 2
    assert zeds["total"] == 7
    assert later["total"] == 7  # all matches, not those after the cursor
    assert by_name["total"] == 10


def test_search_copies_carry_an_order_without_case_or_accents() -> None:
    assert search_copies("name", "Ångström O'Brien")["name_order"] == "angstrom o'brien"


def test_declared_sorts_each_get_an_index_of_field_then_id() -> None:
    keys = {
        resource.name: {i.document["name"]: list(i.document["key"]) for i in resource.all_indexes}
        for resource in (STUDENTS, COURSES)
    }

    assert keys["students"]["by_name"] == ["name_order", "_id"]
    assert keys["courses"]["by_code"] == ["code", "_id"]


@pytest.mark.parametrize(
    ("sorts", "message"),
    [
        ({"program": "program_order"}, "must use a required field, not 'program'"),
        ({"birthday": "date_of_birth"}, "must use a required field, not 'date_of_birth'"),
        ({"name": "nickname"}, "uses nickname, but no student stores it"),
        ({"created": "name_order"}, "not 'created'"),
        ({"By Name": "name_order"}, "lower_snake_case"),
    ],
)
def test_declaration_refuses_a_sort_that_cannot_page(sorts: dict[str, str], message: str) -> None:
    fields: dict[str, Any] = {
        name: getattr(STUDENTS, name) for name in Resource.__dataclass_fields__
    }

    with pytest.raises(ValueError, match=message):
        Resource(**{**fields, "sorts": sorts})


def test_openapi_offers_each_declared_sort(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]

    def sort_values(path: str) -> Any:
        (sort,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == "sort"]
        schema = sort["schema"]
        return schema.get("enum", [schema.get("const")])

    assert sort_values("/api/students") == ["created", "name"]
    assert sort_values("/api/courses") == ["created", "code"]
    assert sort_values("/api/enrollments") == ["created"]


def test_migration_gives_older_records_their_order_copy(
    client: TestClient, mock_database: Database
) -> None:
    run_in_own_loop(
        mock_database["students"].insert_many(
            [legacy_student("Émile Roux", "emile@example.edu"), legacy_student("Zoe", "z@x.org")]
        )
    )
    client.post("/api/students", json=student_body(name="Dora"))
    before = names_page(client, sort="name")["items"]

    run_in_own_loop(migrate(mock_database))

    # Without the copy they sort first, as a missing field sorts as null.
    assert [s["name"] for s in before] == ["Émile Roux", "Zoe", "Dora"]
    after = names_page(client, sort="name")["items"]
    assert [s["name"] for s in after] == ["Dora", "Émile Roux", "Zoe"]
    assert [
        s["name"]
        for page in every_page(client, "/api/students", sort="name", limit=1)
        for s in page
    ] == ["Dora", "Émile Roux", "Zoe"]


def test_sorted_cursor_after_the_longest_name_is_accepted(client: TestClient) -> None:
    # "ﷺ" decomposes into 18 characters: the order copy is capped, and so is the cursor.
    for _ in range(2):
        client.post("/api/students", json=student_body(name="ﷺ" * 100))

    pages = every_page(client, "/api/students", sort="name", limit=1)

    assert [len(page) for page in pages] == [1, 1]

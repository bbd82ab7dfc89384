"""The contract every declared resource keeps, checked for each of them.

A resource is covered the moment it is declared in ALL_RESOURCES: its examples are
created, read, listed page by page, searched, changed and deleted, and each refusal
the design promises (404, 409, 412, 422) is provoked.
"""

from __future__ import annotations

from typing import Any

import pytest

from api_core.resources import ALL_RESOURCES, Resource
from tests.contract.api import Answer, Api, Records, changes
from tests.contract.conftest import ids

PROBLEM = "application/problem+json"
UNKNOWN_ID = "0123456789abcdef01234567"

each_resource = pytest.mark.parametrize("resource", ALL_RESOURCES, ids=ids)


def path(resource: Resource, record_id: str | None = None) -> str:
    return f"/api/{resource.name}" + ("" if record_id is None else f"/{record_id}")


def assert_problem(answer: Answer, status: int) -> None:
    assert answer.status == status, answer
    assert answer.headers["content-type"] == PROBLEM
    assert {"type", "title", "status", "detail"} <= set(answer.body)
    assert answer.body["status"] == status


def stored(resource: Resource, body: dict[str, Any]) -> dict[str, Any]:
    """The fields of `body` as the API stores them (the models normalise: CS101, dates)."""
    normalised = resource.create_model.model_validate(body).model_dump(mode="json")
    return {name: normalised[name] for name in body}


@each_resource
def test_create_then_read_gives_the_record_its_location_and_etag(
    api: Api, records: Records, resource: Resource
) -> None:
    body = records.body(resource, 0)

    created = api("POST", path(resource), body)

    assert created.status == 201, created
    record = created.body
    assert created.headers["location"] == path(resource, record["id"])
    assert created.headers["etag"] == f'"{record["version"]}"'
    assert {k: record[k] for k in body} == stored(resource, body)
    read = api("GET", created.headers["location"])
    assert read.status == 200
    assert read.body == record
    assert read.headers["etag"] == created.headers["etag"]


@each_resource
def test_list_pages_through_every_record_once_by_cursor(
    api: Api, records: Records, resource: Resource
) -> None:
    made = [records.create(resource, n)["id"] for n in (0, 1)]

    seen, pages, query = [], 0, {"limit": "1"}
    while True:
        page = api("GET", path(resource), query=query)
        assert page.status == 200, page
        assert len(page.body["items"]) <= 1
        seen += [item["id"] for item in page.body["items"]]
        pages += 1
        if page.body["next_cursor"] is None:
            break
        query = {"limit": "1", "cursor": page.body["next_cursor"]}

    assert seen == made
    assert pages == 2


@pytest.mark.parametrize(
    ("resource", "field"),
    [(r, f) for r in ALL_RESOURCES for f in r.search_fields],
    ids=[f"{r.name}-{f}" for r in ALL_RESOURCES for f in r.search_fields],
)
def test_search_finds_a_record_by_the_start_of_a_search_field_in_any_case(
    api: Api, records: Records, resource: Resource, field: str
) -> None:
    first, second = (records.create(resource, n) for n in (0, 1))
    value = str(first[field])
    start = value[: max(1, len(value) // 2)].swapcase()

    found = api("GET", path(resource), query={"q": start})

    assert found.status == 200, found
    expected = [
        record["id"]
        for record in (first, second)
        if any(str(record[f]).lower().startswith(start.lower()) for f in resource.search_fields)
    ]
    assert sorted(item["id"] for item in found.body["items"]) == sorted(expected)
    assert first["id"] in expected


@each_resource
def test_patch_with_the_current_etag_changes_the_sent_fields_and_bumps_the_version(
    api: Api, records: Records, resource: Resource
) -> None:
    record = records.create(resource, 0)
    body = changes(resource)

    changed = api("PATCH", path(resource, record["id"]), body, headers={"If-Match": '"1"'})

    assert changed.status == 200, changed
    assert changed.body["version"] == record["version"] + 1
    assert changed.headers["etag"] == f'"{record["version"] + 1}"'
    expected = {**record, **stored(resource, {**records.body(resource, 0), **body})}
    unchanged = {"id", "created_at"}
    assert {k: changed.body[k] for k in unchanged} == {k: record[k] for k in unchanged}
    assert {k: changed.body[k] for k in body} == {k: expected[k] for k in body}
    assert api("GET", path(resource, record["id"])).body == changed.body


@each_resource
def test_patch_or_delete_with_a_stale_etag_is_412_and_changes_nothing(
    api: Api, records: Records, resource: Resource
) -> None:
    record = records.create(resource, 0)
    api("PATCH", path(resource, record["id"]), changes(resource))
    stale = {"If-Match": f'"{record["version"]}"'}
    current = api("GET", path(resource, record["id"]))

    one = path(resource, record["id"])
    assert_problem(api("PATCH", one, changes(resource), headers=stale), 412)
    assert_problem(api("DELETE", one, headers=stale), 412)

    assert api("GET", path(resource, record["id"])).body == current.body


@each_resource
def test_delete_with_the_current_etag_removes_the_record(
    api: Api, records: Records, resource: Resource
) -> None:
    record = records.create(resource, 0)

    deleted = api("DELETE", path(resource, record["id"]), headers={"If-Match": '"1"'})

    assert deleted.status == 204, deleted
    assert_problem(api("GET", path(resource, record["id"])), 404)
    assert api("GET", path(resource)).body["items"] == []


@each_resource
@pytest.mark.parametrize("record_id", [UNKNOWN_ID, "not-an-id", "0123456789ABCDEF0123456"])
def test_an_unknown_or_malformed_id_is_404_for_every_operation_on_a_record(
    api: Api, resource: Resource, record_id: str
) -> None:
    assert_problem(api("GET", path(resource, record_id)), 404)
    assert_problem(api("PATCH", path(resource, record_id), changes(resource)), 404)
    assert_problem(api("DELETE", path(resource, record_id)), 404)


UNIQUE = [
    (resource, index.document["name"])
    for resource in ALL_RESOURCES
    for index in resource.indexes
    if index.document.get("unique")
]


@pytest.mark.parametrize(("resource", "index"), UNIQUE, ids=[f"{r.name}-{i}" for r, i in UNIQUE])
def test_a_second_record_with_the_same_unique_key_is_409_by_create_and_by_patch(
    api: Api, records: Records, resource: Resource, index: str
) -> None:
    first, second = (records.create(resource, n) for n in (0, 1))
    key = {k: v for k, v in records.body(resource, 0).items()}

    again = api("POST", path(resource), key)
    fields = set(resource.update_model.model_fields) & set(key)
    moved = api("PATCH", path(resource, second["id"]), {k: key[k] for k in fields})

    for answer in (again, moved):
        assert_problem(answer, 409)
        if index in resource.unique_messages:
            assert answer.body["detail"] == resource.unique_messages[index]
    listed = api("GET", path(resource)).body["items"]
    assert [item["id"] for item in listed] == [first["id"], second["id"]]


@each_resource
def test_a_body_with_an_unknown_or_missing_field_is_422_naming_it(
    api: Api, records: Records, resource: Resource
) -> None:
    body = records.body(resource, 0)
    required = [n for n, f in resource.create_model.model_fields.items() if f.is_required()]

    unknown = api("POST", path(resource), {**body, "no_such_field": 1})
    assert_problem(unknown, 422)
    assert ["body", "no_such_field"] in [error["loc"] for error in unknown.body["errors"]]
    for name in required:
        missing = api("POST", path(resource), {k: v for k, v in body.items() if k != name})
        assert_problem(missing, 422)
        assert ["body", name] in [error["loc"] for error in missing.body["errors"]]
    assert api("GET", path(resource)).body["items"] == []


REFERENCES = [(r, name) for r in ALL_RESOURCES for name in r.references]


@pytest.mark.parametrize(
    ("resource", "field"), REFERENCES, ids=[f"{r.name}-{n}" for r, n in REFERENCES]
)
def test_a_reference_to_a_missing_record_is_409_and_the_target_cannot_go_while_referred_to(
    api: Api, records: Records, resource: Resource, field: str
) -> None:
    body = records.body(resource, 0)

    dangling = api("POST", path(resource), {**body, field: UNKNOWN_ID})
    assert_problem(dangling, 409)
    records.create(resource, 0)
    target = f"/api/{resource.references[field]}/{body[field]}"
    assert_problem(api("DELETE", target), 409)
    assert api("GET", target).status == 200

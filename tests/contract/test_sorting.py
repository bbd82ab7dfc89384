"""Every declared sort pages through its records in order, once each, by cursor; counts
count every match. Run on mongomock and through the functions on the wire server."""

from __future__ import annotations

from typing import Any

import pytest

from api_core.models.base import CREATION_ORDER
from api_core.resources import ALL_RESOURCES, Resource
from api_core.search import ordered, plain
from tests.contract.api import Api, Records
from tests.contract.conftest import ids
from tests.contract.test_crud import assert_problem, path

SORTS = [(r, name) for r in ALL_RESOURCES for name in r.sorts]
each_sort = pytest.mark.parametrize(
    ("resource", "sort"), SORTS, ids=[f"{r.name}-{name}" for r, name in SORTS]
)
each_resource = pytest.mark.parametrize("resource", ALL_RESOURCES, ids=ids)


def sort_value(resource: Resource, sort: str, record: dict[str, Any]) -> Any:
    """What the API sorts `record` by, from its public fields."""
    key = resource.sorts[sort]
    for field in resource.search_fields:
        if key == ordered(field):
            return plain(record[field])
    return record[key]


def follow(api: Api, resource: Resource, **query: str) -> list[str]:
    seen, cursor = [], None
    while True:
        page = api("GET", path(resource), query={**query, **({"cursor": cursor} if cursor else {})})
        assert page.status == 200, page
        assert len(page.body["items"]) <= int(query["limit"])
        seen += [item["id"] for item in page.body["items"]]
        cursor = page.body["next_cursor"]
        if cursor is None:
            return seen


@each_sort
def test_sorted_list_pages_through_every_record_once_in_order(
    api: Api, records: Records, resource: Resource, sort: str
) -> None:
    bodies = [records.body(resource, n) for n in (0, 1)]
    values = [
        sort_value(resource, sort, resource.create_model.model_validate(b).model_dump())
        for b in bodies
    ]
    # Created last-first, so that the sort's order is not also the creation order.
    made = [
        records.create(resource, n) for n in sorted((0, 1), key=lambda n: values[n], reverse=True)
    ]
    expected = [
        r["id"] for r in sorted(made, key=lambda r: (sort_value(resource, sort, r), r["id"]))
    ]

    seen = follow(api, resource, sort=sort, limit="1")

    assert seen == expected
    assert values[0] == values[1] or seen != [r["id"] for r in made]
    assert follow(api, resource, sort=CREATION_ORDER, limit="1") == [r["id"] for r in made]


@each_sort
def test_sorted_cursor_refused_in_creation_order(
    api: Api, records: Records, resource: Resource, sort: str
) -> None:
    for n in (0, 1):
        records.create(resource, n)
    first = api("GET", path(resource), query={"sort": sort, "limit": "1"})

    answer = api("GET", path(resource), query={"cursor": first.body["next_cursor"], "limit": "1"})

    assert_problem(answer, 422)


@each_sort
def test_sort_with_a_search_is_a_422_naming_sort(api: Api, resource: Resource, sort: str) -> None:
    if not resource.search_fields:
        pytest.fail(f"{resource.name} declares sorts but no search: write this test's twin")

    answer = api("GET", path(resource), query={"sort": sort, "q": "a"})

    assert_problem(answer, 422)
    assert answer.body["errors"][0]["loc"] == ["query", "sort"]


@each_resource
def test_an_order_not_declared_is_a_422_naming_sort(api: Api, resource: Resource) -> None:
    answer = api("GET", path(resource), query={"sort": "no_such_order"})

    assert_problem(answer, 422)
    assert answer.body["errors"][0]["loc"] == ["query", "sort"]


@each_resource
def test_count_gives_every_match_on_any_page(
    api: Api, records: Records, resource: Resource
) -> None:
    for n in (0, 1):
        records.create(resource, n)

    first = api("GET", path(resource), query={"limit": "1", "count": "true"})
    second = api(
        "GET",
        path(resource),
        query={"limit": "1", "count": "true", "cursor": first.body["next_cursor"]},
    )
    uncounted = api("GET", path(resource), query={"limit": "1"})

    assert (first.body["total"], second.body["total"]) == (2, 2)
    assert "total" not in uncounted.body

from __future__ import annotations

from fastapi.testclient import TestClient

from api_core.devtools.builders import student_body


def test_list_follows_cursors_through_every_record_once_in_creation_order(
    client: TestClient,
) -> None:
    created = [client.post("/api/students", json=student_body()).json()["id"] for _ in range(25)]

    seen: list[str] = []
    pages = 0
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/students", params=params).json()
        pages += 1
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == created


def test_list_default_limit_is_twenty(client: TestClient) -> None:
    for _ in range(21):
        client.post("/api/students", json=student_body())

    page = client.get("/api/students").json()

    assert len(page["items"]) == 20
    assert page["next_cursor"] is not None


def test_list_exactly_one_full_page_has_no_next_cursor(client: TestClient) -> None:
    for _ in range(5):
        client.post("/api/students", json=student_body())

    page = client.get("/api/students", params={"limit": 5}).json()

    assert len(page["items"]) == 5
    assert page["next_cursor"] is None


def test_list_with_filter_keeps_filter_across_pages(client: TestClient) -> None:
    for n in range(6):
        client.post("/api/students", json=student_body(name=f"Zed {n}"))
        client.post("/api/students", json=student_body(name=f"Other {n}"))

    first = client.get("/api/students", params={"q": "zed", "limit": 4}).json()
    second = client.get(
        "/api/students", params={"q": "zed", "limit": 4, "cursor": first["next_cursor"]}
    ).json()

    names = [s["name"] for s in first["items"] + second["items"]]
    assert names == [f"Zed {n}" for n in range(6)]
    assert second["next_cursor"] is None

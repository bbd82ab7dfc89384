"""Concurrent writers on a real server: no lost update, no duplicate, nothing silent."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from api_core.devtools.app_server import AppServer
from api_core.devtools.builders import student_body
from api_core.devtools.wire_server import WireServer


@pytest.fixture(scope="module")
def app_server(wire_server: WireServer) -> Iterator[AppServer]:
    env = {"MONGODB_URI": wire_server.uri, "MONGODB_DB": f"concurrency_{uuid.uuid4().hex[:8]}"}
    with AppServer(env) as server:
        yield server


def all_at_once(count: int, request: Callable[[httpx.Client, int], httpx.Response]) -> list[Any]:
    """Run `count` requests from as many threads, released together by a barrier."""
    barrier = threading.Barrier(count)

    def worker(n: int) -> httpx.Response:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            return request(client, n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(worker, range(count)))


def test_twenty_patches_with_the_same_if_match_one_wins_nineteen_get_412(
    app_server: AppServer,
) -> None:
    url = f"{app_server.base_url}/api/students"
    created = httpx.post(url, json=student_body())
    record_url = f"{url}/{created.json()['id']}"
    etag = created.headers["etag"]

    responses = all_at_once(
        20,
        lambda client, n: client.patch(
            record_url, json={"program": f"Program {n}"}, headers={"If-Match": etag}
        ),
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 19
    (winner,) = [r.json() for r in responses if r.status_code == 200]
    final = httpx.get(record_url).json()
    assert final["version"] == 2
    assert final["program"] == winner["program"]


def test_ten_creates_with_the_same_email_make_exactly_one_student(app_server: AppServer) -> None:
    url = f"{app_server.base_url}/api/students"
    email = f"race-{uuid.uuid4().hex[:8]}@example.edu"

    responses = all_at_once(
        10,
        lambda client, n: client.post(
            url, json=student_body(email=email.upper() if n % 2 else email)
        ),
    )

    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    matches = httpx.get(url, params={"q": email}).json()["items"]
    assert len(matches) == 1


def test_concurrent_patches_without_if_match_lose_no_version(app_server: AppServer) -> None:
    url = f"{app_server.base_url}/api/students"
    record_url = f"{url}/{httpx.post(url, json=student_body()).json()['id']}"

    responses = all_at_once(
        10, lambda client, n: client.patch(record_url, json={"program": f"P{n}"})
    )

    assert all(r.status_code == 200 for r in responses)
    assert sorted(r.json()["version"] for r in responses) == list(range(2, 12))
    assert httpx.get(record_url).json()["version"] == 11

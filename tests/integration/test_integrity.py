"""No orphans under racing writes: creates of enrollments against deletes of what they name.

Each trial releases four enrollment creates and one delete of the student (or the
course) they name at the same moment, against two server processes on a real wire
server. Whatever the interleaving, no enrollment may point at a deleted record.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bson import ObjectId
from pymongo import MongoClient

from api_core.devtools.app_server import AppServer
from api_core.devtools.builders import course_body, student_body
from api_core.devtools.loops import run_in_own_loop
from api_core.devtools.wire_server import WireServer

TRIALS = 200
AT_ONCE = 8  # trials running side by side
TERMS = ("2026-FALL", "2026-SPRING", "2027-FALL", "2027-SPRING")


@pytest.fixture(scope="module")
def database_name() -> str:
    return f"integrity_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def app_server(wire_server: WireServer, database_name: str) -> Iterator[AppServer]:
    env = {
        "MONGODB_URI": wire_server.uri,
        "MONGODB_DB": database_name,
        "AUTH_MODE": "off",
        # About integrity, not deadlines: a loaded machine must not turn writes into 503s.
        "MONGODB_TIMEOUT_MS": "30000",
    }
    with AppServer(env, workers=2) as server:
        yield server


async def one_trial(client: httpx.AsyncClient, doomed: str) -> dict[str, Any]:
    """Four enrollments and a delete of their `doomed` ("students" or "courses") at once."""
    student = (await client.post("/api/students", json=student_body())).json()
    course = (await client.post("/api/courses", json=course_body())).json()
    target = student if doomed == "students" else course

    async def jittered(request: Any) -> httpx.Response:
        await asyncio.sleep(random.uniform(0, 0.004))
        response: httpx.Response = await request
        return response

    creates = [
        client.post(
            "/api/enrollments",
            json={"student_id": student["id"], "course_id": course["id"], "term": term},
        )
        for term in TERMS
    ]
    delete = client.delete(f"/api/{doomed}/{target['id']}")
    *created, deleted = await asyncio.gather(*(jittered(r) for r in [*creates, delete]))
    return {
        "target": target["id"],
        "created": [r.status_code for r in created],
        "deleted": deleted.status_code,
    }


async def race(base_url: str, doomed: str) -> list[dict[str, Any]]:
    # Idle connections are dropped well before uvicorn's 5 s keep-alive timeout, so a
    # request never goes out on a connection the server is closing (a ReadError).
    limits = httpx.Limits(max_connections=AT_ONCE * 5, keepalive_expiry=1)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        trials: list[dict[str, Any]] = []
        for _ in range(TRIALS // AT_ONCE):
            trials += await asyncio.gather(*(one_trial(client, doomed) for _ in range(AT_ONCE)))
        return trials


def orphans(database: Any) -> list[dict[str, Any]]:
    students = set(database.students.distinct("_id"))
    courses = set(database.courses.distinct("_id"))
    return [
        enrollment
        for enrollment in database.enrollments.find()
        if enrollment["student_id"] not in students or enrollment["course_id"] not in courses
    ]


# 200 trials of five racing requests: minutes on a loaded machine.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("doomed", ["students", "courses"])
def test_racing_creates_and_deletes_leave_no_orphan(
    app_server: AppServer, wire_server: WireServer, database_name: str, doomed: str
) -> None:
    trials = run_in_own_loop(race(app_server.base_url, doomed))

    with MongoClient(wire_server.uri) as client:
        database = client[database_name]
        assert orphans(database) == []
        for trial in trials:
            target_id = ObjectId(trial["target"])
            parent = database[doomed].find_one({"_id": target_id})
            field = "student_id" if doomed == "students" else "course_id"
            children = set(database.enrollments.distinct("_id", {field: target_id}))
            assert set(trial["created"]) <= {201, 409} and trial["deleted"] in (204, 409)
            if trial["deleted"] == 204:
                assert parent is None and children == set() and 201 not in trial["created"]
            else:
                # Every claim belongs to a stored enrollment and the other way round.
                assert parent is not None and set(parent["referenced_by"]) == children
                assert len(children) == trial["created"].count(201)
    outcomes = {trial["deleted"] for trial in trials}
    assert len(trials) == TRIALS and outcomes == {204, 409}, "the race never went both ways"

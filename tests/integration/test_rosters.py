"""Rosters through the courses function (HTTP API v2 events) on a real wire server."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, get_args

import httpx
import pytest

from api_core.devtools.app_server import AppServer
from api_core.devtools.builders import course_body, enrollment_body, student_body
from api_core.devtools.events import build_event, response_headers, response_json
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.rosters import seed_roster
from api_core.devtools.shapes import check, declared_indexes, recording
from api_core.devtools.wire_server import WireServer
from api_core.models.enrollments import Grade
from api_core.settings import Settings
from tests.support.functions import Handlers

Reply = tuple[int, Any]
GRADES = get_args(Grade)


def call(handler: Any, method: str, path: str, **kwargs: Any) -> Reply:
    response = handler(build_event("http_api_v2", method, path, **kwargs), FakeLambdaContext())
    status = response["statusCode"]
    if status >= 400:
        assert response_headers(response)["content-type"] == "application/problem+json"
    return status, response_json(response)


def create(handler: Any, resource: str, body: dict[str, Any]) -> dict[str, Any]:
    status, record = call(handler, "POST", f"/api/{resource}", body=body)
    assert status == 201, record
    return dict(record)


def enroll_new(handlers: Handlers, course_id: str, **fields: Any) -> dict[str, Any]:
    student = create(handlers.students, "students", student_body())
    return create(
        handlers.enrollments, "enrollments", enrollment_body(student["id"], course_id, **fields)
    )


def roster(handlers: Handlers, course_id: str, **query: str) -> dict[str, Any]:
    status, page = call(handlers.courses, "GET", f"/api/courses/{course_id}/roster", query=query)
    assert status == 200, page
    return dict(page)


def test_roster_of_500_comes_in_one_request_of_two_index_backed_round_trips(
    handlers: Handlers, live_settings: Settings
) -> None:
    people = [(f"Ståle Ødegård {n:03}", f"stale{n}@example.edu") for n in range(500)]
    course_id, enrolled = seed_roster(
        live_settings.mongodb_uri, live_settings.mongodb_db, "ROST500", people, "2026-FALL"
    )

    with recording() as recorder:
        page = roster(handlers, course_id, term="latest", limit="500")

    assert page["next_cursor"] is None
    assert [item["enrollment_id"] for item in page["items"]] == enrolled
    assert page["items"][499]["name"] == "Ståle Ødegård 499"
    assert page["items"][0]["email"] == "stale0@example.edu"
    # The terms, then the page with its students: never a round trip per student.
    sent = [name for name in recorder.commands if name != "endSessions"]  # the client closing
    assert sent == ["distinct", "aggregate"]
    verdicts = [check(find, declared_indexes()) for find in recorder.finds]
    assert [(v["indexes"], v["verdict"]) for v in verdicts] == [(["by_course_term"], "index")]


def test_roster_pages_stay_stable_while_students_enroll(handlers: Handlers) -> None:
    course_id = create(handlers.courses, "courses", course_body())["id"]
    before = [enroll_new(handlers, course_id)["id"] for _ in range(9)]

    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = {"term": "2026-FALL", "limit": "4", **({"cursor": cursor} if cursor else {})}
        page = roster(handlers, course_id, **query)
        seen += [item["enrollment_id"] for item in page["items"]]
        enroll_new(handlers, course_id)  # between every two pages
        enroll_new(handlers, course_id, term="2027-SPRING")  # another term: never shown
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert len(seen) == len(set(seen)), "an enrollment came twice"
    assert seen[: len(before)] == before, "an enrollment that was there all along was skipped"
    fall = {i["enrollment_id"] for i in roster(handlers, course_id, term="2026-FALL")["items"]}
    assert set(seen) <= fall


def test_grading_a_roster_saves_rows_and_reports_a_conflict_on_its_row_only(
    handlers: Handlers,
) -> None:
    course_id = create(handlers.courses, "courses", course_body())["id"]
    rows = [enroll_new(handlers, course_id) for _ in range(4)]
    changed, _ = call(
        handlers.enrollments, "PATCH", f"/api/enrollments/{rows[2]['id']}", body={"grade": "C"}
    )
    assert changed == 200

    status, body = call(
        handlers.courses,
        "PATCH",
        f"/api/courses/{course_id}/roster",
        body={"grades": [{"enrollment_id": r["id"], "grade": "A", "version": 1} for r in rows]},
    )

    assert status == 200
    assert [r["status"] for r in body["results"]] == ["ok", "ok", "conflict", "ok"]
    assert (body["results"][2]["grade"], body["results"][2]["version"]) == ("C", 2)
    grades = [item["grade"] for item in roster(handlers, course_id)["items"]]
    assert grades == ["A", "A", "C", "A"]


def test_twenty_gradings_of_one_row_at_once_save_it_once(wire_server: WireServer) -> None:
    env = {"MONGODB_URI": wire_server.uri, "MONGODB_DB": f"roster_{uuid.uuid4().hex[:8]}"}
    with AppServer(env) as server, httpx.Client(base_url=f"{server.base_url}/api") as api:
        course_id = api.post("/courses", json=course_body()).json()["id"]
        student_id = api.post("/students", json=student_body()).json()["id"]
        row = api.post("/enrollments", json=enrollment_body(student_id, course_id)).json()
        barrier = threading.Barrier(20)

        def grade(n: int) -> dict[str, Any]:
            body = {
                "grades": [
                    {"enrollment_id": row["id"], "grade": GRADES[n % len(GRADES)], "version": 1}
                ]
            }
            with httpx.Client(base_url=f"{server.base_url}/api", timeout=30) as own:
                barrier.wait()
                reply = own.patch(f"/courses/{course_id}/roster", json=body)
            assert reply.status_code == 200, reply.text
            return dict(reply.json()["results"][0])

        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(grade, range(20)))
        stored = api.get(f"/enrollments/{row['id']}").json()

    winners = [r for r in results if r["status"] == "ok"]
    assert len(winners) == 1
    assert all(r["status"] == "conflict" and r["version"] >= 2 for r in results if r not in winners)
    assert (stored["grade"], stored["version"]) == (winners[0]["grade"], 2)


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("GET", {"query": {"term": "fall"}}, 422),
        ("GET", {"query": {"cursor": "!" * 16}}, 422),
        (
            "PATCH",
            {"raw_body": '{"grades": [', "headers": {"content-type": "application/json"}},
            422,
        ),
        ("PATCH", {"raw_body": "grades=A", "headers": {"content-type": "text/plain"}}, 415),
        ("PATCH", {"body": {"grades": [{"enrollment_id": "0" * 24, "version": 1}] * 400}}, 413),
        ("PATCH", {"body": {"grades": [{}] * 501}}, 422),
    ],
)
def test_roster_bad_input_is_a_problem_never_a_500(
    handlers: Handlers, method: str, kwargs: dict[str, Any], status: int
) -> None:
    course_id = create(handlers.courses, "courses", course_body())["id"]

    answered, problem = call(handlers.courses, method, f"/api/courses/{course_id}/roster", **kwargs)

    assert answered == status
    assert problem["status"] == status and problem["detail"]

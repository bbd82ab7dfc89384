"""Word search through the students and courses functions, on the real wire server.

The unit tests run the same queries on mongomock; here the server's own multikey
indexes, `$and` and `$elemMatch` answer them, and the migration's refreshed copies
are what a search finds.
"""

from __future__ import annotations

from typing import Any

from pymongo import MongoClient

from api_core.devtools.builders import course_body, student_body
from api_core.devtools.events import build_event, response_json
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.settings import Settings
from tests.conftest import migrate
from tests.support.functions import Handlers
from tests.support.legacy import legacy_course, legacy_student


def call(handler: Any, method: str, path: str, **kwargs: Any) -> Any:
    response = handler(build_event("http_api_v2", method, path, **kwargs), FakeLambdaContext())
    assert response["statusCode"] in (200, 201), response
    return response_json(response)


def names(handler: Any, resource: str, q: str, **query: str) -> list[str]:
    page = call(handler, "GET", f"/api/{resource}", query={"q": q, **query})
    key = "name" if resource == "students" else "code"
    return [record[key] for record in page["items"]]


def test_students_are_found_by_any_word_on_the_wire_server(handlers: Handlers) -> None:
    for name, email, program in [
        ("Ada Lovelace", "countess@example.edu", "Mathematics"),
        ("Anders Ångström", "anders@example.edu", None),
        ("Conan O'Brien", "conan@example.edu", None),
        ("Hubert Wolfeschlegelsteinhausenbergerdorff", "hubert@example.edu", None),
        ("Karl Wolfeschlegelsteinhauser", "karl@example.edu", "Computer Science"),
    ]:
        body = student_body(name=name, email=email, **({"program": program} if program else {}))
        call(handlers.students, "POST", "/api/students", body=body)
    students = handlers.students

    assert names(students, "students", "lovelace") == ["Ada Lovelace"]
    assert names(students, "students", "angstrom") == ["Anders Ångström"]
    assert names(students, "students", "obrien") == ["Conan O'Brien"]
    assert names(students, "students", "brien conan") == ["Conan O'Brien"]
    assert names(students, "students", "countess") == ["Ada Lovelace"]
    assert names(students, "students", "comp science") == ["Karl Wolfeschlegelsteinhauser"]
    assert names(students, "students", "wolfeschlegelsteinhausenb") == [
        "Hubert Wolfeschlegelsteinhausenbergerdorff"
    ]
    first = call(students, "GET", "/api/students", query={"q": "wolfe", "limit": "1"})
    assert [s["name"] for s in first["items"]] == ["Hubert Wolfeschlegelsteinhausenbergerdorff"]
    rest = names(students, "students", "wolfe", cursor=first["next_cursor"])
    assert rest == ["Karl Wolfeschlegelsteinhauser"]


def test_courses_are_found_by_code_however_spelled(handlers: Handlers) -> None:
    call(handlers.courses, "POST", "/api/courses", body=course_body(code="MATH 201"))
    call(handlers.courses, "POST", "/api/courses", body=course_body(code="CS101", title="Algebra"))

    assert names(handlers.courses, "courses", "math-201") == ["MATH201"]
    assert names(handlers.courses, "courses", "math 201") == ["MATH201"]
    assert names(handlers.courses, "courses", "algebra") == ["CS101"]


def test_records_stored_before_word_search_are_found_after_the_migration(
    live_settings: Settings, handlers: Handlers
) -> None:
    with MongoClient(live_settings.mongodb_uri) as client:
        database = client[live_settings.mongodb_db]
        database.students.insert_one(legacy_student("Gabriel García Márquez", "gabo@example.org"))
        database.courses.insert_one(legacy_course("HIST-110", title="World History"))
    assert names(handlers.students, "students", "garcia") == []  # not yet

    migrate(live_settings)

    assert names(handlers.students, "students", "garcia") == ["Gabriel García Márquez"]
    assert names(handlers.students, "students", "marquez") == ["Gabriel García Márquez"]
    assert names(handlers.courses, "courses", "history") == ["HIST110"]
    assert names(handlers.courses, "courses", "hist 110") == ["HIST110"]

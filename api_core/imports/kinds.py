"""What each kind of import file holds, and its rows as the API's create models' input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from api_core.database import Database
from api_core.imports.csv_rows import Row
from api_core.models.courses import Code
from api_core.resources import COURSES, ENROLLMENTS, STUDENTS, Resource
from api_core.search import fold

# A row ready for the create model, or why it is not.
Prepared = dict[str, Any] | str
Prepare = Callable[[Database, list[Row]], Awaitable[list[Prepared]]]


async def _as_is(_: Database, rows: list[Row]) -> list[Prepared]:
    return [row.problem or dict(row.values) for row in rows]


async def _courses(_: Database, rows: list[Row]) -> list[Prepared]:
    # Cells are text; the API takes credits as a JSON number.
    return [
        row.problem
        or {k: int(v) if k == "credits" and _integer(v) else v for k, v in row.values.items()}
        for row in rows
    ]


def _integer(text: str) -> bool:
    return text.strip().lstrip("+-").isdigit()


_code = TypeAdapter(Code)


async def _enrollments(database: Database, rows: list[Row]) -> list[Prepared]:
    """Rows naming a student by email and a course by code, as ids: two queries a batch."""
    emails = {fold(row.values["student_email"]) for row in rows if "student_email" in row.values}
    codes = {c for row in rows if (c := _canonical_code(row.values.get("course_code")))}
    students = database[STUDENTS.collection].find(
        {"email_folded": {"$in": list(emails)}}, {"email_folded": 1}
    )
    courses = database[COURSES.collection].find({"code": {"$in": list(codes)}}, {"code": 1})
    student_ids = {s["email_folded"]: str(s["_id"]) async for s in students}
    course_ids = {c["code"]: str(c["_id"]) async for c in courses}
    prepared: list[Prepared] = []
    for row in rows:
        values = dict(row.values)
        email, code = values.pop("student_email", ""), values.pop("course_code", "")
        student_id = student_ids.get(fold(email))
        course_id = course_ids.get(_canonical_code(code) or "")
        if row.problem:
            prepared.append(row.problem)
        elif not (email and code):
            prepared.append("The row needs both student_email and course_code.")
        elif student_id is None:
            prepared.append(f"No student has the email {email!r}.")
        elif course_id is None:
            prepared.append(f"No course has the code {code!r}.")
        else:
            prepared.append({**values, "student_id": student_id, "course_id": course_id})
    return prepared


def _canonical_code(code: str | None) -> str | None:
    """A course code as the API stores it, or None if it is not one."""
    try:
        return _code.validate_python(code) if code else None
    except ValidationError:
        return None


@dataclass(frozen=True)
class Kind:
    resource: Resource
    columns: tuple[str, ...]
    required: tuple[str, ...]
    prepare: Prepare = _as_is

    @property
    def name(self) -> str:
        return self.resource.name


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(STUDENTS, ("name", "email", "program", "date_of_birth"), ("name", "email")),
        Kind(COURSES, ("code", "title", "credits"), ("code", "title", "credits"), _courses),
        Kind(
            ENROLLMENTS,
            ("student_email", "course_code", "term", "grade"),
            ("student_email", "course_code", "term"),
            _enrollments,
        ),
    )
}

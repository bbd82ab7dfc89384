"""Enrollments: one student in one course for one term, with an optional grade."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from api_core.models.base import InputModel, ListQuery, NotNull, Record

ObjectIdStr = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{24}$")]
Term = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{4}-(SPRING|SUMMER|FALL|WINTER)$"),
    Field(examples=["2026-FALL"]),
]
Grade = Literal["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"]


class EnrollmentCreate(InputModel):
    student_id: ObjectIdStr
    course_id: ObjectIdStr
    term: Term
    grade: Grade | None = None


class EnrollmentUpdate(InputModel):
    """The student and the course are fixed; enroll again to change them."""

    term: Annotated[Term | None, NotNull] = None
    grade: Grade | None = None


class Enrollment(Record):
    student_id: str
    course_id: str
    term: str
    grade: str | None = None


class EnrollmentQuery(ListQuery):
    student_id: ObjectIdStr | None = None
    course_id: ObjectIdStr | None = None

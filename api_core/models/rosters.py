"""A course's roster: its enrollments with each student's name and email, and the
grades staff save for many of them at once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

from api_core.models.base import InputModel, ListQuery
from api_core.models.enrollments import Grade, ObjectIdStr, Term

# Large enough that a roster of 500 students comes in one page.
MAX_ROSTER_PAGE = 500
# The rows one grading request may carry: within the default body limit
# (MAX_BODY_BYTES, 16 KiB: about 230 rows) and a request's deadline.
MAX_GRADE_ROWS = 200

SEASONS = ("WINTER", "SPRING", "SUMMER", "FALL")  # their order within a year


def term_order(term: str) -> tuple[int, int]:
    """Sort key of a term: "2026-SPRING" comes after "2026-WINTER", before "2026-FALL"."""
    year, season = term.split("-")
    return int(year), SEASONS.index(season)


class RosterQuery(ListQuery):
    term: Term | Literal["latest"] | None = Field(
        default=None,
        description=(
            "Only this term's enrollments; `latest`: the newest term the course has "
            "enrollments in. Left out: every term."
        ),
    )
    limit: int = Field(default=100, ge=1, le=MAX_ROSTER_PAGE, description="Items per page")


class RosterEntry(BaseModel):
    enrollment_id: str
    student_id: str
    name: str | None = Field(description="The student's name; null if the student is gone")
    email: str | None
    term: str
    grade: str | None
    version: int = Field(description="The enrollment's version: its ETag is the quoted number")


class RosterPage(BaseModel):
    course_id: str
    term: str | None = Field(description="The term shown, `latest` resolved; null for all terms")
    terms: list[str] | None = Field(
        description="Every term the course has enrollments in, newest first; first page only"
    )
    items: list[RosterEntry]
    next_cursor: str | None = Field(
        description="Pass as `cursor` (with the same `term`) for the next page; null on the last"
    )


class GradeChange(InputModel):
    """One row of a grading request."""

    enrollment_id: ObjectIdStr
    grade: Grade | None = Field(description="The new grade; null clears it")
    version: int = Field(ge=1, description="The enrollment's version the change was made on")


# Rows are checked one by one (an invalid row is reported, the others still saved);
# the document still shows their shape.
Row = Annotated[dict[str, Any], WithJsonSchema(GradeChange.model_json_schema())]


class RosterGrades(InputModel):
    grades: list[Row] = Field(min_length=1, max_length=MAX_GRADE_ROWS)


Status = Literal["ok", "conflict", "not_found", "other_course", "invalid"]


class GradeResult(BaseModel):
    """What became of one row, in the order sent.

    ok: saved (`grade`, `version` are the new ones). conflict: the enrollment changed
    since `version` (`grade`, `version` are the server's now). not_found: no such
    enrollment. other_course: the enrollment is another course's. invalid: see `errors`.
    """

    enrollment_id: str | None
    status: Status
    grade: str | None = None
    version: int | None = None
    detail: str
    errors: list[dict[str, Any]] | None = None


class GradeResults(BaseModel):
    results: list[GradeResult]
    saved: int = Field(description="How many rows were saved")

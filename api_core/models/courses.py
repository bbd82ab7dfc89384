"""Courses: a unique code such as CS101, a title and a number of credits."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from api_core.models.base import InputModel, ListQuery, NotNull, Record, search_parameter

# 2-8 letters, one optional space or hyphen, 1-4 digits, an optional letter.
CODE_PATTERN = r"^([A-Za-z]{2,8})[ -]?([0-9]{1,4})([A-Za-z]?)$"


def canonical_code(code: str) -> str:
    """The one form a course code is stored, compared and searched in: "MATH201".

    Upper-case, no separator, so "math201", "MATH 201" and "MATH-201" are one course.
    Raises ValueError for text that is not a course code.
    """
    match = re.fullmatch(CODE_PATTERN, code.strip())
    if match is None:
        raise ValueError("not a course code: 2-8 letters, then 1-4 digits")
    return "".join(match.groups()).upper()


Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=CODE_PATTERN),
    AfterValidator(canonical_code),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Credits = Annotated[int, Field(strict=True, ge=1, le=20)]


class CourseCreate(InputModel):
    code: Code = Field(examples=["CS101"])
    title: Title
    credits: Credits


class CourseUpdate(InputModel):
    code: Annotated[Code | None, NotNull] = None
    title: Annotated[Title | None, NotNull] = None
    credits: Annotated[Credits | None, NotNull] = None


class Course(Record):
    code: str
    title: str
    credits: int


class CourseQuery(ListQuery):
    q: str | None = search_parameter("the code or the title")

"""Courses: a unique code such as CS101, a title and a number of credits."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from api_core.models.base import InputModel, ListQuery, NotNull, Record, search_parameter

# Codes are stored upper-case so that "cs101" and "CS101" are the same course.
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z]{2,8}-?[0-9]{1,4}[A-Za-z]?$"),
    AfterValidator(str.upper),
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

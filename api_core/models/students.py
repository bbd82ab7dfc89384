"""Students: a name, a unique email, an optional program and date of birth."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, EmailStr, StringConstraints

from api_core.models.base import InputModel, ListQuery, NotNull, Record, search_parameter


def _plausible_birth_date(value: date) -> date:
    if not date(1900, 1, 1) <= value <= date.today():
        raise ValueError("must be between 1900-01-01 and today")
    return value


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
Program = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
BirthDate = Annotated[date, AfterValidator(_plausible_birth_date)]


class StudentCreate(InputModel):
    name: Name
    email: Email
    program: Program | None = None
    date_of_birth: BirthDate | None = None


class StudentUpdate(InputModel):
    name: Annotated[Name | None, NotNull] = None
    email: Annotated[Email | None, NotNull] = None
    program: Program | None = None
    date_of_birth: BirthDate | None = None


class Student(Record):
    name: str
    email: str
    program: str | None = None
    date_of_birth: date | None = None


class StudentQuery(ListQuery):
    q: str | None = search_parameter("the name, the email's local part or the program")

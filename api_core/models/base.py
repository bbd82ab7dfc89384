"""Pieces every resource's models share: strict inputs, the record envelope, a page."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("cannot be null; leave the field out to keep its value")
    return value


# For PATCH bodies: a field that may be left out but not cleared, as in
# `name: Annotated[Name | None, NotNull] = None`. Defaults are not validated, so
# leaving the field out still works.
NotNull = BeforeValidator(_refuse_null)


class InputModel(BaseModel):
    """A request body: unknown fields are refused, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Record(BaseModel):
    """Fields every stored record has. Output only."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="24-character hexadecimal id")
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Bumped on every change; the ETag is derived from it")


RecordT = TypeVar("RecordT", bound=Record)


class Page(BaseModel, Generic[RecordT]):
    items: list[RecordT]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page"
    )


class ListQuery(BaseModel):
    """Query parameters every list accepts."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100, description="Items per page")
    cursor: str | None = Field(
        default=None, max_length=64, description="`next_cursor` from the previous page"
    )

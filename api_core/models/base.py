"""Pieces every resource's models share: strict inputs, the record envelope, a page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    create_model,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("cannot be null; leave the field out to keep its value")
    return value


class _NotNull:
    """Refuses an explicit null, and leaves null out of the field's JSON schema.

    Without the second half the OpenAPI document would offer `null`, which the
    server then refuses with 422.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_before_validator_function(_refuse_null, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        branches = [branch for branch in json_schema.get("anyOf", ()) if branch != {"type": "null"}]
        if len(branches) == 1:
            rest = {key: value for key, value in json_schema.items() if key != "anyOf"}
            json_schema = {**rest, **branches[0]}
        return json_schema


# For PATCH bodies: a field that may be left out but not cleared, as in
# `name: Annotated[Name | None, NotNull] = None`. Defaults are not validated, so
# leaving the field out still works.
NotNull = _NotNull()


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
    total: int | None = Field(
        default=None,
        description="How many records match the filters, all pages; only with `count=true`",
    )


class ListQuery(BaseModel):
    """Query parameters every list accepts."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=100, description="Items per page")
    # The cursors we hand out: unpadded base64url (api_core/ids.py).
    cursor: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{16,1024}$",
        description="`next_cursor` from the previous page, with the same `sort`",
    )
    count: bool = Field(
        default=False,
        description="Add `total`, how many records match (ask on the first page only)",
    )


CREATION_ORDER = "created"


def with_sorts(query_model: type[ListQuery], sorts: Iterable[str]) -> type[ListQuery]:
    """`query_model` with a `sort` parameter offering creation order and `sorts`."""
    names = (CREATION_ORDER, *sorts)
    text = "`created` is oldest first; the others A to Z, ignoring case and accents; `q` "
    sort = Field(default=CREATION_ORDER, description=text + "needs `created`")
    model: type[ListQuery] = create_model(
        query_model.__name__,
        __base__=query_model,
        sort=(Literal[names], sort),  # type: ignore[arg-type]  # a Literal built at runtime
    )
    return model


def search_parameter(what: str) -> Any:
    """The `q` query parameter of a searchable list."""
    return Field(
        default=None,
        min_length=1,
        max_length=100,
        description=(
            f"Words that must each start a word of {what} (all in the same one), "
            "ignoring case, accents and punctuation"
        ),
    )

"""Record ids, list cursors and ETags: the opaque tokens clients hand back to us."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

import bson
from bson import ObjectId
from bson.errors import BSONError

from api_core.errors import InvalidRequest, NotFound

# Used with fullmatch: `$` would also match before a trailing newline. [0-9], not
# \d, which takes any Unicode digit.
_OBJECT_ID = re.compile(r"[0-9a-f]{24}")
_ETAG = re.compile(r'"([0-9]{1,18})"')


def parse_id(text: str) -> ObjectId:
    """The ObjectId in a URL; a malformed id names no record, so it is a 404."""
    if not _OBJECT_ID.fullmatch(text):
        raise NotFound()
    return ObjectId(text)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after `last_id`, or after (`value`, `last_id`) in a sort."""

    last_id: ObjectId
    sort: str | None = None  # a declared sort's name; None is creation order
    value: Any = None  # the last record's sort value


def encode_cursor(last_id: ObjectId, sort: str | None = None, value: Any = None) -> str:
    # A sort's cursor is BSON, so that a value of any type round-trips.
    raw = last_id.binary if sort is None else bson.encode({"s": sort, "v": value, "i": last_id})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 12:
        return Cursor(ObjectId(raw))
    try:
        fields = bson.decode(raw) if raw else {}
    except (BSONError, ValueError, IndexError):
        fields = {}
    if set(fields) == {"s", "v", "i"} and isinstance(fields["i"], ObjectId):
        if isinstance(fields["s"], str):
            return Cursor(fields["i"], fields["s"], fields["v"])
    raise InvalidRequest(
        [{"loc": ["query", "cursor"], "msg": "Invalid cursor", "type": "cursor_invalid"}],
        "The cursor is not one this API handed out.",
    )


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> list[int] | None:
    """The versions an If-Match header accepts; None when any version will do.

    Tags we never issued (weak ones included: If-Match compares strongly) match
    nothing, so a request carrying only those fails its precondition.
    """
    if header is None or header.strip() == "*":
        return None
    versions = []
    for tag in header.split(","):
        match = _ETAG.fullmatch(tag.strip())
        if match:
            versions.append(int(match.group(1)))
    return versions

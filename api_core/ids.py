"""Record ids, list cursors and ETags: the opaque tokens clients hand back to us."""

from __future__ import annotations

import base64
import binascii
import re

from bson import ObjectId

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


def encode_cursor(last_id: ObjectId) -> str:
    return base64.urlsafe_b64encode(last_id.binary).decode().rstrip("=")


def decode_cursor(cursor: str) -> ObjectId:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 12:
        raise InvalidRequest(
            [{"loc": ["query", "cursor"], "msg": "Invalid cursor", "type": "cursor_invalid"}],
            "The cursor is not one this API handed out.",
        )
    return ObjectId(raw)


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

"""Prefix search that an index answers one page at a time.

`?q=ad` must find records whose name (or email, code, title...) starts with "ad",
ignoring case. A regex or a range on the field, sorted by _id, makes MongoDB find
and sort every match before it can return a page. Instead each searchable field
is stored twice more: case-folded (`name_folded`) and as the array of its first
PREFIX_LENGTH case-folded prefixes (`name_prefixes`), indexed with _id. A search
is then an equality per field, each an index range already in _id order.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pymongo import ASCENDING, IndexModel

Filter = dict[str, Any]

PREFIX_LENGTH = 16


def folded(field: str) -> str:
    return f"{field}_folded"


def fold(text: str) -> str:
    """What a value is compared as, for uniqueness too: NFKC, then case folded.

    NFKC makes compatibility forms one (fullwidth "ａｄａ", the ligature "ﬁ", a
    superscript); folding after it can undo NFKC, hence the second pass (Unicode's
    NFKC_Casefold, toNFKC_Casefold, does the same).
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def prefixed(field: str) -> str:
    return f"{field}_prefixes"


def stored_copies(field: str) -> tuple[str, ...]:
    """The names of the copies stored beside `field`, to remove along with it."""
    return (folded(field), prefixed(field))


def search_copies(field: str, value: str) -> dict[str, Any]:
    """The stored copies that make `value` of `field` searchable."""
    text = fold(value)
    return {
        folded(field): text,
        prefixed(field): [text[:n] for n in range(1, min(len(text), PREFIX_LENGTH) + 1)],
    }


def search_indexes(fields: tuple[str, ...]) -> tuple[IndexModel, ...]:
    return tuple(
        IndexModel([(prefixed(field), ASCENDING), ("_id", ASCENDING)], name=f"{field}_search")
        for field in fields
    )


def search_filter(fields: tuple[str, ...], q: str) -> Filter:
    """Records where any of `fields` starts with `q`, ignoring case."""
    text = fold(q)
    branches = []
    for field in fields:
        branch: Filter = {prefixed(field): text[:PREFIX_LENGTH]}
        if len(text) > PREFIX_LENGTH:  # the index narrows, the full value decides
            branch[folded(field)] = _starting_with(text)
        branches.append(branch)
    return {"$or": branches} if len(branches) > 1 else branches[0]


def _starting_with(prefix: str) -> Filter:
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates cannot be stored; skip past them
        last = 0xE000
    if last > 0x10FFFF:
        return {"$gte": prefix}
    return {"$gte": prefix, "$lt": prefix[:-1] + chr(last)}

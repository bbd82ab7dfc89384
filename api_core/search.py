"""Word-prefix search that an index answers one page at a time.

`?q=love` must find "Ada Lovelace": any word of a searchable field, matched by its
start, ignoring case, accents and punctuation. A regex, or a range on the field
sorted by _id, makes MongoDB find and sort every match before it can return a page.
Instead each searchable field is stored twice more:

- `<field>_folded`: the value NFKC-normalised and case folded, what a unique index
  compares (emails);
- `<field>_prefixes`: the first PREFIX_LENGTH prefixes of each of the value's search
  terms (and a term longer than that in full), indexed with _id;
- `<field>_order`: the value without accents or case ("Élodie" → "elodie"), which a
  list can be sorted by (Resource.sorts): byte order puts "Élodie" after "Zoe",
  this order puts her with the e's.

A query word is then an equality on that array: one index range, already in _id
order. A query of several words needs each of them; the longest is the index range,
the others are checked on the records it finds (`$and`).

Terms: the value is decomposed (NFKD), its accents dropped, case folded, and a few
letters that do not decompose are spelled in ASCII (ø → o, ł → l, æ → ae). Each run
of characters between spaces is a term with its punctuation removed ("O'Brien" →
"obrien", "Jean-Luc" → "jeanluc"); when punctuation, or a change between letters and
digits, splits it into parts, each part is a term too ("o", "brien"; "jean", "luc";
"MATH201" → "math", "201"). In an email the domain is not split into parts: the
local part's words are terms, "example" in "ada@example.edu" is not.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pymongo import ASCENDING, IndexModel

Filter = dict[str, Any]

PREFIX_LENGTH = 16
# Characters of a value's order copy: NFKD can multiply a value's length, and a
# sorted list's cursor carries the copy (longer values tie, then go by _id).
ORDER_LENGTH = 100
# Terms kept per value: a name of more words is found by its first MAX_TERMS terms.
MAX_TERMS = 12
# Letters with no decomposition that people type without their marks.
_SPELLED_OUT = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
# Within a term: runs of letters, runs of digits (\w without the underscore).
_PARTS = re.compile(r"[^\W\d_]+|\d+")


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


def ordered(field: str) -> str:
    return f"{field}_order"


def stored_copies(field: str) -> tuple[str, ...]:
    """The names of the copies stored beside `field`, to remove along with it."""
    return (folded(field), prefixed(field), ordered(field))


def plain(text: str) -> str:
    """`text` without accents, case or compatibility forms: "Ångström" → "angstrom"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare.casefold().translate(_SPELLED_OUT))


def search_terms(value: str) -> list[str]:
    """The terms `value` is found by, each matched by its start (see the module doc)."""
    terms: list[str] = []
    for chunk in plain(value).split():
        local, at, _ = chunk.partition("@")
        parts = _PARTS.findall(chunk)
        word = "".join(parts)
        if word:
            terms.append(word)
        if at or len(parts) > 1:
            local_parts = _PARTS.findall(local)
            terms += local_parts if len(local_parts) > 1 or at else []
    unique = list(dict.fromkeys(terms))
    return unique[:MAX_TERMS]


def query_words(q: str) -> list[str]:
    """The words a query needs, each a term's start: punctuation removed, longest first."""
    words = {"".join(_PARTS.findall(chunk)) for chunk in plain(q).split()}
    return sorted(words - {""}, key=lambda word: (-len(word), word))


def search_copies(field: str, value: str) -> dict[str, Any]:
    """The stored copies that make `value` of `field` searchable."""
    prefixes: dict[str, None] = {}
    for term in search_terms(value):
        prefixes.update((term[:n], None) for n in range(1, min(len(term), PREFIX_LENGTH) + 1))
        if len(term) > PREFIX_LENGTH:  # in full, so that a longer query word can be checked
            prefixes[term] = None
    return {
        folded(field): fold(value),
        prefixed(field): list(prefixes),
        ordered(field): plain(value)[:ORDER_LENGTH],
    }


def search_indexes(fields: tuple[str, ...]) -> tuple[IndexModel, ...]:
    return tuple(
        IndexModel([(prefixed(field), ASCENDING), ("_id", ASCENDING)], name=f"{field}_search")
        for field in fields
    )


def search_filter(fields: tuple[str, ...], q: str) -> Filter:
    """Records where, in one of `fields`, each word of `q` starts a term.

    One branch per field; in each, the longest word is an equality on the field's
    prefixes (one index range) and the other words are checked within it.
    """
    words = query_words(q) or [""]  # only punctuation: "" is never stored, nothing matches
    branches = []
    for field in fields:
        conditions = [_starts_a_term(prefixed(field), word) for word in words]
        branch: Filter = dict(conditions[0][0])
        rest = conditions[0][1:] + [c for more in conditions[1:] for c in more]
        if rest:
            branch["$and"] = rest
        branches.append(branch)
    return {"$or": branches} if len(branches) > 1 else branches[0]


def _starts_a_term(name: str, word: str) -> list[Filter]:
    """Conditions that some term in the array `name` starts with `word`; the first is
    an equality. A word longer than the stored prefixes is checked against the full
    terms: a prefix of PREFIX_LENGTH characters can never fall in its range."""
    conditions: list[Filter] = [{name: word[:PREFIX_LENGTH]}]
    if len(word) > PREFIX_LENGTH:
        conditions.append({name: {"$elemMatch": _starting_with(word)}})
    return conditions


def _starting_with(prefix: str) -> Filter:
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates cannot be stored; skip past them
        last = 0xE000
    if last > 0x10FFFF:
        return {"$gte": prefix}
    return {"$gte": prefix, "$lt": prefix[:-1] + chr(last)}

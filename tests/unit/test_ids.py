"""The parsers of the tokens clients hand back: ids and If-Match headers."""

from __future__ import annotations

import pytest

from api_core.errors import NotFound
from api_core.ids import parse_id, parse_if_match

VALID_ID = "0123456789abcdef01234567"


def test_parse_id_accepts_24_lowercase_hex_digits() -> None:
    assert str(parse_id(VALID_ID)) == VALID_ID


@pytest.mark.parametrize("text", [f"{VALID_ID}\n", f"\n{VALID_ID}", f"{VALID_ID} ", VALID_ID[:-1]])
def test_parse_id_with_anything_around_the_id_is_not_found(text: str) -> None:
    with pytest.raises(NotFound):
        parse_id(text)


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        ('"3"', [3]),
        (' "3" , "4"', [3, 4]),
        ('W/"3"', []),
        ('"3"x', []),
        ('"\u0663"', []),  # ARABIC-INDIC DIGIT THREE: a digit to \d, not a version we issued
        ('"3\n"', []),
    ],
)
def test_parse_if_match_accepts_only_tags_we_issue(header: str, versions: list[int]) -> None:
    assert parse_if_match(header) == versions

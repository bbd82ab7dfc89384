"""The rows of a CSV file: UTF-8 with or without a BOM, a header naming the columns,
RFC 4180 quoting (fields may hold commas, quotes and line breaks)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


class UnreadableFile(Exception):
    """Raised when a file as a whole cannot be imported (its header, its encoding)."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file, the header being line 1
    values: dict[str, str]  # column -> value, empty cells left out
    problem: str | None = None  # why the row cannot be read, if it cannot


def read_rows(
    lines: Iterable[str], columns: tuple[str, ...], required: tuple[str, ...]
) -> Iterator[Row]:
    """The data rows of `lines` (decoded text, line endings kept), header checked first.

    Raises UnreadableFile for a header that lacks a required column or names one this
    kind does not have; a row with more cells than the header is a Row with a problem.
    """
    reader = csv.reader(_without_bom(lines), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise UnreadableFile("The file is empty: it needs a header row.") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise UnreadableFile(_unreadable(error, 1)) from None
    _check_header(header, columns, required)
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            raise UnreadableFile(_unreadable(error, start)) from None
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, and rows of empty cells, hold nothing to import
        if len(cells) > len(header):
            problem = f"The row has {len(cells)} cells; the header names {len(header)} columns."
            yield Row(line, {}, problem)
            continue
        values = {name: cell for name, cell in zip(header, cells, strict=False) if cell.strip()}
        yield Row(line, values)


def decoded(chunks: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 text lines (line endings kept) from a file's bytes, in chunks of any size."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        *complete, pending = pending.split("\n")
        yield from (line + "\n" for line in complete)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return
    yield first.removeprefix("\ufeff")
    yield from iterator


def _check_header(header: list[str], columns: tuple[str, ...], required: tuple[str, ...]) -> None:
    expected = ", ".join(columns)
    unknown = [name for name in header if name not in columns]
    if unknown:
        raise UnreadableFile(f"Unknown column {unknown[0]!r}: the columns are {expected}.")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise UnreadableFile(f"Column {repeated[0]!r} appears twice in the header.")
    missing = [name for name in required if name not in header]
    if missing:
        raise UnreadableFile(f"Missing column {missing[0]!r}: the columns are {expected}.")


def _unreadable(error: Exception, line: int) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"The file is not UTF-8 text (near line {line}); save it as CSV UTF-8."
    return f"Line {line} is not valid CSV: {error}."

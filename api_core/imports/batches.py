"""A batch of rows, applied by the API's own rules and recorded once.

Each row goes through the resource's create model and `Repository.put`, so a row is
checked and written exactly as the API would (uniqueness, references, claims) and a
row whose record exists updates it: applying a batch twice changes nothing the
second time. A row that fails is reported with its line and the reason, in the
words of the API's own errors; it never stops the others. A database that fails
makes the whole batch raise, to be retried.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from bson import ObjectId
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from api_core.database import Database
from api_core.errors import ApiError
from api_core.imports import records
from api_core.imports.csv_rows import Row
from api_core.imports.kinds import KINDS, Kind, Prepared
from api_core.repository import Repository


@dataclass(frozen=True)
class Batch:
    import_id: ObjectId
    kind: str
    number: int
    rows: list[Row]

    def to_json(self) -> str:
        rows = [[row.line, row.values, row.problem] for row in self.rows]
        return json.dumps(
            {
                "import_id": str(self.import_id),
                "kind": self.kind,
                "number": self.number,
                "rows": rows,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Batch:
        data = json.loads(text)
        rows = [Row(line, values, problem) for line, values, problem in data["rows"]]
        return cls(ObjectId(data["import_id"]), data["kind"], data["number"], rows)


def in_batches(import_id: ObjectId, kind: str, rows: Iterable[Row], size: int) -> Iterator[Batch]:
    iterator = iter(rows)
    number = 0
    while chunk := list(islice(iterator, size)):
        yield Batch(import_id, kind, number, chunk)
        number += 1


async def apply(database: Database, batch: Batch) -> None:
    if await records.is_recorded(database, batch.import_id, batch.number):
        return  # delivered again: already applied and counted
    kind = KINDS[batch.kind]
    repository = Repository(kind.resource, database)
    done, failures = 0, []
    prepared = await kind.prepare(database, batch.rows)
    for row, item in zip(batch.rows, prepared, strict=True):
        reason = await _put(repository, kind, item)
        if reason is None:
            done += 1
        else:
            failures.append(records.Failure(line=row.line, reason=reason))
    await records.record_batch(database, batch.import_id, batch.number, done, failures)


async def _put(repository: Repository, kind: Kind, item: Prepared) -> str | None:
    """None when the row was applied, otherwise why not."""
    if isinstance(item, str):
        return item
    try:
        await repository.put(kind.resource.create_model.model_validate(item))
    except ValidationError as error:
        return "; ".join(_describe(detail) for detail in error.errors())
    except ApiError as error:
        return error.detail
    return None


def _describe(detail: ErrorDetails) -> str:
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {detail['msg']}" if where else detail["msg"]

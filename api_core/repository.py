"""One generic repository: the five CRUD operations for any resource, over MongoDB.

Every change to a record is a single atomic operation guarded by its version, so
two clients editing the same record cannot overwrite each other's changes. Records
that point at others claim them first (api_core/references.py), so nothing can be
deleted while something still points at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from api_core.database import Database, Document
from api_core.errors import ApiError, Conflict, InvalidRequest, NotFound, PreconditionFailed
from api_core.ids import decode_cursor, encode_cursor
from api_core.models.base import CREATION_ORDER, InputModel, ListQuery, Record
from api_core.references import REFERENCED_BY, claim, drop_stale_claims, release
from api_core.resources import Resource, referrers
from api_core.search import search_copies, search_filter, stored_copies

Outcome = Literal["created", "updated", "unchanged"]
# A put that keeps losing races for its record gives up after this many tries.
PUT_ATTEMPTS = 3


class DuplicateRecord(Conflict):
    """Raised when a write collides with a unique index."""


class SortWithSearch(InvalidRequest):
    """Raised when a list asks for a search in an order other than creation order."""

    def __init__(self) -> None:
        super().__init__(
            [{"loc": ["query", "sort"], "msg": "Not with q", "type": "sort_with_search"}],
            "Search results come in creation order: leave out sort, or q.",
        )


class ForeignCursor(InvalidRequest):
    """Raised when a cursor handed out for one sort comes back with another."""

    def __init__(self) -> None:
        super().__init__(
            [{"loc": ["query", "cursor"], "msg": "Cursor of another sort", "type": "cursor_sort"}],
            "This cursor belongs to a list in another order: send the sort it came with.",
        )


@dataclass(frozen=True)
class ListPage:
    items: list[Record]
    next_cursor: str | None
    total: int | None = None  # only when the query asks for a count


def _now() -> datetime:
    # BSON dates keep milliseconds; trimming here makes what we return equal what we store.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Repository:
    def __init__(self, resource: Resource, database: Database) -> None:
        self.resource = resource
        self.database = database
        self.collection = database[resource.collection]
        self.referrers = referrers(resource)
        # Claims are bookkeeping: never read back, and a course's list can be long.
        self.projection = {REFERENCED_BY: 0} if self.referrers else None

    async def create(self, data: InputModel) -> Record:
        document = self._to_document(data.model_dump(exclude_none=True))
        now = _now()
        document.update(_id=ObjectId(), created_at=now, updated_at=now, version=1)
        if self.referrers:
            document[REFERENCED_BY] = []
        await claim(self.database, self.resource, document)
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError as error:
            await release(self.database, self.resource, document)
            raise self._conflict(error) from None
        document.pop(REFERENCED_BY, None)
        return self._to_public(document)

    async def put(self, data: InputModel) -> Outcome:
        """Create the record, or bring the one with the same natural key up to `data`.

        Idempotent: putting the same data again changes nothing, not even the version.
        Fields left out of `data` keep their stored values. A concurrent put of the
        same key turns this one into an update, through the unique index.
        """
        document = self._to_document(data.model_dump(exclude_none=True))
        key = {field: document[field] for field in self.resource.natural_key}
        for _ in range(PUT_ATTEMPTS):
            existing = await self.collection.find_one(key, self.projection)
            if existing is None:
                try:
                    await self.create(data)
                    return "created"
                except DuplicateRecord:
                    continue  # created meanwhile: update it
            changes = {k: v for k, v in document.items() if existing.get(k) != v}
            if not changes:
                return "unchanged"
            changed = await self.collection.update_one(
                {"_id": existing["_id"], "version": existing["version"]},
                {"$set": {**changes, "updated_at": _now()}, "$inc": {"version": 1}},
            )
            if changed.modified_count:
                return "updated"
        raise Conflict(f"This {self.resource.singular} is being changed by others; try again.")

    async def get(self, record_id: ObjectId) -> Record:
        document = await self.collection.find_one({"_id": record_id}, self.projection)
        if document is None:
            raise NotFound()
        return self._to_public(document)

    async def page(self, query: ListQuery) -> ListPage:
        """A page in the query's order, the next page's cursor, and the count if asked."""
        sort = getattr(query, "sort", CREATION_ORDER)
        key = self.resource.sorts.get(sort)  # None: creation order, by _id
        criteria = self.resource.list_filter(query)
        q = getattr(query, "q", None)
        if q is not None:
            if key is not None:
                raise SortWithSearch()
            criteria.update(search_filter(self.resource.search_fields, q))
        total = await self.collection.count_documents(criteria) if query.count else None
        if query.cursor is not None:
            after = decode_cursor(query.cursor)
            if after.sort != (sort if key else None):
                raise ForeignCursor()
            criteria = (
                _after(criteria, after.last_id)
                if key is None
                else _after_value(criteria, key, after.value, after.last_id)
            )
        order = [("_id", 1)] if key is None else [(key, 1), ("_id", 1)]
        # One extra document tells whether another page follows.
        cursor = self.collection.find(criteria, self.projection).sort(order).limit(query.limit + 1)
        documents = await cursor.to_list(query.limit + 1)
        next_cursor = None
        if len(documents) > query.limit:
            documents = documents[: query.limit]
            last = documents[-1]
            next_cursor = (
                encode_cursor(last["_id"])
                if key is None
                else encode_cursor(last["_id"], sort, last.get(key))
            )
        return ListPage([self._to_public(document) for document in documents], next_cursor, total)

    async def update(
        self, record_id: ObjectId, data: InputModel, versions: list[int] | None
    ) -> Record:
        """Apply the fields sent; null clears an optional field. `versions` is from If-Match."""
        changes = data.model_dump(exclude_unset=True)
        selector = _selector(record_id, versions)
        if not changes:
            document = await self.collection.find_one(selector, self.projection)
        else:
            try:
                document = await self.collection.find_one_and_update(
                    selector,
                    self.update_document(changes),
                    self.projection,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError as error:
                raise self._conflict(error) from None
        if document is None:
            raise await self._missing_or_stale(record_id)
        return self._to_public(document)

    def update_document(self, changes: dict[str, Any]) -> Document:
        """The MongoDB update that applies `changes` (None clears a field) and bumps the
        version: for `update`, and for writes of many records at once (api_core/rosters.py)."""
        update: dict[str, Any] = {"$inc": {"version": 1}}
        to_set = self._to_document({k: v for k, v in changes.items() if v is not None})
        update["$set"] = {**to_set, "updated_at": _now()}
        cleared = [k for k, v in changes.items() if v is None]
        to_unset = {
            name: ""
            for k in cleared
            for name in (k, *(stored_copies(k) if k in self.resource.search_fields else ()))
        }
        if to_unset:
            update["$unset"] = to_unset
        return update

    async def delete(self, record_id: ObjectId, versions: list[int] | None) -> None:
        selector = _selector(record_id, versions)
        if self.referrers:
            selector[REFERENCED_BY] = {"$size": 0}
        deleted = await self.collection.find_one_and_delete(selector)
        if deleted is None and self.referrers:
            if await drop_stale_claims(self.database, self.resource, record_id):
                deleted = await self.collection.find_one_and_delete(selector)
        if deleted is None:
            raise await self._why_not_deleted(record_id, versions)
        await release(self.database, self.resource, deleted)

    async def _why_not_deleted(self, record_id: ObjectId, versions: list[int] | None) -> ApiError:
        document = await self.collection.find_one({"_id": record_id}, {"version": 1})
        if document is None:
            return NotFound()
        if versions is not None and document["version"] not in versions:
            return PreconditionFailed()
        names = " or ".join(other.name for other, _ in self.referrers)
        return Conflict(f"This {self.resource.singular} still has {names}; delete those first.")

    async def _missing_or_stale(self, record_id: ObjectId) -> ApiError:
        exists = await self.collection.find_one({"_id": record_id}, {"_id": 1})
        return PreconditionFailed() if exists else NotFound()

    def _conflict(self, error: DuplicateKeyError) -> DuplicateRecord:
        """The resource's message for the unique index the write collided with."""
        details = error.details or {}
        message = str(details.get("errmsg", ""))
        key_fields = list(details.get("keyPattern", {}))
        for index in self.resource.indexes:
            name = index.document["name"]
            if name in self.resource.unique_messages and (
                f"index: {name} " in message or key_fields == list(index.document["key"])
            ):
                return DuplicateRecord(self.resource.unique_messages[name])
        return DuplicateRecord("A record with the same unique values already exists.")

    def _to_document(self, fields: dict[str, Any]) -> Document:
        document: Document = {}
        for name, value in fields.items():
            if name in self.resource.references:
                value = ObjectId(value)
            elif isinstance(value, date):  # BSON has no date-only type
                value = value.isoformat()
            document[name] = value
            if name in self.resource.search_fields:
                document.update(search_copies(name, value))
        return document

    def _to_public(self, document: Document) -> Record:
        fields = {k: str(v) if isinstance(v, ObjectId) else v for k, v in document.items()}
        fields["id"] = fields.pop("_id")
        return self.resource.public_model.model_validate(fields)


def repository_of(resource: Resource) -> Callable[[Database], Repository]:
    """The resource's repository over a database, kept while the database is the same.

    Building one (its collection object above all) cost a twentieth of a warm request,
    and a process serves every request from the same cached client.
    """
    last: Repository | None = None

    def over(database: Database) -> Repository:
        nonlocal last
        if last is None or last.database is not database:
            last = Repository(resource, database)
        return last

    return over


def _after(criteria: Document, last_id: ObjectId) -> Document:
    """`criteria` limited to records after the cursor's.

    Inside each branch of an $or, so that every branch stays one index range that
    is already in _id order.
    """
    after = {"_id": {"$gt": last_id}}
    if "$or" in criteria:
        rest = {k: v for k, v in criteria.items() if k != "$or"}
        return {**rest, "$or": [{**branch, **after} for branch in criteria["$or"]]}
    return {**criteria, **after}


def _after_value(criteria: Document, key: str, value: Any, last_id: ObjectId) -> Document:
    """`criteria` after (value, last_id) in the order (key, _id): one index range, the
    $or only dropping records that share the value (a sort has no search's $or)."""
    return {
        **criteria,
        key: {"$gte": value},
        "$or": [{key: {"$gt": value}}, {"_id": {"$gt": last_id}}],
    }


def _selector(record_id: ObjectId, versions: list[int] | None) -> Document:
    if versions is None:
        return {"_id": record_id}
    return {"_id": record_id, "version": {"$in": versions}}

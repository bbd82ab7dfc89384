"""Bring stored records to today's forms: canonical values and search copies.

A change to how a value is stored (a course code's canonical form, how an email is
folded for its unique index, which prefixes search stores) must reach the records
written before it. `refresh_stored_forms` rewrites each record whose stored forms
differ from what the API would write today, and leaves the others alone, so running
it again changes nothing.

Two records can collapse to one value ("MATH-201" and "MATH201" are one course
now). The unique index refuses the second rewrite; that record keeps its old value
(its search copies are still refreshed) and is reported as a collision: nothing is
merged or deleted, and someone decides which record stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from api_core.database import Database, Document
from api_core.models.courses import canonical_code
from api_core.resources import COURSES, Resource
from api_core.search import search_copies, stored_copies

# Collection -> field -> its canonical form (raising ValueError when it has none).
CANONICAL_FORMS: Mapping[str, Mapping[str, Callable[[str], str]]] = {
    COURSES.collection: {"code": canonical_code},
}
# Rewrites in flight at once: one round trip each (mongomock has no bulk_write
# that today's pymongo can drive), so a large collection needs them side by side.
CONCURRENT = 50
# A rewrite can lose a race with the API's own write; a later pass redoes it.
PASSES = 3


@dataclass(frozen=True)
class Collision:
    """A record whose refreshed form is already another record's."""

    collection: str
    record_id: str
    stored: Mapping[str, Any]
    refreshed: Mapping[str, Any]

    def describe(self) -> str:
        return (
            f"{self.collection} {self.record_id}: {dict(self.stored)} would become "
            f"{dict(self.refreshed)}, which another record already has; kept as it is"
        )


@dataclass(frozen=True)
class _Change:
    record_id: Any
    version: Any
    set: Document
    unset: list[str]
    public: Document  # the canonical rewrites among `set`: clients see them

    def operation(self, keep: frozenset[str] = frozenset()) -> tuple[Document, Document] | None:
        """The rewrite, leaving the fields in `keep` as they are stored."""
        fields = {k: v for k, v in self.set.items() if k not in keep}
        update: dict[str, Any] = {}
        if fields:
            update["$set"] = fields
        if self.unset:
            update["$unset"] = dict.fromkeys(self.unset, "")
        if not update:
            return None
        if set(self.public) - keep:
            update["$inc"] = {"version": 1}
        return {"_id": self.record_id, "version": self.version}, update


def _unique_fields(resource: Resource) -> frozenset[str]:
    return frozenset(
        key
        for index in resource.indexes
        if index.document.get("unique")
        for key in index.document["key"]
    )


def change_for(resource: Resource, document: Document) -> _Change | None:
    """What `document` needs to match what the API writes today, or None."""
    public: Document = {}
    for name, canonical in CANONICAL_FORMS.get(resource.collection, {}).items():
        value = document.get(name)
        if isinstance(value, str):
            try:
                form = canonical(value)
            except ValueError:  # older rules let it in; leave it for a person to fix
                continue
            if form != value:
                public[name] = form
    wanted: Document = dict(public)
    unset: list[str] = []
    for name in resource.search_fields:
        value = public.get(name, document.get(name))
        if isinstance(value, str):
            wanted.update(search_copies(name, value))
        else:
            unset += [copy for copy in stored_copies(name) if copy in document]
    to_set = {k: v for k, v in wanted.items() if document.get(k) != v}
    if not to_set and not unset:
        return None
    return _Change(document["_id"], document.get("version"), to_set, unset, public)


async def refresh_stored_forms(database: Database, resource: Resource) -> list[Collision]:
    """Rewrite the records of `resource` whose stored forms are out of date."""
    if not resource.search_fields and resource.collection not in CANONICAL_FORMS:
        return []
    collisions: dict[str, Collision] = {}
    for _ in range(PASSES):
        missed = await _one_pass(database, resource, collisions)
        if not missed:
            break
    return list(collisions.values())


async def _one_pass(
    database: Database, resource: Resource, collisions: dict[str, Collision]
) -> int:
    """One walk over the collection; how many rewrites found their record changed."""
    collection = database[resource.collection]
    missed = 0
    batch: list[Awaitable[bool]] = []
    async for document in collection.find({}, sort=[("_id", 1)]):
        change = change_for(resource, document)
        if change is not None and str(document["_id"]) not in collisions:
            batch.append(_rewrite(collection, resource, change, document, collisions))
        if len(batch) == CONCURRENT:
            missed += (await asyncio.gather(*batch)).count(False)
            batch = []
    missed += (await asyncio.gather(*batch)).count(False)
    return missed


async def _rewrite(
    collection: AsyncCollection[Document],
    resource: Resource,
    change: _Change,
    document: Document,
    collisions: dict[str, Collision],
) -> bool:
    """Apply `change`; False when the record changed since it was read."""
    operation = change.operation()
    assert operation is not None  # change_for returns only changes that change something
    try:
        result = await collection.update_one(*operation)
        return result.matched_count == 1
    except DuplicateKeyError:
        pass
    # Keep the colliding record's unique values and its canonical rewrites as they
    # are; everything else (its search copies) is still brought up to date.
    keep = _unique_fields(resource) | set(CANONICAL_FORMS.get(resource.collection, {}))
    kept = sorted(keep & set(change.set))
    collisions[str(document["_id"])] = Collision(
        resource.collection,
        str(document["_id"]),
        {k: document.get(k) for k in kept},
        {k: change.set[k] for k in kept},
    )
    fallback = change.operation(keep)
    if fallback is not None:
        await collection.update_one(*fallback)
    return True

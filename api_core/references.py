"""References between records, kept free of orphans without transactions.

A record that others point at (a student, a course) lists the ids of the records
pointing at it in its `referenced_by` field, and three single-document writes keep
that list honest under any interleaving of concurrent requests:

- creating a record first claims each record it points at, by adding its own
  (pre-generated) id to that record's `referenced_by`; a claim fails when the
  target does not exist. Only then is the new record inserted.
- deleting a record is one `find_one_and_delete` that also requires its
  `referenced_by` to be empty.
- deleting a record that points at others deletes it, then releases its claims.

A claim is made before its record exists and released only after it is gone, so a
record can never be deleted while something points at it: no orphans, on a
standalone server or a replica set alike. Claims are `$addToSet` and `$pull` of the
record's own id, so a retried write changes nothing twice.

A fault between two steps (a timeout, a killed process) can only leave a claim
whose record was never stored or is already gone: never a record without its
claim. Such a claim keeps its target from being deleted until it is older than
STALE_CLAIM_AFTER, far beyond any request's deadline; then the refused delete drops
it and tries again (see drop_stale_claims).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bson import ObjectId

from api_core.database import Database, Document
from api_core.errors import Conflict
from api_core.resources import Resource, referrers

REFERENCED_BY = "referenced_by"
STALE_CLAIM_AFTER = timedelta(minutes=10)

Target = tuple[str, ObjectId]  # (collection, id)


def targets(resource: Resource, document: Document) -> list[Target]:
    """The records `document` points at."""
    return [
        (collection, document[field])
        for field, collection in resource.references.items()
        if document.get(field) is not None
    ]


async def claim(database: Database, resource: Resource, document: Document) -> None:
    """Claim every record `document` points at, or none of them.

    Raises Conflict, with every claim already made released, when one is missing.
    """
    claimed: list[Target] = []
    for field, collection in resource.references.items():
        target_id = document.get(field)
        if target_id is None:
            continue
        result = await database[collection].update_one(
            {"_id": target_id}, {"$addToSet": {REFERENCED_BY: document["_id"]}}
        )
        if result.matched_count == 0:
            await _release(database, claimed, document["_id"])
            raise Conflict(f"No record in {collection} has the id given as {field}.")
        claimed.append((collection, target_id))


async def release(database: Database, resource: Resource, document: Document) -> None:
    """Release the claims of a record that is gone, or was never stored."""
    await _release(database, targets(resource, document), document["_id"])


async def _release(database: Database, claimed: Iterable[Target], record_id: ObjectId) -> None:
    for collection, target_id in claimed:
        await database[collection].update_one(
            {"_id": target_id}, {"$pull": {REFERENCED_BY: record_id}}
        )


async def drop_stale_claims(database: Database, resource: Resource, target_id: ObjectId) -> bool:
    """Drop claims on a record that are old and whose record does not exist.

    Safe because a claim's id is an ObjectId made when the claim was: one older than
    STALE_CLAIM_AFTER belongs to a request whose deadline passed long ago, so if its
    record is not stored by now, it never will be. True when any claim was dropped.
    """
    target = await database[resource.collection].find_one({"_id": target_id}, {REFERENCED_BY: 1})
    oldest_live = datetime.now(UTC) - STALE_CLAIM_AFTER
    old = [i for i in (target or {}).get(REFERENCED_BY, []) if i.generation_time < oldest_live]
    if not old:
        return False
    alive: set[ObjectId] = set()
    for other, _ in referrers(resource):
        alive.update(await database[other.collection].distinct("_id", {"_id": {"$in": old}}))
    stale = [i for i in old if i not in alive]
    if not stale:
        return False
    await database[resource.collection].update_one(
        {"_id": target_id}, {"$pull": {REFERENCED_BY: {"$in": stale}}}
    )
    return True


async def claim_existing_references(database: Database, resources: Iterable[Resource]) -> None:
    """Give records stored before claims existed the claims they would have had.

    Idempotent (`$addToSet`), so the deploy step can run it every time.
    """
    resources = list(resources)
    for resource in resources:
        for field, collection in resource.references.items():
            claims: dict[ObjectId, list[ObjectId]] = {}
            async for record in database[resource.collection].find({}, {field: 1}):
                if record.get(field) is not None:
                    claims.setdefault(record[field], []).append(record["_id"])
            for target_id, ids in claims.items():
                await database[collection].update_one(
                    {"_id": target_id}, {"$addToSet": {REFERENCED_BY: {"$each": ids}}}
                )
    for resource in resources:
        if referrers(resource):
            await database[resource.collection].update_many(
                {REFERENCED_BY: {"$exists": False}}, {"$set": {REFERENCED_BY: []}}
            )

"""Query shapes: every `find` the API sends, and the declared index that answers it.

MongoDB answers a find with an index scan whose work is the page (not the
collection) when an index's keys are the filter's equality fields, then the sort
key (a range on the sort key itself is fine), in that order. Each branch of an
`$or` needs such an index of its own; MongoDB merges the branches in sort order.
This module records the finds, and the find each aggregation starts with (pymongo
command monitoring on the client the API builds), and checks each against the
indexes declared in api_core.resources. A count (`count_documents`: an aggregate
whose first stage is the `$match`) is recorded as a find without sort: its work is
the index range its filter selects.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient, monitoring

RANGE_OPERATORS = {"$gt", "$gte", "$lt", "$lte"}
# The stage pymongo's count_documents ends its pipeline with.
_COUNT_STAGE = {"$group": {"_id": 1, "n": {"$sum": 1}}}


@dataclass
class FindRecorder(monitoring.CommandListener):
    finds: list[dict[str, Any]] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.commands.append(event.command_name)
        command = event.command
        if event.command_name == "find":
            self.finds.append(
                {
                    "collection": command["find"],
                    "filter": dict(command.get("filter", {})),
                    "sort": dict(command.get("sort", {})),
                    "limit": command.get("limit"),
                }
            )
        elif event.command_name == "aggregate":
            stages = list(command.get("pipeline", []))
            if len(stages) == 2 and "$match" in stages[0] and stages[1] == _COUNT_STAGE:
                count = {"collection": command["aggregate"], "filter": dict(stages[0]["$match"])}
                self.finds.append({**count, "sort": {}, "limit": None, "command": "count"})
            else:
                self.finds.append(_leading_find(command["aggregate"], stages))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def _leading_find(collection: str, pipeline: list[dict[str, Any]]) -> dict[str, Any]:
    """The find a pipeline starts with: MongoDB plans leading $match, $sort and $limit
    stages as it plans a find's filter, sort and limit (a roster's $lookup follows)."""
    find: dict[str, Any] = {"collection": collection, "filter": {}, "sort": {}, "limit": None}
    stages = list(pipeline)
    for stage, part in (("$match", "filter"), ("$sort", "sort"), ("$limit", "limit")):
        if stages and stage in stages[0]:
            value = stages.pop(0)[stage]
            find[part] = dict(value) if isinstance(value, dict) else value
    return find


@contextmanager
def recording() -> Iterator[FindRecorder]:
    """Attach a recorder to the client the API builds next (drops any cached one)."""
    from api_core import database

    recorder = FindRecorder()
    module: Any = database  # its AsyncMongoClient is swapped while recording
    original = module.AsyncMongoClient
    database.forget_client()
    module.AsyncMongoClient = functools.partial(AsyncMongoClient, event_listeners=[recorder])
    try:
        yield recorder
    finally:
        module.AsyncMongoClient = original
        cached = database._cache
        if cached is not None and not cached.loop.is_closed():
            cached.loop.run_until_complete(database.close_client())
        database.forget_client()


def declared_indexes() -> dict[str, dict[str, list[str]]]:
    """collection -> index name -> key fields, as api_core.resources declares them."""
    from api_core.resources import ALL_RESOURCES

    declared = {}
    for resource in ALL_RESOURCES:
        # all_indexes adds the search indexes that `search_fields` implies.
        indexes = getattr(resource, "all_indexes", resource.indexes)
        declared[resource.collection] = {
            "_id_": ["_id"],
            **{index.document["name"]: list(index.document["key"]) for index in indexes},
        }
    return declared


def _kind(condition: Any) -> str:
    if isinstance(condition, dict) and condition and all(k.startswith("$") for k in condition):
        if set(condition) <= {"$eq"}:
            return "equality"
        if set(condition) <= RANGE_OPERATORS:
            return "range"
        if set(condition) == {"$in"}:
            return "in"
        return "other"
    return "equality"


def _fit(branch: dict[str, Any], sort: list[str], keys: list[str]) -> dict[str, Any] | None:
    """How the index with `keys` answers one branch in sort order, or None if it cannot.

    `bounded` is False when the index only supplies the order: with a residual filter
    that is a walk over the whole index, checking every document, until a page fills.
    """
    kinds = {name: _kind(condition) for name, condition in branch.items()}
    position = 0
    while position < len(keys) and kinds.get(keys[position]) == "equality":
        position += 1
    equality_prefix = position
    if sort:
        if keys[position : position + len(sort)] != sort:
            return None
        position += len(sort)
    elif position < len(keys) and kinds.get(keys[position]) in {"range", "in"}:
        # No sort: one range (or $in) after the equality prefix is still one index range.
        position += 1
    used = keys[:position]
    if branch and not any(name in branch for name in used):
        return None
    # The sort key may carry a range (the cursor: _id > last); anything else left
    # over is checked on each document the index range fetches.
    residual = [name for name in branch if name not in used]
    return {
        "used": len(used),
        "residual": residual,
        "bounded": not residual or equality_prefix > 0,
    }


def check(find: dict[str, Any], indexes: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """Which declared index answers each branch of a recorded find, and what is left over.

    verdict: "index" (filter and sort answered by one index range per branch),
    "index + residual" (an equality prefix bounds the range; some fields are checked
    per document within it), or "NOT COVERED" (a scan, or a sort in memory).
    """
    criteria, sort = find["filter"], list(find["sort"])
    rest = {k: v for k, v in criteria.items() if k != "$or"}
    branches = [{**rest, **branch} for branch in criteria["$or"]] if "$or" in criteria else [rest]
    names: list[str | None] = []
    residual: set[str] = set()
    verdict = "index"
    for branch in branches:
        fits = [
            (name, fit)
            for name, keys in indexes.get(find["collection"], {}).items()
            if (fit := _fit(branch, sort, keys)) is not None
        ]
        fits.sort(
            key=lambda item: (not item[1]["bounded"], len(item[1]["residual"]), -item[1]["used"])
        )
        if not fits or not fits[0][1]["bounded"]:
            names.append(fits[0][0] if fits else None)
            verdict = "NOT COVERED"
            continue
        name, fit = fits[0]
        names.append(name)
        residual.update(fit["residual"])
        if fit["residual"] and verdict == "index":
            verdict = "index + residual"
    return {
        "collection": find["collection"],
        "shape": shape(find),
        "indexes": names,
        "residual": sorted(residual),
        "verdict": verdict,
    }


def shape(find: dict[str, Any]) -> str:
    """The find with values replaced by their kind, e.g. `{name_prefixes: eq} sort _id`."""

    def describe(criteria: dict[str, Any]) -> str:
        parts = []
        for name, condition in criteria.items():
            if name in ("$or", "$and"):
                parts.append(f"{name}[" + ", ".join(describe(b) for b in condition) + "]")
            else:
                kind = _kind(condition)
                parts.append(f"{name}: {'eq' if kind == 'equality' else kind}")
        return "{" + ", ".join(parts) + "}"

    sort = ", ".join(f"{k} {'asc' if v == 1 else 'desc'}" for k, v in find["sort"].items())
    command = find.get("command", "find")
    return f"{find['collection']}.{command}({describe(find['filter'])})" + (
        f" sort {sort}" if sort else ""
    )


def summarize(finds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per distinct shape, with how often the API sent it."""
    indexes = declared_indexes()
    rows: dict[str, dict[str, Any]] = {}
    for find in finds:
        row = check(find, indexes)
        rows.setdefault(row["shape"], {**row, "count": 0})["count"] += 1
    return list(rows.values())

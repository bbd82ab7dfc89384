"""A course's roster in one request, and its grades saved in one request.

`GET /api/courses/{id}/roster` joins each enrollment to its student with one
aggregation ($lookup on the students' _id index) instead of one request per
student. It pages by enrollment _id, each page an index range: (course_id, _id)
for every term, (course_id, term, _id) for one term. The first page also lists
the course's terms (a `distinct` on the same index).

`PATCH /api/courses/{id}/roster` reads the rows' enrollments in one query, then
saves the rows it can with one update per distinct grade and version, each row
guarded by its version as `PATCH /api/enrollments/{id}` with If-Match is, and
reports each row: one stale or foreign row never hides or undoes the others. (A
round trip per row ran past a request's deadline, 2 s, for 200 rows on the test
server: see api_core/README.md, Rosters.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from bson import ObjectId
from fastapi import APIRouter, Query, Response
from pydantic import ValidationError

from api_core.auth import SignedIn, StaffOnly
from api_core.database import Database, DatabaseDep, Document, aggregate
from api_core.errors import NotFound, problem_responses
from api_core.ids import decode_cursor, encode_cursor, parse_id
from api_core.models.enrollments import EnrollmentUpdate
from api_core.models.rosters import (
    GradeChange,
    GradeResult,
    GradeResults,
    RosterEntry,
    RosterGrades,
    RosterPage,
    RosterQuery,
    Status,
    term_order,
)
from api_core.repository import ForeignCursor, repository_of
from api_core.resources import COURSES, ENROLLMENTS

JSON = "application/json"

router = APIRouter(prefix="/api/courses", tags=["courses"])
enrollments = repository_of(ENROLLMENTS)


@router.get(
    "/{id}/roster",
    response_model=RosterPage,
    summary="Get a course's roster",
    description=(
        "The course's enrollments with each student's name and email, in enrollment "
        "order. Follow `next_cursor` for the next page."
    ),
    dependencies=[SignedIn],
    responses=problem_responses(404, 422, 503),
)
async def get_roster(
    id: str, query: Annotated[RosterQuery, Query()], database: DatabaseDep
) -> Response:
    course_id = parse_id(id)
    first_page = query.cursor is None
    terms = (
        await course_terms(database, course_id) if first_page or query.term == "latest" else None
    )
    term = (terms[0] if terms else None) if query.term == "latest" else query.term
    items: list[RosterEntry] = []
    next_cursor = None
    if terms != []:  # no terms: the course has no enrollments
        items, next_cursor = await roster_page(database, course_id, term, query)
    if not items:  # an enrollment proves its course exists; none proves nothing
        await _require_course(database, course_id)
    page = RosterPage(
        course_id=id,
        term=term,
        terms=terms if first_page else None,
        items=items,
        next_cursor=next_cursor,
    )
    return Response(page.model_dump_json(), media_type=JSON)


@router.patch(
    "/{id}/roster",
    response_model=GradeResults,
    summary="Grade many students of a course",
    description=(
        "Each row sets one enrollment's grade (null clears it) if the enrollment is "
        "still at `version`, as `If-Match` does for one. Each row is saved or refused "
        "on its own; `results` says what became of each, in the order sent."
    ),
    dependencies=[StaffOnly],
    responses=problem_responses(404, 413, 415, 422, 503),
)
async def grade_roster(id: str, body: RosterGrades, database: DatabaseDep) -> Response:
    course_id = parse_id(id)
    await _require_course(database, course_id)
    seen: set[str] = set()
    rows = [_check_row(row, seen) for row in body.grades]
    changes = [row for row in rows if isinstance(row, GradeChange)]
    stored = await _stored(database, changes)
    answered: dict[str, GradeResult] = {}
    for change in changes:
        refusal = _refusal(change, stored.get(change.enrollment_id), course_id)
        if refusal is not None:
            answered[change.enrollment_id] = refusal
    answered |= await _write(database, [c for c in changes if c.enrollment_id not in answered])
    results = [row if isinstance(row, GradeResult) else answered[row.enrollment_id] for row in rows]
    reply = GradeResults(results=results, saved=sum(r.status == "ok" for r in results))
    return Response(reply.model_dump_json(), media_type=JSON)


async def course_terms(database: Database, course_id: ObjectId) -> list[str]:
    """The terms the course has enrollments in, newest first."""
    terms = await database[ENROLLMENTS.collection].distinct("term", {"course_id": course_id})
    return sorted(terms, key=term_order, reverse=True)


async def roster_page(
    database: Database, course_id: ObjectId, term: str | None, query: RosterQuery
) -> tuple[list[RosterEntry], str | None]:
    criteria: Document = {"course_id": course_id}
    if term is not None:
        criteria["term"] = term
    if query.cursor is not None:
        after = decode_cursor(query.cursor)
        if after.sort is not None:  # a list's sorted cursor: rosters go by _id only
            raise ForeignCursor()
        criteria["_id"] = {"$gt": after.last_id}
    pipeline: list[Document] = [
        {"$match": criteria},
        {"$sort": {"_id": 1}},
        {"$limit": query.limit + 1},  # one more tells whether another page follows
        {
            "$lookup": {
                "from": ENROLLMENTS.references["student_id"],
                "localField": "student_id",
                "foreignField": "_id",
                "as": "student",
            }
        },
        {
            "$project": {
                "student_id": 1,
                "term": 1,
                "grade": 1,
                "version": 1,
                "student.name": 1,
                "student.email": 1,
            }
        },
    ]
    # The whole page in the first batch: the default (101) would add round trips.
    documents = await aggregate(
        database, ENROLLMENTS.collection, pipeline, batchSize=query.limit + 1
    )
    next_cursor = None
    if len(documents) > query.limit:
        documents = documents[: query.limit]
        next_cursor = encode_cursor(documents[-1]["_id"])
    return [_entry(document) for document in documents], next_cursor


def _entry(document: Document) -> RosterEntry:
    student = (document.get("student") or [{}])[0]
    return RosterEntry(
        enrollment_id=str(document["_id"]),
        student_id=str(document["student_id"]),
        name=student.get("name"),
        email=student.get("email"),
        term=document["term"],
        grade=document.get("grade"),
        version=document["version"],
    )


async def _require_course(database: Database, course_id: ObjectId) -> None:
    if await database[COURSES.collection].find_one({"_id": course_id}, {"_id": 1}) is None:
        raise NotFound()


def _check_row(row: Mapping[str, Any], seen: set[str]) -> GradeChange | GradeResult:
    """The row as a change, or its `invalid` result. `seen`: the ids of earlier rows."""
    sent_id = row.get("enrollment_id")
    enrollment_id = sent_id if isinstance(sent_id, str) else None
    try:
        change = GradeChange.model_validate(row)
    except ValidationError as error:
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()
        ]
        return _result(enrollment_id, "invalid", "This row has invalid values.", errors=errors)
    if change.enrollment_id in seen:
        detail = "This enrollment is already in an earlier row of this request."
        return _result(enrollment_id, "invalid", detail)
    seen.add(change.enrollment_id)
    return change


async def _stored(database: Database, changes: list[GradeChange]) -> dict[str, Document]:
    """The rows' enrollments as stored now, by id: one query, whatever the number of rows."""
    ids = [ObjectId(change.enrollment_id) for change in changes]
    projection = {"course_id": 1, "grade": 1, "version": 1}
    cursor = database[ENROLLMENTS.collection].find({"_id": {"$in": ids}}, projection)
    return {str(document["_id"]): document async for document in cursor}


def _refusal(
    change: GradeChange, current: Document | None, course_id: ObjectId
) -> GradeResult | None:
    """Why the row cannot be saved as it stands, or None."""
    if current is None:
        return _result(change.enrollment_id, "not_found", "No enrollment has this id.")
    if current["course_id"] != course_id:
        detail = "This enrollment is another course's."
        return _result(change.enrollment_id, "other_course", detail)
    if current["version"] != change.version:
        return _conflict(change.enrollment_id, current)
    return None


async def _write(database: Database, writes: list[GradeChange]) -> dict[str, GradeResult]:
    """Each change, if its enrollment is still at its version.

    An enrollment changes only at the version the row names, as with If-Match on
    `PATCH /api/enrollments/{id}` (Repository.update_document builds the same
    update), in one `update_many` per distinct (grade, version): a handful for a
    roster, whatever its size. (mongomock cannot run today's pymongo `bulk_write`,
    and an `$or` of one branch per row took seconds on the test server.) An update
    only counts what it matched; when a group falls short (rows changed since they
    were read), one more read tells which rows were saved.
    """
    repository = enrollments(database)
    groups: dict[tuple[str | None, int], list[GradeChange]] = {}
    for change in writes:
        groups.setdefault((change.grade, change.version), []).append(change)
    unsure: list[GradeChange] = []
    refused: list[GradeChange] = []
    for (_, version), group in groups.items():
        ids = [ObjectId(change.enrollment_id) for change in group]
        update = repository.update_document(_grade_change(group[0]))
        written = await repository.collection.update_many(
            {"_id": {"$in": ids}, "version": version}, update
        )
        if written.matched_count == 0:
            refused += group  # none written: each row changed since it was read
        elif written.matched_count != len(group):
            unsure += group
    results = {change.enrollment_id: _saved(change) for change in writes}
    if unsure or refused:
        latest = await _stored(database, unsure + refused)
        for change in unsure:
            results[change.enrollment_id] = _outcome(change, latest.get(change.enrollment_id))
        for change in refused:
            results[change.enrollment_id] = _not_saved(change, latest.get(change.enrollment_id))
    return results


def _outcome(change: GradeChange, now: Document | None) -> GradeResult:
    """What became of a change some of whose neighbours were not written.

    At its version + 1 with the grade asked for, it was saved (or, when another save
    of the same grade at the same version raced it, that one was: the record is the
    same either way); otherwise it is a conflict. A group of one row is never in
    doubt: its update matched it or nothing.
    """
    if now is not None and (now["version"], now.get("grade")) == (
        change.version + 1,
        change.grade,
    ):
        return _saved(change)
    return _not_saved(change, now)


def _not_saved(change: GradeChange, now: Document | None) -> GradeResult:
    """A change its update did not write: deleted since, or changed (a conflict)."""
    if now is None:
        return _result(change.enrollment_id, "not_found", "This enrollment was just deleted.")
    return _conflict(change.enrollment_id, now)


def _saved(change: GradeChange) -> GradeResult:
    return _result(
        change.enrollment_id, "ok", "Saved.", grade=change.grade, version=change.version + 1
    )


def _grade_change(change: GradeChange) -> dict[str, Any]:
    """The row as the fields of an enrollment's PATCH body, validated as one."""
    return EnrollmentUpdate.model_validate({"grade": change.grade}).model_dump(exclude_unset=True)


def _conflict(enrollment_id: str, current: Document) -> GradeResult:
    detail = "Someone changed this grade meanwhile; `grade` and `version` are the current ones."
    return _result(
        enrollment_id, "conflict", detail, grade=current.get("grade"), version=current["version"]
    )


def _result(enrollment_id: str | None, status: Status, detail: str, **fields: Any) -> GradeResult:
    return GradeResult(enrollment_id=enrollment_id, status=status, detail=detail, **fields)

"""GET /api/students/{id}/transcript: a student's academic standing, read in one aggregation.

One `aggregate` on enrollments fetches everything: the student's enrollments,
each joined to its course ($lookup) and grouped per term ($group). The GPA
arithmetic (api_core/gpa.py) runs here over that result, so that the rules and
their rounding live in one tested place. Only when the student has no enrollment
does one more query tell a new student from an unknown id.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from fastapi import APIRouter, Response

from api_core.auth import SignedIn
from api_core.database import Database, DatabaseDep, Document, aggregate
from api_core.errors import NotFound, problem_responses
from api_core.gpa import Tally, tally, term_order
from api_core.ids import parse_id
from api_core.models.transcripts import Transcript, TranscriptCourse, TranscriptTerm

router = APIRouter(prefix="/api/students", tags=["students"])


def transcript_pipeline(student_id: ObjectId) -> list[Document]:
    return [
        {"$match": {"student_id": student_id}},
        {
            "$lookup": {
                "from": "courses",
                "localField": "course_id",
                "foreignField": "_id",
                "as": "course",
            }
        },
        {"$unwind": "$course"},
        {
            "$group": {
                "_id": "$term",
                "courses": {
                    "$push": {
                        "course_id": "$course_id",
                        "code": "$course.code",
                        "title": "$course.title",
                        "credits": "$course.credits",
                        # An ungraded enrollment stores no grade; mongomock would
                        # drop the pushed document without the explicit null.
                        "grade": {"$ifNull": ["$grade", None]},
                    }
                },
            }
        },
    ]


def build_transcript(student_id: str, groups: list[Document]) -> Transcript:
    """The transcript from the aggregation's groups, oldest term first."""
    terms: list[TranscriptTerm] = []
    so_far = Tally()
    for group in sorted(groups, key=lambda group: term_order(group["_id"])):
        courses = sorted(
            (
                TranscriptCourse(**{**course, "course_id": str(course["course_id"])})
                for course in group["courses"]
            ),
            key=lambda course: course.code,
        )
        term = tally((course.credits, course.grade) for course in courses)
        so_far += term
        terms.append(
            TranscriptTerm(
                term=group["_id"],
                courses=courses,
                **_standing(term),
                term_gpa=term.gpa,
                cumulative_gpa=so_far.gpa,
            )
        )
    return Transcript(student_id=student_id, terms=terms, **_standing(so_far), gpa=so_far.gpa)


def _standing(sums: Tally) -> dict[str, Any]:
    return {
        "credits_attempted": sums.attempted,
        "credits_earned": sums.earned,
        "gpa_credits": sums.graded,
        "quality_points": sums.quality_points,
    }


async def read_transcript(database: Database, student_id: ObjectId) -> Transcript:
    groups = await aggregate(database, "enrollments", transcript_pipeline(student_id))
    # An enrollment cannot outlive its student (api_core/references.py), so only an
    # empty result leaves the student's existence in question.
    if not groups and await database["students"].find_one({"_id": student_id}, {"_id": 1}) is None:
        raise NotFound("No student with this id.")
    return build_transcript(str(student_id), groups)


@router.get(
    "/{id}/transcript",
    response_model=Transcript,
    summary="Get a student's transcript",
    description=(
        "Per term, oldest first: the courses with their grades, credits attempted and "
        "earned, the term GPA and the cumulative GPA (4.0 scale, A+ counts 4.0). "
        "Ungraded courses count as attempted, not in the GPA; an F earns no credits "
        "but counts in the GPA. GPAs are rounded half up to 2 decimals."
    ),
    dependencies=[SignedIn],
    responses=problem_responses(404, 503),
)
async def get_transcript(id: str, database: DatabaseDep) -> Response:
    transcript = await read_transcript(database, parse_id(id))
    return Response(transcript.model_dump_json(), media_type="application/json")

"""A course with many students enrolled, stored through the repositories (as the API
stores them) without a request per record: seeding 500 takes seconds. For tests and
benchmarks; the app never imports it."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from pymongo import AsyncMongoClient

from api_core.devtools.loops import run_in_own_loop
from api_core.models.courses import CourseCreate
from api_core.models.enrollments import EnrollmentCreate
from api_core.models.students import StudentCreate
from api_core.repository import Repository
from api_core.resources import COURSES, ENROLLMENTS, STUDENTS


async def _seed(
    uri: str, database: str, code: str, people: Sequence[tuple[str, str]], term: str
) -> tuple[str, list[str]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(uri, tz_aware=True)
    try:
        db = client[database]
        course = await Repository(COURSES, db).create(
            CourseCreate(code=code, title=f"Roster {code}", credits=5)
        )
        students, enrollments = Repository(STUDENTS, db), Repository(ENROLLMENTS, db)
        ids = []
        for name, email in people:
            student = await students.create(StudentCreate(name=name, email=email))
            enrollment = await enrollments.create(
                EnrollmentCreate(student_id=student.id, course_id=course.id, term=term)
            )
            ids.append(enrollment.id)
        return course.id, ids
    finally:
        await client.close()


def seed_roster(
    uri: str, database: str, code: str, people: Sequence[tuple[str, str]], term: str
) -> tuple[str, list[str]]:
    """A new course `code` with each (name, email) a new student enrolled for `term`:
    the course's id and the enrollments' ids, in enrollment order.

    Runs on a thread of its own, so that it works beside a loop already running on
    this one (the sync Playwright API keeps one).
    """
    result: list[tuple[str, list[str]]] = []
    worker = threading.Thread(
        target=lambda: result.append(run_in_own_loop(_seed(uri, database, code, people, term)))
    )
    worker.start()
    worker.join()
    if not result:
        raise RuntimeError("seeding the roster failed (see the thread's traceback above)")
    return result[0]

"""A student with a transcript over two terms, created through the functions' handlers."""

from __future__ import annotations

from api_core.devtools.builders import course_body, enrollment_body, student_body
from api_core.devtools.events import response_json
from api_core.devtools.invoke import invoke
from tests.support.functions import Handlers

# 2026-FALL: A- on 4 credits, one ungraded on 3; 2027-SPRING: F on 2.
TERMS = ["2026-FALL", "2027-SPRING"]
TERM_GPAS = [3.7, 0.0]
CUMULATIVE_GPAS = [3.7, 2.47]  # 14.8 / 6 = 2.4666...


def seed_transcript(handlers: Handlers) -> str:
    """Create the student, courses and enrollments above; the student's id."""

    def created(handler: object, resource: str, body: dict[str, object]) -> str:
        response = invoke(handler, "POST", f"/api/{resource}", body)
        assert response["statusCode"] == 201, response
        return str(response_json(response)["id"])

    student = created(handlers.students, "students", student_body())
    graded, ungraded, failed = (
        created(handlers.courses, "courses", course_body(credits=credits)) for credits in (4, 3, 2)
    )
    for course, term, grade in (
        (graded, "2026-FALL", "A-"),
        (ungraded, "2026-FALL", None),
        (failed, "2027-SPRING", "F"),
    ):
        extra = {} if grade is None else {"grade": grade}
        created(
            handlers.enrollments,
            "enrollments",
            enrollment_body(student, course, term=term, **extra),
        )
    return student

"""The students function serves a student's transcript from each event shape."""

from __future__ import annotations

from typing import Any

import pytest

from api_core.devtools.events import EVENT_SHAPES, EventShape, build_event, response_json
from api_core.devtools.invoke import assert_unavailable, invoke
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.settings import Settings
from tests.support.functions import Handler, Handlers
from tests.support.transcripts import CUMULATIVE_GPAS, TERM_GPAS, TERMS, seed_transcript


@pytest.mark.parametrize("shape", EVENT_SHAPES)
def test_students_function_serves_transcript_through_event_shape(
    handlers: Handlers, shape: EventShape
) -> None:
    student = seed_transcript(handlers)
    event = build_event(shape, "GET", f"/api/students/{student}/transcript")

    response: dict[str, Any] = handlers.students(event, FakeLambdaContext())

    assert response["statusCode"] == 200, response
    body = response_json(response)
    assert [term["term"] for term in body["terms"]] == TERMS
    assert [term["term_gpa"] for term in body["terms"]] == TERM_GPAS
    assert [term["cumulative_gpa"] for term in body["terms"]] == CUMULATIVE_GPAS
    assert (body["credits_attempted"], body["credits_earned"]) == (9, 4)


def test_courses_function_does_not_serve_transcripts(handlers: Handlers) -> None:
    student = seed_transcript(handlers)

    response = invoke(handlers.courses, "GET", f"/api/students/{student}/transcript")

    assert response["statusCode"] == 404


def test_transcript_with_database_down_is_503_problem(
    students_database_down: Handler, settings: Settings
) -> None:
    response = invoke(
        students_database_down, "GET", "/api/students/0123456789abcdef01234567/transcript"
    )

    assert_unavailable(response, settings)

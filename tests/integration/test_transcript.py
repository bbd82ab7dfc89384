"""A transcript costs the database one command: the aggregation, on a real wire server."""

from __future__ import annotations

from api_core.devtools.events import response_json
from api_core.devtools.invoke import invoke
from api_core.devtools.shapes import recording
from tests.conftest import close_cached_client
from tests.support.functions import Handlers
from tests.support.transcripts import CUMULATIVE_GPAS, seed_transcript


def test_transcript_is_one_aggregate_command(handlers: Handlers) -> None:
    student = seed_transcript(handlers)
    close_cached_client()  # recording() drops the cached client without closing it

    with recording() as recorder:
        response = invoke(handlers.students, "GET", f"/api/students/{student}/transcript")
        commands = list(recorder.commands)

    assert response["statusCode"] == 200, response
    assert [term["cumulative_gpa"] for term in response_json(response)["terms"]] == (
        CUMULATIVE_GPAS
    )
    assert commands == ["aggregate"]


def test_transcript_of_student_without_enrollments_adds_one_find(handlers: Handlers) -> None:
    created = invoke(handlers.students, "POST", "/api/students", {"name": "N", "email": "n@x.org"})
    student = response_json(created)["id"]
    close_cached_client()

    with recording() as recorder:
        response = invoke(handlers.students, "GET", f"/api/students/{student}/transcript")
        commands = list(recorder.commands)

    assert response["statusCode"] == 200
    assert response_json(response)["terms"] == []
    assert commands == ["aggregate", "find"]

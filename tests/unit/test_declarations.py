"""A resource declaration that contradicts itself fails at import, saying what to change."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pymongo import ASCENDING, IndexModel

from api_core.models.base import ListQuery
from api_core.resources import ALL_RESOURCES, COURSES, ENROLLMENTS, STUDENTS, check_references


def unique(field: str, name: str = "teacher_email") -> IndexModel:
    return IndexModel([(field, ASCENDING)], unique=True, name=name)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # The trap a forker fell into: the folded copy is stored only for search fields.
        (
            {"search_fields": ("name",), "indexes": (unique("email_folded", "email_unique"),)},
            "index 'email_unique' uses email_folded, but email_folded is stored only for "
            "search fields: add 'email' to search_fields",
        ),
        (
            {"indexes": (unique("mail"),), "unique_messages": {}},
            "index 'teacher_email' uses mail, but no student stores mail",
        ),
        ({"search_fields": ("name", "nickname")}, "search field 'nickname' is not a field"),
        ({"query_model": ListQuery}, "search_fields are set but ListQuery takes no q"),
        ({"unique_messages": {"nope": "..."}}, "unique_messages names 'nope'"),
        ({"natural_key": ("name",)}, "natural_key ('name',) is not the key of a unique index"),
    ],
)
def test_a_self_contradicting_declaration_is_refused_with_the_fix(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match="resource 'students': ") as refused:
        replace(STUDENTS, **change)  # type: ignore[arg-type]

    assert message in str(refused.value)


def test_a_reference_to_an_undeclared_resource_is_refused() -> None:
    teachers_course = replace(COURSES, references={})  # a harmless stand-in
    pointing = replace(ENROLLMENTS, references={"student_id": "teachers", "course_id": "courses"})

    with pytest.raises(ValueError, match="points at 'teachers', which is not a declared resource"):
        check_references((STUDENTS, teachers_course, pointing))


def test_the_shipped_declarations_hold() -> None:
    check_references(ALL_RESOURCES)
    for resource in ALL_RESOURCES:
        assert replace(resource) == resource


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Teachers"}, "name 'Teachers' must be lower_snake_case"),
        ({"name": "lab-sessions"}, "name 'lab-sessions' must be lower_snake_case"),
        ({"name": "health"}, "name 'health' is taken by functions/health.py"),
        ({"examples": ({}, {})}, "examples[0] is not a valid StudentCreate"),
        ({"examples": (STUDENTS.examples[0], {"name": "x"})}, "examples[1] is not a valid"),
    ],
)
def test_a_name_or_example_the_rest_cannot_use_is_refused(
    change: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        replace(STUDENTS, **change)  # type: ignore[arg-type]

    assert message in str(refused.value)


def test_a_resource_name_becomes_a_camel_case_logical_id_and_a_title() -> None:
    lab_sessions = replace(STUDENTS, name="lab_sessions")

    assert lab_sessions.logical_id == "LabSessionsFunction"
    assert lab_sessions.title == "Lab sessions"

"""Valid request bodies for each resource; override any field per test."""

from __future__ import annotations

import itertools
from typing import Any

_serial = itertools.count(1)


def student_body(**overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    return {"name": f"Student {n}", "email": f"student{n}@example.edu", **overrides}


def course_body(**overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    return {"code": f"CS{n % 10000}", "title": f"Course {n}", "credits": 6, **overrides}


def enrollment_body(student_id: str, course_id: str, **overrides: Any) -> dict[str, Any]:
    return {"student_id": student_id, "course_id": course_id, "term": "2026-FALL", **overrides}

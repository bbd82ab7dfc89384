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


def students_csv(rows: int, bad_every: int = 0, prefix: str = "import") -> bytes:
    """A students import file of `rows` data rows; with `bad_every`, every such row
    (the last of each run of that many) has an email the API refuses."""
    lines = ["name,email,program"]
    for n in range(1, rows + 1):
        bad = bad_every and n % bad_every == 0
        email = f"not-an-email-{n}" if bad else f"{prefix}{n}@example.edu"
        lines.append(f"Student {n},{email},Physics")
    return ("\n".join(lines) + "\n").encode()

"""The demo school `make seed` imports: the same files every time, every row valid."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from api_core.devtools.demo_school import TERMS, write_school
from api_core.models.courses import CourseCreate
from api_core.models.enrollments import EnrollmentCreate
from api_core.models.students import StudentCreate

SOME_ID = "0" * 24


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_demo_school_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = write_school(tmp_path / "a")
    second = write_school(tmp_path / "b")

    assert list(first) == ["students", "courses", "enrollments"]  # the order to import them
    for kind in first:
        assert first[kind].read_bytes() == second[kind].read_bytes()


def test_the_demo_school_is_realistic_and_every_row_is_valid(tmp_path: Path) -> None:
    paths = write_school(tmp_path)
    students, courses, enrollments = (read(paths[kind]) for kind in paths)

    assert (len(students), len(courses), len(enrollments)) == (500, 40, 2000)
    names = " ".join(s["name"] for s in students)
    for part in ("García", "Ångström", "O'Brien", "Nguyễn"):
        assert part in names
    assert len({s["email"].casefold() for s in students}) == 500
    assert any(not s["program"] for s in students) and any(not s["date_of_birth"] for s in students)
    for s in students:
        StudentCreate.model_validate({k: v for k, v in s.items() if v})
    for c in courses:
        CourseCreate.model_validate({**c, "credits": int(c["credits"])})

    emails, codes = {s["email"] for s in students}, {c["code"] for c in courses}
    keys = {(e["student_email"], e["course_code"], e["term"]) for e in enrollments}
    assert len(keys) == 2000  # no two rows for the same enrollment
    assert all(e["student_email"] in emails and e["course_code"] in codes for e in enrollments)
    assert Counter(e["term"] for e in enrollments).keys() == set(TERMS)
    graded = Counter(e["term"] for e in enrollments if e["grade"])
    assert 0 < graded["2025-FALL"] < Counter(e["term"] for e in enrollments)["2025-FALL"]
    assert graded["2026-FALL"] == 0  # this term is not over
    for e in enrollments:
        fields = {"student_id": SOME_ID, "course_id": SOME_ID, "term": e["term"]}
        EnrollmentCreate.model_validate(fields | ({"grade": e["grade"]} if e["grade"] else {}))

"""One Lambda container's life, for tests that run many side by side.

Run as `python -m tests.support.warm_container` with the API's variables set: it
serves a few requests through the functions' handlers (a write that touches three
collections among them), as one container would, one at a time; prints "warm";
then keeps its process, and with it its connections, until stdin closes.
"""

from __future__ import annotations

import sys
import uuid

from api_core.devtools.builders import course_body, enrollment_body, student_body
from api_core.devtools.events import response_json
from api_core.devtools.invoke import invoke
from functions import courses, enrollments, students


def main() -> None:
    # Unique across the containers running side by side.
    unique = uuid.uuid4().hex
    code = "".join(chr(ord("A") + int(digit, 16) % 26) for digit in unique[:8]) + "1"
    body = student_body(email=f"{unique}@example.edu")
    student = response_json(invoke(students.handler, "POST", "/api/students", body))
    course = response_json(invoke(courses.handler, "POST", "/api/courses", course_body(code=code)))
    body = enrollment_body(student["id"], course["id"])
    statuses = [
        invoke(enrollments.handler, "POST", "/api/enrollments", body)["statusCode"],
        invoke(students.handler, "GET", f"/api/students/{student['id']}")["statusCode"],
        invoke(enrollments.handler, "GET", "/api/enrollments")["statusCode"],
    ]
    if statuses != [201, 200, 200]:
        raise SystemExit(f"unexpected answers: {statuses}")
    sys.stdout.write("warm\n")
    sys.stdout.flush()
    sys.stdin.read()


if __name__ == "__main__":
    main()

"""Bulk import on mongomock: reading CSV, applying batches by the API's rules, the report."""

from __future__ import annotations

import time
from typing import Any

import pytest
from bson import ObjectId
from fastapi.testclient import TestClient

from api_core.database import Database
from api_core.devtools.loops import run_in_own_loop
from api_core.imports import batches, records
from api_core.imports.csv_rows import Row, UnreadableFile, decoded, read_rows
from api_core.imports.kinds import KINDS

STUDENT_COLUMNS = KINDS["students"].columns, KINDS["students"].required


def rows_of(text: bytes, chunk: int = 7) -> list[Row]:
    chunks = [text[i : i + chunk] for i in range(0, len(text), chunk)]
    return list(read_rows(decoded(chunks), *STUDENT_COLUMNS))


def test_rows_keep_their_line_numbers_through_bom_quotes_and_line_breaks() -> None:
    text = (
        "\ufeffname,email\r\n"
        "Ada,ada@example.org\r\n"
        '"Lovelace, Ada","a""b@example.org"\r\n'
        "\r\n"
        '"Two\nlines",two@example.org\r\n'
        "Zoë Ångström,zoe@example.org"  # no line break at the end
    ).encode()

    rows = rows_of(text)

    assert [(row.line, row.values) for row in rows] == [
        (2, {"name": "Ada", "email": "ada@example.org"}),
        (3, {"name": "Lovelace, Ada", "email": 'a"b@example.org'}),
        (5, {"name": "Two\nlines", "email": "two@example.org"}),
        (7, {"name": "Zoë Ångström", "email": "zoe@example.org"}),
    ]


def test_a_row_with_more_cells_than_columns_is_a_row_problem_not_a_file_problem() -> None:
    rows = rows_of(b"name,email\nA,a@x.org,extra\nB,b@x.org\n")

    assert rows[0].problem == "The row has 3 cells; the header names 2 columns."
    assert rows[1].values == {"name": "B", "email": "b@x.org"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"", "The file is empty"),
        (b"name,mail\n", "Unknown column 'mail'"),
        (b"name\n", "Missing column 'email'"),
        (b"name,email,name\n", "Column 'name' appears twice"),
        ("name,email\nJos\xe9,j@x.org\n".encode("latin-1"), "not UTF-8 text (near line 2)"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(text: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason.replace("(", r"\(").replace(")", r"\)")):
        rows_of(text)


def new_import(database: Database, kind: str) -> ObjectId:
    record = run_in_own_loop(records.create(database, kind, f"{kind}.csv"))
    run_in_own_loop(records.start(database, ObjectId(record.id)))
    return ObjectId(record.id)


def apply(database: Database, import_id: ObjectId, kind: str, number: int, *rows: Row) -> None:
    run_in_own_loop(batches.apply(database, batches.Batch(import_id, kind, number, list(rows))))


def report(database: Database, import_id: ObjectId) -> records.ImportRecord:
    return run_in_own_loop(records.get(database, import_id))


def test_bad_rows_are_reported_in_the_apis_words_and_spoil_nothing(
    mock_database: Database, client: TestClient
) -> None:
    import_id = new_import(mock_database, "students")

    apply(
        mock_database,
        import_id,
        "students",
        0,
        Row(2, {"name": "Ada", "email": "ada@example.org"}),
        Row(3, {"name": "Bad", "email": "not-an-email"}),
        Row(4, {"name": "Grace", "email": "grace@example.org", "date_of_birth": "1906-12-09"}),
        Row(5, {}, "The row has 3 cells; the header names 2 columns."),
    )

    record = report(mock_database, import_id)
    assert (record.rows_done, record.rows_failed) == (2, 2)
    assert [f.line for f in record.failures] == [3, 5]
    assert record.failures[0].reason.startswith("email: value is not a valid email address")
    names = [s["name"] for s in client.get("/api/students").json()["items"]]
    assert names == ["Ada", "Grace"]


def test_a_redelivered_batch_changes_and_counts_nothing_twice(
    mock_database: Database, client: TestClient
) -> None:
    import_id = new_import(mock_database, "courses")
    row = Row(2, {"code": "cs101", "title": "Programming", "credits": "5"})

    apply(mock_database, import_id, "courses", 0, row)
    apply(mock_database, import_id, "courses", 0, row)  # the queue delivers it again
    other_import = new_import(mock_database, "courses")
    apply(mock_database, other_import, "courses", 0, row)  # the same file imported again

    (course,) = client.get("/api/courses").json()["items"]
    assert (course["code"], course["credits"], course["version"]) == ("CS101", 5, 1)
    assert report(mock_database, import_id).rows_done == 1
    assert report(mock_database, other_import).rows_done == 1


def test_a_row_whose_natural_key_exists_updates_that_record(
    mock_database: Database, client: TestClient
) -> None:
    created = client.post("/api/students", json={"name": "Ada", "email": "Ada@Example.org"}).json()
    import_id = new_import(mock_database, "students")

    apply(
        mock_database,
        import_id,
        "students",
        0,
        Row(2, {"name": "Ada Lovelace", "email": "ada@example.org", "program": "Maths"}),
    )

    (student,) = client.get("/api/students").json()["items"]
    assert student["id"] == created["id"]
    assert (student["name"], student["program"], student["version"]) == ("Ada Lovelace", "Maths", 2)


def test_course_rows_spelling_one_code_three_ways_are_one_course(
    mock_database: Database, client: TestClient
) -> None:
    import_id = new_import(mock_database, "courses")

    apply(
        mock_database,
        import_id,
        "courses",
        0,
        Row(2, {"code": "math201", "title": "Linear Algebra", "credits": "5"}),
        Row(3, {"code": "MATH 201", "title": "Linear Algebra", "credits": "5"}),
        Row(4, {"code": "MATH-201", "title": "Linear Algebra", "credits": "6"}),
    )

    (course,) = client.get("/api/courses").json()["items"]
    assert (course["code"], course["credits"], course["version"]) == ("MATH201", 6, 2)


def test_enrollment_rows_find_students_by_email_under_nfkc(
    mock_database: Database, client: TestClient
) -> None:
    student = client.post("/api/students", json={"name": "Ada", "email": "ada@example.org"}).json()
    client.post("/api/courses", json={"code": "CS101", "title": "P", "credits": 5})
    import_id = new_import(mock_database, "enrollments")

    row = {"student_email": "ＡＤＡ@example.org", "course_code": "cs-101", "term": "2026-FALL"}
    apply(mock_database, import_id, "enrollments", 0, Row(2, row))

    (enrollment,) = client.get("/api/enrollments").json()["items"]
    assert enrollment["student_id"] == student["id"]


def test_enrollment_rows_name_their_student_by_email_and_course_by_code(
    mock_database: Database, client: TestClient
) -> None:
    student = client.post("/api/students", json={"name": "Ada", "email": "ada@example.org"}).json()
    course = client.post("/api/courses", json={"code": "CS101", "title": "P", "credits": 5}).json()
    import_id = new_import(mock_database, "enrollments")
    row: dict[str, Any] = {"student_email": "ADA@example.org", "course_code": "cs101"}

    apply(
        mock_database,
        import_id,
        "enrollments",
        0,
        Row(2, {**row, "term": "2026-FALL", "grade": "A"}),
        Row(3, {**row, "term": "2026-FALL", "grade": "B+"}),  # the same enrollment, regraded
        Row(4, {**row, "student_email": "nobody@example.org", "term": "2026-FALL"}),
        Row(5, {**row, "course_code": "XX999", "term": "2026-FALL"}),
        Row(6, {**row, "term": "autumn"}),
    )

    (enrollment,) = client.get("/api/enrollments").json()["items"]
    assert (enrollment["student_id"], enrollment["course_id"]) == (student["id"], course["id"])
    assert enrollment["grade"] == "B+"
    reasons = {f.line: f.reason for f in report(mock_database, import_id).failures}
    assert reasons[4] == "No student has the email 'nobody@example.org'."
    assert reasons[5] == "No course has the code 'XX999'."
    assert reasons[6].startswith("term: String should match pattern")
    assert client.delete(f"/api/courses/{course['id']}").status_code == 409  # claimed


def wait_for_the_end(client: TestClient, url: str) -> dict[str, Any]:
    for _ in range(200):
        record: dict[str, Any] = client.get(url).json()
        if record["status"] in ("done", "failed"):
            return record
        time.sleep(0.02)
    raise AssertionError(f"the import did not finish: {record}")


def test_an_upload_to_the_local_api_runs_the_import_and_reports(client: TestClient) -> None:
    created = client.post("/api/imports", json={"kind": "students", "file_name": "s.csv"})
    assert created.status_code == 201
    new = created.json()
    assert (new["status"], new["upload"]["method"]) == ("waiting", "PUT")
    assert created.headers["location"] == f"/api/imports/{new['id']}"
    csv = "name,email\n" + "".join(f"S{n},s{n}@example.org\n" for n in range(250)) + "X,bad\n"

    uploaded = client.put(
        new["upload"]["url"], content=csv.encode(), headers=new["upload"]["headers"]
    )
    again = client.put(new["upload"]["url"], content=csv.encode())

    assert uploaded.status_code == 202 and again.status_code == 409
    record = wait_for_the_end(client, created.headers["location"])
    assert (record["status"], record["rows_total"]) == ("done", 251)
    assert (record["rows_done"], record["rows_failed"]) == (250, 1)
    assert record["failures"][0]["line"] == 252


def test_an_unreadable_upload_fails_the_import_with_the_reason(client: TestClient) -> None:
    new = client.post("/api/imports", json={"kind": "courses", "file_name": "c.csv"}).json()

    client.put(new["upload"]["url"], content=b"code,name\nCS1,x\n")

    record = wait_for_the_end(client, f"/api/imports/{new['id']}")
    assert record["status"] == "failed"
    assert record["error"] == "Unknown column 'name': the columns are code, title, credits."

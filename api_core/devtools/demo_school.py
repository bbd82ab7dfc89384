"""A demo school as import files: students, courses and enrollments CSVs, always the same.

`python -m api_core.devtools.demo_school DIR` writes DIR/students.csv, DIR/courses.csv and
DIR/enrollments.csv; `make seed` imports them, in that order. A seeded generator, so
the same sizes give the same bytes every time, and importing them twice changes nothing.
Names come from many languages, with accents, apostrophes and hyphens, as real ones do.
Development data, like the wire server beside it: not part of the API or its functions.
"""

from __future__ import annotations

import argparse
import csv
import random
import unicodedata
from datetime import date, timedelta
from pathlib import Path

SEED = 20261126
DOMAIN = "students.example.edu"
TERMS = ("2025-FALL", "2026-SPRING", "2026-FALL")  # the last one has no grades yet
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "F")
GRADE_WEIGHTS = (4, 10, 12, 13, 12, 10, 9, 8, 6, 4, 3, 3)

# fmt: off
FIRST_NAMES = (
    "Amara", "Ángel", "Aoife", "Ayşe", "Bjørn", "Björk", "Camille", "Chloé", "Chen", "Dário",
    "Dmitri", "Éloïse", "Emeka", "Fatima", "François", "Freya", "Grace", "Hana", "Hugo", "Ines",
    "Ingrid", "Jörg", "José", "Kai", "Kofi", "Lars", "Léa", "Liam", "Łukasz", "Maëlle", "Mateo",
    "Mei", "Mía", "Nikolai", "Noémie", "Olúwaseun", "Omar", "Priya", "Renée", "Rūta", "Saoirse",
    "Siobhán", "Søren", "Sofía", "Tomás", "Tuğba", "Wei", "Yusuf", "Zoë", "Žofie",
)
LAST_NAMES = (
    "Adeyemi", "Ångström", "Bianchi", "Brontë", "Castañeda", "Çelik", "Costa", "D'Angelo",
    "Dvořák", "Eriksson", "Fernández", "García", "Gonçalves", "Haddad", "Hernández", "Ishikawa",
    "Jovanović", "Kowalski", "Kuznetsova", "Laurent", "Lefèvre", "Løvstad", "MacAllister",
    "Martín-Gómez", "Müller", "Nakamura", "Nguyễn", "Novák", "O'Brien", "O'Connor", "Okafor",
    "Østergaard", "Papadopoulos", "Pérez", "Qureshi", "Rossi", "Schäfer", "Šimić", "Smith",
    "Sørensen", "Svensson", "Takahashi", "Trần", "van der Berg", "Wiśniewska", "Yılmaz", "Zhang",
)
PROGRAMS = (
    "Computer Science", "Mathematics", "Physics", "Biology", "Chemistry", "Economics",
    "History", "Philosophy", "Linguistics", "Mechanical Engineering", "Psychology",
    "Music", "Architecture", "Environmental Science",
)
COURSES = (
    ("CS101", "Introduction to Programming", 6), ("CS102", "Data Structures", 6),
    ("CS210", "Algorithms and Complexity", 6), ("CS230", "Computer Architecture", 5),
    ("CS305", "Databases and Information Systems", 5), ("CS340", "Operating Systems", 5),
    ("CS360", "Computer Networks", 5), ("CS410", "Machine Learning", 6),
    ("CS450", "Compilers", 6), ("MATH101", "Calculus I", 6), ("MATH102", "Calculus II", 6),
    ("MATH201", "Linear Algebra", 5), ("MATH220", "Discrete Mathematics", 5),
    ("MATH310", "Probability and Statistics", 5), ("MATH330", "Numerical Analysis", 5),
    ("PHYS101", "Mechanics", 6), ("PHYS102", "Electricity and Magnetism", 6),
    ("PHYS210", "Quantum Physics", 6), ("BIO101", "Cell Biology", 5),
    ("BIO220", "Genetics", 5), ("CHEM101", "General Chemistry", 5),
    ("CHEM210", "Organic Chemistry", 5), ("ECON101", "Principles of Economics", 4),
    ("ECON210", "Microeconomics", 4), ("ECON220", "Macroeconomics", 4),
    ("HIST110", "World History since 1500", 4), ("HIST230", "History of Science", 3),
    ("PHIL101", "Logic and Argument", 3), ("PHIL230", "Ethics, Technology and Society", 3),
    ("LING101", "Introduction to Linguistics", 4), ("LING240", "Phonetics", 4),
    ("ENG150", "Academic Writing", 3), ("ME201", "Statics", 5), ("ME220", "Thermodynamics", 5),
    ("PSY101", "Introduction to Psychology", 4), ("PSY250", "Cognitive Psychology", 4),
    ("MUS110", "Music Theory", 3), ("ARCH101", "Design Studio I", 8),
    ("ENV120", "Climate and Energy", 4), ("STAT-200", "Data Analysis with R", 4),
)
# fmt: on


def ascii_letters(text: str) -> str:
    """Lower-case ASCII for an email's local part: "Nguyễn" -> "nguyen", "O'Brien" -> "obrien"."""
    special = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "ı": "i"})
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(special))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def students(rng: random.Random, count: int) -> list[dict[str, str]]:
    rows, emails = [], set()
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{ascii_letters(first)}.{ascii_letters(last)}"
        email, n = f"{local}@{DOMAIN}", 1
        while email in emails:
            n += 1
            email = f"{local}{n}@{DOMAIN}"
        emails.add(email)
        born = date(1996, 1, 1) + timedelta(days=rng.randrange(11 * 365))
        rows.append(
            {
                "name": f"{first} {last}",
                "email": email,
                "program": rng.choice(PROGRAMS) if rng.random() < 0.9 else "",
                "date_of_birth": born.isoformat() if rng.random() < 0.95 else "",
            }
        )
    return rows


def courses(count: int) -> list[dict[str, str]]:
    if count > len(COURSES):
        raise ValueError(f"the demo school has {len(COURSES)} courses at most")
    return [
        {"code": code, "title": title, "credits": str(credits)}
        for code, title, credits in COURSES[:count]
    ]


def enrollments(
    rng: random.Random, students: list[dict[str, str]], courses: list[dict[str, str]], count: int
) -> list[dict[str, str]]:
    if count > len(students) * len(courses) * len(TERMS):
        raise ValueError("more enrollments than students, courses and terms allow")
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    while len(rows) < count:
        student, course, term = rng.choice(students), rng.choice(courses), rng.choice(TERMS)
        key = (student["email"], course["code"], term)
        if key in seen:
            continue
        seen.add(key)
        graded = term != TERMS[-1] and rng.random() < 0.92
        grade = rng.choices(GRADES, GRADE_WEIGHTS)[0] if graded else ""
        rows.append({"student_email": key[0], "course_code": key[1], "term": term, "grade": grade})
    return rows


def write_school(
    directory: Path,
    *,
    students_count: int = 500,
    courses_count: int = 40,
    enrollments_count: int = 2000,
) -> dict[str, Path]:
    """The three files, by kind, in the order they must be imported."""
    rng = random.Random(SEED)
    people = students(rng, students_count)
    offered = courses(courses_count)
    tables = {
        "students": people,
        "courses": offered,
        "enrollments": enrollments(rng, people, offered, enrollments_count),
    }
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, rows in tables.items():
        paths[kind] = directory / f"{kind}.csv"
        with paths[kind].open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--courses", type=int, default=40)
    parser.add_argument("--enrollments", type=int, default=2000)
    args = parser.parse_args()
    write_school(
        args.directory,
        students_count=args.students,
        courses_count=args.courses,
        enrollments_count=args.enrollments,
    )


if __name__ == "__main__":
    main()

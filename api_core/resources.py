"""What each resource is: its models, indexes, unique keys, references and list filters.

The repository and the router are generic; everything that makes students differ
from courses lives in one `Resource` description here. To add a resource, write
its models, describe it below, add it to ALL_RESOURCES and run `make declare`
(README, Adding a resource): that writes its function module, its part of
template.yaml and the page's list of resources from these declarations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel

from api_core.models import courses, enrollments, students
from api_core.models.base import CREATION_ORDER, InputModel, ListQuery, Record
from api_core.search import search_indexes, stored_copies

Filter = dict[str, Any]
Body = Mapping[str, Any]

# A name is a URL segment, a collection, a module (functions/<name>.py) and, in
# CamelCase, a logical id in template.yaml that the Makefile turns back into the name.
_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*")
# functions/ modules that are not resources.
RESERVED_NAMES = frozenset({"health", "imports", "import_file", "import_batch", "migrate"})


def _no_filter(_: Any) -> Filter:
    return {}


@dataclass(frozen=True)
class Resource:
    name: str  # URL segment and collection name, plural
    singular: str
    create_model: type[InputModel]
    update_model: type[InputModel]
    public_model: type[Record]
    query_model: type[ListQuery]
    indexes: tuple[IndexModel, ...] = ()
    # Unique index name -> the 409 message when a write collides with it.
    unique_messages: Mapping[str, str] = field(default_factory=dict)
    # Field holding another record's id -> that record's collection. The target
    # must exist on create, and cannot be deleted while anything points at it.
    references: Mapping[str, str] = field(default_factory=dict)
    # Fields `?q=` matches by the start of their words (see api_core/search.py).
    # Each also gets a stored `<field>_folded` copy, usable by a unique index.
    search_fields: tuple[str, ...] = ()
    # Builds the MongoDB filter for a list request's other query parameters.
    list_filter: Callable[[Any], Filter] = _no_filter
    # The stored fields that name a record outside the API (an import finds the record
    # a row is about by them); the key of one of the unique indexes above.
    natural_key: tuple[str, ...] = ()
    # Two valid create bodies that differ in every unique key: the contract suite
    # (tests/contract/) creates, lists, searches, changes and deletes them, and the
    # deploy tests send them. A referencing field's value is replaced by the id of a
    # record of the resource it points at.
    examples: tuple[Body, Body] = ({}, {})
    # A page of its own in the frontend (public/js/declared.js). Off for a resource
    # whose records are shown from the records they point at (enrollments).
    page: bool = True
    # Modules whose `router` serves more paths under this resource's (a student's
    # transcript, a course's roster). Only this resource's function imports them.
    more_routes: tuple[str, ...] = ()
    # `?sort=<name>` -> the stored field it sorts by, then _id; each gets an index
    # (field, _id). A search field's `<field>_order` copy ignores case and accents.
    sorts: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = self._contradictions()
        if problems:
            raise ValueError(f"resource {self.name!r}: " + "; ".join(problems))

    def _contradictions(self) -> list[str]:
        """What this declaration says that cannot all be true, each with the fix."""
        fields = set(self.create_model.model_fields)
        stored = fields | {"_id", "created_at", "updated_at", "version"}
        stored |= {copy for name in self.search_fields for copy in stored_copies(name)}
        problems = (
            []
            if _NAME.fullmatch(self.name)
            else [f"name {self.name!r} must be lower_snake_case, like 'lab_sessions'"]
        )
        if self.name in RESERVED_NAMES:
            problems.append(f"name {self.name!r} is taken by functions/{self.name}.py")
        problems += [
            f"search field {name!r} is not a field of {self.create_model.__name__}"
            for name in self.search_fields
            if name not in fields
        ]
        if self.search_fields and "q" not in self.query_model.model_fields:
            problems.append(
                f"search_fields are set but {self.query_model.__name__} takes no q: add "
                "q: str | None = search_parameter(...)"
            )
        for index in self.indexes:
            for key in index.document["key"]:
                if key in stored:
                    continue
                base = key.removesuffix("_folded")
                hint = (
                    f"{key} is stored only for search fields: add {base!r} to search_fields"
                    if base != key and base in fields
                    else f"no {self.singular} stores {key}"
                )
                problems.append(f"index {index.document['name']!r} uses {key}, but {hint}")
        unique = {
            i.document["name"]: tuple(i.document["key"])
            for i in self.indexes
            if i.document.get("unique")
        }
        problems += [
            f"unique_messages names {name!r}, which is not a unique index"
            for name in self.unique_messages
            if name not in unique
        ]
        if self.natural_key and self.natural_key not in unique.values():
            problems.append(
                f"natural_key {self.natural_key} is not the key of a unique index; declare one"
            )
        problems += [
            f"reference {name!r} is not a field of {self.create_model.__name__}"
            for name in self.references
            if name not in fields
        ]
        changeable = sorted(set(self.references) & set(self.update_model.model_fields))
        if changeable:
            # The records they point at hold a claim made on create (see
            # api_core/references.py); a change would leave it behind.
            problems.append(
                f"{', '.join(changeable)} point at other records and cannot change; take "
                f"them out of {self.update_model.__name__}"
            )
        problems += self._sort_problems(stored)
        problems += self._example_problems()
        return problems

    def _sort_problems(self, stored: set[str]) -> list[str]:
        problems = []
        required = {
            name for name, info in self.create_model.model_fields.items() if info.is_required()
        }
        for name, key in self.sorts.items():
            if name == CREATION_ORDER or not _NAME.fullmatch(name):
                problems.append(f"sort {name!r}: lower_snake_case, and not {CREATION_ORDER!r}")
            base = next((f for f in self.search_fields if key in stored_copies(f)), key)
            if key not in stored:
                problems.append(f"sort {name!r} uses {key}, but no {self.singular} stores it")
            elif base not in required:
                # A record without the field would fall out of every page after the first.
                problems.append(f"sort {name!r} must use a required field, not {base!r}")
        return problems

    def _example_problems(self) -> list[str]:
        problems = []
        for n, example in enumerate(self.examples):
            try:
                self.create_model.model_validate(example)
            except ValueError as error:
                model = self.create_model.__name__
                problems.append(f"examples[{n}] is not a valid {model}: {error}")
        return problems

    @property
    def logical_id(self) -> str:
        """Its function's logical id in template.yaml: lab_sessions -> LabSessionsFunction."""
        return "".join(part.capitalize() for part in self.name.split("_")) + "Function"

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def collection(self) -> str:
        return self.name

    @property
    def all_indexes(self) -> tuple[IndexModel, ...]:
        return self.indexes + search_indexes(self.search_fields) + self.sort_indexes

    @property
    def sort_indexes(self) -> tuple[IndexModel, ...]:
        return tuple(
            IndexModel([(key, ASCENDING), ("_id", ASCENDING)], name=f"by_{name}")
            for name, key in self.sorts.items()
        )


_SOME_ID = "0123456789abcdef01234567"  # stands in for a reference in an example


def _enrollment_filter(query: enrollments.EnrollmentQuery) -> Filter:
    return {
        name: ObjectId(value)
        for name, value in (("student_id", query.student_id), ("course_id", query.course_id))
        if value is not None
    }


STUDENTS = Resource(
    name="students",
    singular="student",
    create_model=students.StudentCreate,
    update_model=students.StudentUpdate,
    public_model=students.Student,
    query_model=students.StudentQuery,
    indexes=(IndexModel([("email_folded", ASCENDING)], unique=True, name="email_unique"),),
    unique_messages={"email_unique": "A student with this email already exists."},
    search_fields=("name", "email", "program"),
    natural_key=("email_folded",),
    sorts={"name": "name_order"},
    examples=(
        {"name": "Ada Lovelace", "email": "ada@example.org", "program": "Mathematics"},
        {"name": "Grace Hopper", "email": "grace@example.org", "date_of_birth": "1906-12-09"},
    ),
    more_routes=("api_core.transcripts",),
)

COURSES = Resource(
    name="courses",
    singular="course",
    create_model=courses.CourseCreate,
    update_model=courses.CourseUpdate,
    public_model=courses.Course,
    query_model=courses.CourseQuery,
    indexes=(IndexModel([("code", ASCENDING)], unique=True, name="code_unique"),),
    unique_messages={"code_unique": "A course with this code already exists."},
    search_fields=("code", "title"),
    natural_key=("code",),
    sorts={"code": "code"},
    examples=(
        {"code": "CS101", "title": "Programming", "credits": 5},
        {"code": "MATH-201", "title": "Linear algebra", "credits": 6},
    ),
    more_routes=("api_core.rosters",),
)

ENROLLMENTS = Resource(
    name="enrollments",
    singular="enrollment",
    create_model=enrollments.EnrollmentCreate,
    update_model=enrollments.EnrollmentUpdate,
    public_model=enrollments.Enrollment,
    query_model=enrollments.EnrollmentQuery,
    indexes=(
        IndexModel(
            [("student_id", ASCENDING), ("course_id", ASCENDING), ("term", ASCENDING)],
            unique=True,
            name="enrollment_unique",
        ),
        IndexModel([("student_id", ASCENDING), ("_id", ASCENDING)], name="by_student"),
        IndexModel([("course_id", ASCENDING), ("_id", ASCENDING)], name="by_course"),
        # A course's roster for one term (api_core/rosters.py), in enrollment order.
        IndexModel(
            [("course_id", ASCENDING), ("term", ASCENDING), ("_id", ASCENDING)],
            name="by_course_term",
        ),
    ),
    unique_messages={
        "enrollment_unique": "This student is already enrolled in this course for this term."
    },
    references={"student_id": "students", "course_id": "courses"},
    list_filter=_enrollment_filter,
    natural_key=("student_id", "course_id", "term"),
    examples=(
        {"student_id": _SOME_ID, "course_id": _SOME_ID, "term": "2026-FALL"},
        {"student_id": _SOME_ID, "course_id": _SOME_ID, "term": "2027-SPRING", "grade": "A-"},
    ),
    page=False,
)

ALL_RESOURCES: tuple[Resource, ...] = (STUDENTS, COURSES, ENROLLMENTS)


def check_references(resources: tuple[Resource, ...]) -> None:
    """Every reference names a declared resource's collection."""
    collections = {resource.collection for resource in resources}
    for resource in resources:
        for name, target in resource.references.items():
            if target not in collections:
                raise ValueError(
                    f"resource {resource.name!r}: reference {name!r} points at {target!r}, "
                    f"which is not a declared resource ({', '.join(sorted(collections))}); "
                    "declare it in ALL_RESOURCES"
                )


check_references(ALL_RESOURCES)


def referrers(resource: Resource) -> list[tuple[Resource, str]]:
    """(resource, field) pairs whose records point at records of `resource`."""
    return [
        (other, name)
        for other in ALL_RESOURCES
        for name, target in other.references.items()
        if target == resource.collection
    ]


def declared(name: str) -> Resource:
    """The declared resource called `name`, as functions/<name>.py asks for it."""
    for resource in ALL_RESOURCES:
        if resource.name == name:
            return resource
    raise LookupError(f"no resource {name!r} is declared in ALL_RESOURCES")

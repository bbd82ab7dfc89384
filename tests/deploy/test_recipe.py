"""The README's recipe for adding a resource, followed in a copy of the project.

A throwaway resource (teachers: a name, a unique email, a department) is added by the
steps of README's "Adding a resource", read from the README itself: its models and
its declaration are written, the step's command is run, and then the step's test
command. Only the files the recipe names may change, and the contract suite and the
template checks must pass there, for the new resource too.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from api_core.declare import ROOT
from tests.deploy.tools import tool_env

pytestmark = pytest.mark.deploy

NAME = "teachers"
MODELS = '''"""Teachers: a name, a unique email and a department."""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, StringConstraints

from api_core.models.base import InputModel, ListQuery, NotNull, Record, search_parameter

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
Department = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class TeacherCreate(InputModel):
    name: Name
    email: Email
    department: Department


class TeacherUpdate(InputModel):
    name: Annotated[Name | None, NotNull] = None
    email: Annotated[Email | None, NotNull] = None
    department: Annotated[Department | None, NotNull] = None


class Teacher(Record):
    name: str
    email: str
    department: str


class TeacherQuery(ListQuery):
    q: str | None = search_parameter("the name or the email")
'''
DECLARATION = """
TEACHERS = Resource(
    name="teachers",
    singular="teacher",
    create_model=teachers.TeacherCreate,
    update_model=teachers.TeacherUpdate,
    public_model=teachers.Teacher,
    query_model=teachers.TeacherQuery,
    indexes=(IndexModel([("email_folded", ASCENDING)], unique=True, name="email_unique"),),
    unique_messages={"email_unique": "A teacher with this email already exists."},
    search_fields=("name", "email"),
    natural_key=("email_folded",),
    examples=(
        {"name": "Emmy Noether", "email": "emmy@example.org", "department": "Mathematics"},
        {"name": "Lise Meitner", "email": "lise@example.org", "department": "Physics"},
    ),
)

"""
# Installed once, shared with the copy (read-only use: nothing installs into them).
SHARED = (".venv", ".venv-sam", ".venv-uv", ".ci/node/node_modules")
# The contract's test functions, each of which must have run for the new resource.
CONTRACT = (
    "test_create_then_read_gives_the_record_its_location_and_etag",
    "test_list_pages_through_every_record_once_by_cursor",
    "test_search_finds_a_record_by_the_start_of_a_search_field_in_any_case",
    "test_patch_with_the_current_etag_changes_the_sent_fields_and_bumps_the_version",
    "test_patch_or_delete_with_a_stale_etag_is_412_and_changes_nothing",
    "test_delete_with_the_current_etag_removes_the_record",
    "test_an_unknown_or_malformed_id_is_404_for_every_operation_on_a_record",
    "test_a_second_record_with_the_same_unique_key_is_409_by_create_and_by_patch",
    "test_a_body_with_an_unknown_or_missing_field_is_422_naming_it",
    "test_the_function_module_exposes_the_resource_handler",
    "test_the_makefile_builds_the_function_from_api_core_and_its_own_module",
    "test_template_routes_the_resource_paths_to_its_own_function_only",
    "test_built_function_creates_reads_lists_changes_and_deletes_on_the_wire_server",
    "test_declared_page_creates_shows_and_deletes_the_first_example",
)


def recipe_steps() -> list[str]:
    """The numbered steps of README's "Adding a resource", one string each."""
    readme = (ROOT / "README.md").read_text()
    section = re.search(r"^## Adding a resource\n(.*?)(?=^#)", readme, re.DOTALL | re.M)
    assert section, "README.md has no '## Adding a resource' section"
    steps = re.split(r"^\d+\. ", section[1], flags=re.M)[1:]
    assert len(steps) >= 4, "the recipe has fewer steps than expected"
    return [" ".join(step.split()) for step in steps]


def quoted(step: str) -> list[str]:
    return [text.replace("<name>", NAME) for text in re.findall(r"`([^`]+)`", step)]


def paths(step: str) -> set[str]:
    return {text for text in quoted(step) if re.fullmatch(r"[\w./-]+\.(py|yaml|js)", text)}


def copy_project(target: Path) -> None:
    """The repository's files (as git tracks them, with their times, so make sees
    nothing out of date), and links to the tools already installed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for name in SHARED:
        assert (ROOT / name).exists(), f"{name} is missing: run `make check deploy-tools`"
        (target / name).symlink_to(ROOT / name)


def fingerprints(root: Path) -> dict[str, str]:
    found = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_symlink() or path.is_dir() or "__pycache__" in relative.parts:
            continue
        if str(relative).startswith(SHARED):
            continue
        found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def declare_teachers(resources: Path) -> None:
    text = resources.read_text()
    imports = "from api_core.models import courses, enrollments, students"
    listed = "ALL_RESOURCES: tuple[Resource, ...] = (STUDENTS, COURSES, ENROLLMENTS)"
    assert imports in text and listed in text
    text = text.replace(imports, imports + ", teachers")
    text = text.replace(listed, DECLARATION.lstrip("\n") + listed[:-1] + ", TEACHERS)")
    resources.write_text(text)


@pytest.mark.timeout(1200)
def test_readme_recipe_adds_a_resource_that_passes_the_contract_and_the_template_checks(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    copy_project(project)
    before = fingerprints(project)
    steps = recipe_steps()
    env = {**tool_env(), "PYTHONPATH": str(project)}
    env.pop("VIRTUAL_ENV", None)

    # 1 and 2: the models and the declaration, the files the steps name.
    (models,) = paths(steps[0])
    assert models == f"api_core/models/{NAME}.py"
    (project / models).write_text(MODELS)
    (declarations,) = paths(steps[1])
    declare_teachers(project / declarations)
    # 3: its command writes the files it names.
    (command,) = (text for text in quoted(steps[2]) if text.startswith("make "))
    made = subprocess.run(
        shlex.split(command), cwd=project, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stdout + made.stderr

    after = fingerprints(project)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == paths(steps[0]) | paths(steps[1]) | paths(steps[2])

    # 4: its test command, with a report of what ran.
    (tests,) = (text for text in quoted(steps[3]) if text.startswith(".venv/bin/pytest"))
    report = tmp_path / "report.xml"
    run = subprocess.run(
        [*shlex.split(tests), f"--junitxml={report}", "-q"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1100,
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-2000:]
    cases = ElementTree.parse(report).getroot().iter("testcase")
    passed = {
        case.get("name", "").split("[")[0]
        for case in cases
        if NAME in case.get("name", "") and not list(case)  # no failure, error or skip
    }
    assert passed >= set(CONTRACT), sorted(set(CONTRACT) - passed)

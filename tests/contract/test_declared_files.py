"""What `make declare` writes is in step with the declarations, and each declared
resource's function is built by the Makefile's one rule from its own module."""

from __future__ import annotations

import importlib
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from api_core import declare
from api_core.devtools.deploy_tools import lambda_python_env
from api_core.resources import ALL_RESOURCES, Resource
from tests.contract.conftest import ids

ROOT = declare.ROOT


def test_declared_files_are_what_the_declarations_give() -> None:
    stale = [str(path.relative_to(ROOT)) for path in declare.stale()]

    assert stale == [], f"{', '.join(stale)}: run `make declare`"


def test_a_hand_edit_inside_a_declared_section_is_found(tmp_path: Path) -> None:
    for name in ("template.yaml", "functions", "public/js"):
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            target.mkdir(parents=True)
            for file in source.glob("*.*"):
                (target / file.name).write_bytes(file.read_bytes())
        else:
            target.write_bytes(source.read_bytes())
    template = tmp_path / "template.yaml"
    template.write_text(template.read_text().replace("Path: /api/courses\n", "Path: /api/course\n"))
    (tmp_path / "functions" / "old_thing.py").write_text(f'"""{declare.GENERATED}"""\n')

    assert set(declare.stale(tmp_path)) == {template, tmp_path / "functions" / "old_thing.py"}
    declare.write(tmp_path)
    assert declare.stale(tmp_path) == []
    assert not (tmp_path / "functions" / "old_thing.py").exists()
    assert template.read_text() == (ROOT / "template.yaml").read_text()


@pytest.mark.parametrize("resource", ALL_RESOURCES, ids=ids)
def test_the_function_module_exposes_the_resource_handler(resource: Resource) -> None:
    module = importlib.import_module(f"functions.{resource.name}")

    assert callable(module.handler)
    assert module.handler.__qualname__ == "make_handler.<locals>.handler"


# What no CRUD function's package holds: the import pipeline, the development harness,
# and what only `make declare` runs.
NOT_SHIPPED = {"imports", "devtools", "declare.py"}


@pytest.mark.parametrize("resource", ALL_RESOURCES, ids=ids)
def test_the_makefile_builds_the_function_from_api_core_and_its_own_module(
    resource: Resource, tmp_path: Path
) -> None:
    result = subprocess.run(
        ["make", "-s", f"build-{resource.logical_id}", f"ARTIFACTS_DIR={tmp_path}"],
        cwd=ROOT,
        env=lambda_python_env("python3.12"),  # the rule compiles with the runtime's Python
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    built = {path.relative_to(tmp_path) for path in tmp_path.rglob("*.py")}  # .pyc beside
    api_core = {
        path.relative_to(ROOT)
        for path in (ROOT / "api_core").rglob("*.py")
        if not NOT_SHIPPED & set(path.relative_to(ROOT).parts)
    }
    own = {Path("functions/__init__.py"), Path(f"functions/{resource.name}.py")}
    assert built == api_core | own


@pytest.mark.parametrize("name", ["lab_sessions", "s3_files", "x2"])
def test_the_makefile_finds_the_module_of_any_name_a_declaration_allows(name: str) -> None:
    logical_id = replace(ALL_RESOURCES[0], name=name).logical_id

    result = subprocess.run(
        ["make", "-n", f"build-{logical_id}", "ARTIFACTS_DIR=/nowhere"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert f"functions/{name}.py " in result.stdout

"""`sam build` output: tiny function packages of our code only, one layer of dependencies."""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import SamBuild, measurements
from tests.deploy.tools import ROOT

pytestmark = pytest.mark.deploy

# A guard against shipping what is not ours (a virtual environment, tests), not a
# budget: our code's .py files are about 172 KiB in a resource function, and about
# 50 KiB more with the import pipeline (after the transcript, rosters and sorted
# lists), and grow with features (their .pyc files, not counted here, about 1.4
# times as much again).
FUNCTION_LIMIT = 208 * 1024
IMPORT_FUNCTION_LIMIT = 256 * 1024  # all of api_core/, the import pipeline included
LAYER_LIMIT = 30 * 1024 * 1024
TAG = "cpython-312"  # the template's runtime
UNCHECKED_HASH = b"\x01\x00\x00\x00"  # a .pyc's flags: valid whatever the zip's timestamps
# Development tools that must never ship to Lambda.
DEV_ONLY = ("secantusdb", "pytest", "mongomock", "uvicorn", "httpx", "ruff", "mypy", "playwright")
# Lambda's runtime has boto3; a copy in the layer would only add 20 MB.
DEV_ONLY += ("boto3", "botocore", "s3transfer", "moto", "types-boto3")


def files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def size(directory: Path) -> int:
    return sum(path.stat().st_size for path in files(directory))


def zipped_size(directory: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files(directory):
            archive.write(path, path.relative_to(directory))
    return len(buffer.getvalue())


def describe(directory: Path) -> str:
    unzipped, zipped = size(directory) / 1024, zipped_size(directory) / 1024
    return f"{unzipped:,.1f} KiB unzipped, {zipped:,.1f} KiB zipped"


def built_functions(sam_build: SamBuild) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in sam_build.template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def is_import_function(properties: dict[str, Any]) -> bool:
    return str(properties["Handler"]).startswith("functions.import")


def test_sam_build_function_package_holds_only_api_core_without_devtools_and_its_own_module(
    sam_build: SamBuild,
) -> None:
    api_core = {path.relative_to(ROOT) for path in (ROOT / "api_core").rglob("*.py")}
    api_core -= {Path("api_core/declare.py")}  # run by `make declare` only
    imports = {path for path in api_core if path.parts[:2] == ("api_core", "imports")}
    # The development harness (wire server, stand-in identity provider...) ships nowhere.
    devtools = {path for path in api_core if path.parts[:2] == ("api_core", "devtools")}
    assert api_core and imports and devtools
    api_core -= devtools
    for logical_id, properties in built_functions(sam_build).items():
        package = sam_build.artifact(logical_id)
        module = Path(*properties["Handler"].split(".")[:-1]).with_suffix(".py")
        # Only the import functions carry the import code.
        ours = api_core if is_import_function(properties) else api_core - imports
        sources = ours | {Path("functions/__init__.py"), module}
        # Each compiled, as the layer is: /var/task is read-only, so a module without
        # its .pyc would be compiled again at every cold start.
        compiled = {
            source.parent / "__pycache__" / f"{source.stem}.{TAG}.pyc" for source in sources
        }
        expected = sources | compiled
        assert {path.relative_to(package) for path in files(package)} == expected, logical_id
        for path in compiled:
            assert (package / path).read_bytes()[4:8] == UNCHECKED_HASH, path


def test_sam_build_function_packages_hold_only_our_code_within_the_size_guard(
    sam_build: SamBuild,
) -> None:
    for logical_id, properties in built_functions(sam_build).items():
        package = sam_build.artifact(logical_id)
        measurements[logical_id] = describe(package)
        limit = IMPORT_FUNCTION_LIMIT if is_import_function(properties) else FUNCTION_LIMIT
        sources = sum(path.stat().st_size for path in package.rglob("*.py"))
        assert sources < limit, (logical_id, describe(package))


def test_sam_build_layer_is_under_30_mib(sam_build: SamBuild) -> None:
    layer = sam_build.artifact("DependenciesLayer")
    measurements["DependenciesLayer"] = describe(layer)
    assert size(layer) < LAYER_LIMIT, describe(layer)


def locked_runtime_versions() -> set[tuple[str, str]]:
    """(name, version) of the project's runtime dependencies and theirs, as uv.lock pins
    them: a superset of what any one platform installs, since markers are not applied."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())["package"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    (root,) = (package for package in lock if package["name"] == project)
    found: set[tuple[str, str]] = set()
    pending: list[dict[str, Any]] = list(root.get("dependencies", []))
    while pending:
        wanted = pending.pop()
        for package in lock:
            if package["name"] != wanted["name"]:
                continue
            if wanted.get("version", package["version"]) != package["version"]:
                continue
            key = (package["name"], package["version"])
            if key not in found:
                found.add(key)
                pending.extend(package.get("dependencies", []))
                for extra in wanted.get("extra", []):
                    pending.extend(package["optional-dependencies"][extra])
    return found


def test_sam_build_layer_holds_exactly_the_locked_versions(sam_build: SamBuild) -> None:
    python = sam_build.artifact("DependenciesLayer") / "python"
    installed = set()
    for path in python.glob("*.dist-info"):
        name, version = path.name.removesuffix(".dist-info").split("-")
        installed.add((re.sub(r"[-_.]+", "-", name).lower(), version))
    locked = locked_runtime_versions()
    assert installed and installed <= locked, installed - locked


def test_sam_build_layer_holds_the_runtime_dependencies_for_lambda_linux_only(
    sam_build: SamBuild,
) -> None:
    python = sam_build.artifact("DependenciesLayer") / "python"
    installed = {
        path.name.split("-")[0].lower().replace("_", "-") for path in python.glob("*.dist-info")
    }
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in declared:
        name = requirement.split(">")[0].split("=")[0].split("[")[0].strip().lower()
        assert name in installed, requirement
    assert [name for name in installed if name.startswith(DEV_ONLY)] == []
    assert not (python / "api_core").exists() and not (python / "tests").exists()
    extensions = [path.name for path in python.rglob("*.so")]
    assert extensions and all("x86_64-linux-gnu" in name for name in extensions), extensions
    # Precompiled for the runtime, valid whatever timestamps the zip gives the files.
    compiled = list((python / "fastapi" / "__pycache__").glob("*.cpython-312.pyc"))
    assert compiled
    assert all(path.read_bytes()[4:8] == UNCHECKED_HASH for path in compiled)

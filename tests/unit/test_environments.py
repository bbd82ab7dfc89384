"""What `make run` and `make test` install: the packages uv.lock resolves for the
extras each one's `uv sync` names, read from the Makefile's own recipe (make -n)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".venv-uv" / "bin" / "uv"  # the Makefile's pinned uv
DEV_TOOLS = {
    "pytest",
    "mypy",
    "ruff",
    "playwright",
    "schemathesis",
    "mongomock",
    "mongomock-motor",
    "moto",
    "httpx",
    "hypothesis",
}
RUN_NEEDS = {"uvicorn", "secantusdb", "fastapi", "pymongo", "mangum"}


def sync_commands(target: str) -> list[list[str]]:
    """Every `uv sync` that `make <target>` would run on a fresh checkout."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if re.search(r"/uv sync\b", line)]
    return [shlex.split(line) for line in lines]


def extras(command: list[str]) -> list[str]:
    return [command[i + 1] for i, arg in enumerate(command) if arg == "--extra"]


def locked_packages(extra_names: list[str]) -> set[str]:
    """The packages uv.lock pins for the runtime dependencies plus these extras."""
    if not UV.exists():
        pytest.fail(f"{UV.relative_to(ROOT)} is missing: run `make check`", pytrace=False)
    options = [arg for name in extra_names for arg in ("--extra", name)]
    result = subprocess.run(
        [UV, "export", "--locked", "--no-emit-project", "--no-hashes", "--quiet", *options],
        cwd=ROOT,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {
        re.split(r"[=\s;\[]", line, maxsplit=1)[0].lower()
        for line in result.stdout.splitlines()
        if line and not line.startswith(("#", " "))
    }


def test_make_run_installs_the_run_extra_without_removing_anything() -> None:
    (command,) = sync_commands("run")

    assert extras(command) == ["run"]
    assert "--inexact" in command and "--locked" in command


def test_make_run_environment_has_what_it_serves_with_and_no_dev_tools() -> None:
    (command,) = sync_commands("run")
    packages = locked_packages(extras(command))

    assert packages >= RUN_NEEDS
    assert packages & DEV_TOOLS == set()


def test_make_test_environment_adds_the_dev_tools_to_the_run_extra() -> None:
    (command,) = sync_commands("test")
    packages = locked_packages(extras(command))

    assert extras(command) == ["dev"]
    assert packages >= RUN_NEEDS | DEV_TOOLS
    assert packages >= locked_packages(["run"])

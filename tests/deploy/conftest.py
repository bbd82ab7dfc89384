"""Session fixtures for the deploy checks: the parsed template, what deploying it
creates, and one `sam build`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.tools import (
    ROOT,
    SAM,
    lambda_python_env,
    load_template,
    require,
    run,
    transform,
)

# Sizes measured by the build tests, printed at the end of the run.
measurements: dict[str, str] = {}

SITE_URL = "https://student-records.netlify.app"
# What a first `sam deploy --guided` is given: the hidden URI and the Netlify site.
DEPLOY_PARAMETERS = {"MongoDbUri": "mongodb+srv://db.example.org/", "SiteUrl": SITE_URL}


@dataclass(frozen=True)
class SamBuild:
    directory: Path
    template: dict[str, Any]  # the built template: CodeUri/ContentUri point at artifacts
    seconds: float
    env: dict[str, str]  # where the template's runtime (python3.12) resolves

    def artifact(self, logical_id: str) -> Path:
        properties = self.template["Resources"][logical_id]["Properties"]
        uri = properties.get("CodeUri") or properties["ContentUri"]
        return (self.directory / uri).resolve()


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


class Deploys:
    """The CloudFormation template.yaml becomes with given parameters, each made once."""

    def __init__(self) -> None:
        self._made: dict[str, dict[str, Any]] = {}

    def __call__(self, **parameters: str) -> dict[str, Any]:
        merged = {**DEPLOY_PARAMETERS, **parameters}
        key = json.dumps(merged, sort_keys=True)
        if key not in self._made:
            self._made[key] = transform(ROOT / "template.yaml", merged)
        return self._made[key]


@pytest.fixture(scope="session")
def deploy() -> Deploys:
    return Deploys()


@pytest.fixture(scope="session")
def runtime(template: dict[str, Any]) -> str:
    runtime: str = template["Globals"]["Function"]["Runtime"]
    return runtime


@pytest.fixture(scope="session")
def sam_build(tmp_path_factory: pytest.TempPathFactory, runtime: str) -> Iterator[SamBuild]:
    """`sam build` of template.yaml, once per session, into a temporary directory."""
    directory = tmp_path_factory.mktemp("sam-build")
    env = lambda_python_env(runtime)
    started = time.perf_counter()
    result = run(
        [require(SAM), "build", "--template-file", "template.yaml", "--build-dir", directory],
        env=env,
    )
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    measurements["sam build"] = f"{seconds:.1f} s"
    yield SamBuild(directory, load_template(directory / "template.yaml"), seconds, env)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if measurements:
        terminalreporter.section("deploy packages")
        for name, value in measurements.items():
            terminalreporter.write_line(f"{name}: {value}")

"""The built functions answer the events that are not HTTP requests without a runtime
error: `{}` (what a bare `aws lambda invoke` sends) and an EventBridge schedule (a
keep-warm ping), run as Lambda's runtime runs them (invoke_built.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from api_core.devtools.events import load_event
from tests.deploy.conftest import Deploys, SamBuild
from tests.deploy.test_routes import UNREACHABLE_DATABASE, deployed_environment
from tests.deploy.tools import run

pytestmark = pytest.mark.deploy

FUNCTIONS = ["StudentsFunction", "CoursesFunction", "EnrollmentsFunction", "HealthFunction"]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_built_function_answers_an_empty_event_and_a_keep_warm_schedule(
    sam_build: SamBuild, deploy: Deploys, function: str, tmp_path: Path
) -> None:
    python = shutil.which(
        sam_build.template["Globals"]["Function"]["Runtime"], path=sam_build.env["PATH"]
    )
    assert python is not None
    layer = sam_build.artifact("DependenciesLayer") / "python"
    handler = sam_build.template["Resources"][function]["Properties"]["Handler"]
    env = {
        **sam_build.env,
        **deployed_environment(deploy, function),
        **UNREACHABLE_DATABASE,
        "PYTHONPATH": f"{sam_build.artifact(function)}:{layer}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    events: list[Any] = [{}, load_event("eventbridge_scheduled")]
    results_file = tmp_path / "results.json"

    result = run(
        [python, "-S", "-P", Path(__file__).with_name("invoke_built.py"), handler, results_file],
        env=env,
        input=json.dumps(events),
    )

    assert result.returncode == 0, result.stderr
    empty, scheduled = json.loads(results_file.read_text())["results"]
    assert "error" not in empty and "error" not in scheduled
    assert empty["response"]["statusCode"] == 400
    assert json.loads(empty["response"]["body"])["type"] == "/problems/unreadable-event"
    assert scheduled["response"] == {"warm": True, "database": "unreachable"}

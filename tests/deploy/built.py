"""Run a function as `sam build` built it: its package and the layer, nothing else."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.deploy.conftest import Deploys, SamBuild
from tests.deploy.tools import run

RUNNER = Path(__file__).with_name("invoke_built.py")
# What API Gateway's JWT authorizer passes on for a Cognito access token of a staff
# member: every claim as a string, a list as "[a b]".
STAFF_CLAIMS = {
    "sub": "3f1c0c4e-0000-4000-8000-000000000001",
    "iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example",
    "client_id": "example-client",
    "token_use": "access",
    "scope": "openid email profile",
    "username": "3f1c0c4e-0000-4000-8000-000000000001",
    "cognito:groups": "[staff]",
}


def invoke_built(
    sam_build: SamBuild,
    function: str,
    events: list[Any],
    environment: dict[str, str],
    results_file: Path,
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """Each event through `function`'s handler in one process under the template's
    Python (see invoke_built.py): its report, and the process (stdout: the log lines)."""
    runtime = sam_build.template["Globals"]["Function"]["Runtime"]
    python = shutil.which(runtime, path=sam_build.env["PATH"])
    assert python is not None, runtime
    handler = sam_build.template["Resources"][function]["Properties"]["Handler"]
    layer = sam_build.artifact("DependenciesLayer") / "python"
    env = {
        **sam_build.env,
        **environment,
        "PYTHONPATH": f"{sam_build.artifact(function)}:{layer}",
        "PYTHONDONTWRITEBYTECODE": "1",  # the packages are read-only on Lambda
    }
    env.pop("VIRTUAL_ENV", None)
    process = run(
        [python, "-S", "-P", RUNNER, handler, results_file], env=env, input=json.dumps(events)
    )
    assert process.returncode == 0, process.stderr
    report: dict[str, Any] = json.loads(results_file.read_text())
    return report, process


def deployed_environment(deploy: Deploys, function: str) -> dict[str, str]:
    """The function's variables in a default deploy that are known before it runs:
    literals and parameters with a default (not the user pool's ids and URLs), and
    stand-ins for the names of the stack's bucket and queue."""
    cloudformation = deploy()
    parameters = {
        name: str(spec["Default"])
        for name, spec in cloudformation["Parameters"].items()
        if "Default" in spec
    }
    variables = cloudformation["Resources"][function]["Properties"]["Environment"]["Variables"]
    known = {}
    for name, value in variables.items():
        if isinstance(value, str):
            known[name] = value
        elif set(value) == {"Ref"} and value["Ref"] in parameters:
            known[name] = parameters[value["Ref"]]
        elif set(value) == {"Ref"} and _resource_type(cloudformation, value["Ref"]) in NAMED:
            # The import bucket's or queue's name, known once deployed.
            known[name] = f"{value['Ref'].lower()}-of-the-stack"
    return known


NAMED = ("AWS::S3::Bucket", "AWS::SQS::Queue")


def _resource_type(cloudformation: dict[str, Any], logical_id: str) -> str | None:
    resource = cloudformation["Resources"].get(logical_id)
    return None if resource is None else str(resource["Type"])

"""The import's event functions run from `sam build`'s output, as Lambda would run them.

Each built package plus the layer, under the template's Python, with the environment
a default deploy gives it and an unreachable database, fed the S3 and SQS events of
api_core/devtools/events: the file function ignores an object that is no import's file and
raises (for Lambda's retries) when it cannot reach the database; the batch function
names every message as failed instead of raising. Neither loads boto3 on these
paths, and nothing loads from outside the package, the layer and the standard
library. (The path through S3 and SQS runs in tests/integration against moto.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId

from api_core.devtools.aws_events import s3_created_event, sqs_event, sqs_record
from api_core.devtools.events import load_event
from api_core.imports import batches, storage
from api_core.imports.csv_rows import Row
from tests.deploy.conftest import Deploys, SamBuild
from tests.deploy.test_routes import UNREACHABLE_DATABASE, deployed_environment
from tests.deploy.tools import run

pytestmark = pytest.mark.deploy


def invoke_built(
    sam_build: SamBuild,
    deploy: Deploys,
    template: dict[str, Any],
    tmp_path: Path,
    function: str,
    events: list[Any],
) -> dict[str, Any]:
    python = shutil.which(template["Globals"]["Function"]["Runtime"], path=sam_build.env["PATH"])
    assert python is not None
    layer = sam_build.artifact("DependenciesLayer") / "python"
    handler = template["Resources"][function]["Properties"]["Handler"]
    results_file = tmp_path / "results.json"
    env = {
        **sam_build.env,
        **deployed_environment(deploy, function),
        **UNREACHABLE_DATABASE,
        "PYTHONPATH": f"{sam_build.artifact(function)}:{layer}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    runner = Path(__file__).with_name("invoke_built.py")
    result = run(
        [python, "-S", "-P", runner, handler, results_file], env=env, input=json.dumps(events)
    )
    assert result.returncode == 0, result.stderr
    outcome: dict[str, Any] = json.loads(results_file.read_text())
    outcome["package"], outcome["layer"] = str(sam_build.artifact(function)), str(layer)
    outcome["log_lines"] = [json.loads(line) for line in result.stdout.splitlines()]
    return outcome


def assert_loaded_from_package_layer_and_stdlib_without_boto3(outcome: dict[str, Any]) -> None:
    modules = {k: v for k, v in outcome["modules"].items() if k != "__main__"}
    assert modules["api_core"].startswith(outcome["package"])
    assert modules["pymongo"].startswith(outcome["layer"])
    allowed = (outcome["package"], outcome["layer"], outcome["stdlib"])
    assert {name: file for name, file in modules.items() if not file.startswith(allowed)} == {}
    assert {"boto3", "botocore"}.isdisjoint(modules)


def test_built_file_function_ignores_foreign_objects_and_raises_without_its_database(
    sam_build: SamBuild, deploy: Deploys, template: dict[str, Any], tmp_path: Path
) -> None:
    ours = s3_created_event("student-imports-x", storage.object_key(str(ObjectId()), "students"), 9)

    outcome = invoke_built(
        sam_build, deploy, template, tmp_path, "ImportFileFunction", [load_event("s3_put"), ours]
    )

    ignored, unreachable = outcome["results"]
    assert ignored["response"] == {
        "files": [{"key": "imports/students.csv", "outcome": "not an import file"}]
    }
    assert "Timeout" in unreachable["error"]["errorType"]
    assert [line["outcome"] for line in outcome["log_lines"]] == ["not an import file", "failed"]
    assert [line["cold_start"] for line in outcome["log_lines"]] == [True, False]
    assert_loaded_from_package_layer_and_stdlib_without_boto3(outcome)


def test_built_batch_function_returns_every_message_without_its_database(
    sam_build: SamBuild, deploy: Deploys, template: dict[str, Any], tmp_path: Path
) -> None:
    batch = batches.Batch(ObjectId(), "students", 0, [Row(2, {"name": "A", "email": "a@x.org"})])
    message = sqs_record(batch.to_json())
    events = [load_event("sqs_message"), sqs_event(message)]

    outcome = invoke_built(sam_build, deploy, template, tmp_path, "ImportBatchFunction", events)

    assert [result["response"] for result in outcome["results"]] == [
        {"batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]},
        {"batchItemFailures": [{"itemIdentifier": message["messageId"]}]},
    ]
    summaries = [line for line in outcome["log_lines"] if line["message"] == "import batches"]
    assert [(line["cold_start"], line["not_tried"]) for line in summaries] == [
        (True, 1),
        (False, 1),
    ]
    assert_loaded_from_package_layer_and_stdlib_without_boto3(outcome)

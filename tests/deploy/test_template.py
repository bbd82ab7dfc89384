"""template.yaml passes SAM's own validation and lint, and holds what the design asks."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api_core.resources import ALL_RESOURCES
from api_core.settings import Settings
from tests.deploy.conftest import Deploys
from tests.deploy.tools import ROOT, SAM, require, run

pytestmark = pytest.mark.deploy

# Lambda's Python runtimes from 3.12 on (3.11 and older reach end of support first).
SUPPORTED_RUNTIME = re.compile(r"python3\.(1[2-9])")


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def test_sam_validate_lint_passes_without_warnings() -> None:
    result = run([require(SAM), "validate", "--lint", "--template-file", "template.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{ROOT / 'template.yaml'} is a valid SAM Template"
    assert result.stderr.strip() == ""


def test_template_runs_functions_on_a_supported_python_with_room_for_the_database(
    template: dict[str, Any],
) -> None:
    function_globals = template["Globals"]["Function"]
    assert SUPPORTED_RUNTIME.fullmatch(function_globals["Runtime"])
    assert function_globals["MemorySize"] >= 256
    defaults = Settings()
    connect_budget_ms = int(template["Parameters"]["MongoDbTimeoutMs"]["Default"])
    assert connect_budget_ms == defaults.mongodb_timeout_ms
    # Comfortably above a request's database deadline, below the HTTP API's 30 s limit.
    assert 2 * connect_budget_ms / 1000 <= function_globals["Timeout"] < 30
    for logical_id, properties in functions(template).items():
        # Only the HTTP API's functions must answer within its limit; the migration and
        # the import's event functions may take longer.
        own = {"Runtime", "MemorySize", "Layers"} | (
            {"Timeout"} if logical_id in HTTP_FUNCTIONS else set()
        )
        assert own.isdisjoint(properties), logical_id


def test_template_defines_one_function_per_resource(template: dict[str, Any]) -> None:
    assert {
        logical_id: properties["Handler"] for logical_id, properties in functions(template).items()
    } == {
        **{resource.logical_id: f"functions.{resource.name}.handler" for resource in ALL_RESOURCES},
        "HealthFunction": "functions.health.handler",
        # Not an API resource: the deploy step, run by the DatabaseMigration resource.
        "MigrateFunction": "functions.migrate.handler",
        "ImportsFunction": "functions.imports.handler",
        "ImportFileFunction": "functions.import_file.handler",
        "ImportBatchFunction": "functions.import_batch.handler",
    }


def test_template_builds_every_function_and_the_layer_with_the_makefile(
    template: dict[str, Any],
) -> None:
    resources = template["Resources"]
    assert template["Globals"]["Function"]["Layers"] == [{"Ref": "DependenciesLayer"}]
    assert resources["DependenciesLayer"]["Type"] == "AWS::Serverless::LayerVersion"
    for logical_id, properties in [*functions(template).items(), ("DependenciesLayer", {})]:
        assert resources[logical_id]["Metadata"]["BuildMethod"] == "makefile", logical_id
        # What `sam build` runs, dry: the rule exists and copies the handler's module.
        result = run(["make", "-n", f"build-{logical_id}", "ARTIFACTS_DIR=/nowhere"])
        assert result.returncode == 0, result.stderr
        if "Handler" in properties:
            module = properties["Handler"].rpartition(".")[0].replace(".", "/")
            assert f"{module}.py" in result.stdout, logical_id


def test_template_takes_the_mongodb_uri_as_a_hidden_parameter_without_default(
    template: dict[str, Any],
) -> None:
    parameter = template["Parameters"]["MongoDbUri"]
    assert parameter["NoEcho"] is True
    assert "Default" not in parameter
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["MONGODB_URI"] == {"Ref": "MongoDbUri"}
    # A function may add variables (the health function's sign-in settings), never
    # replace a global one.
    for logical_id, properties in functions(template).items():
        own = properties.get("Environment", {}).get("Variables", {})
        assert set(own).isdisjoint(variables), logical_id


def test_template_outputs_the_api_url(template: dict[str, Any]) -> None:
    assert template["Outputs"]["ApiUrl"]["Value"] == {
        "Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert template["Resources"]["HttpApi"]["Type"] == "AWS::Serverless::HttpApi"


def test_repository_deploy_files_hold_no_connection_string() -> None:
    credentials = re.compile(r"mongodb(\+srv)?://[^\s\"'/]*@")
    for name in ("template.yaml", "netlify.toml", "Makefile"):
        assert credentials.search((ROOT / name).read_text()) is None, name


HTTP_FUNCTIONS = {
    **{
        resource.logical_id: resource.logical_id.removesuffix("Function") + "ReservedConcurrency"
        for resource in ALL_RESOURCES
    },
    "HealthFunction": "HealthReservedConcurrency",
    "ImportsFunction": "ImportsReservedConcurrency",
}


def test_connections_per_container_are_bounded_and_containers_can_be_capped(
    template: dict[str, Any], deploy: Deploys
) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["MONGODB_MAX_POOL_SIZE"] == "1"
    caps = {parameter: str(10 + n) for n, parameter in enumerate(HTTP_FUNCTIONS.values())}

    uncapped, capped = deploy(), deploy(**caps)

    for logical_id, parameter in HTTP_FUNCTIONS.items():
        assert "ReservedConcurrentExecutions" not in uncapped["Resources"][logical_id]["Properties"]
        reserved = capped["Resources"][logical_id]["Properties"]["ReservedConcurrentExecutions"]
        assert reserved == {"Ref": parameter}, logical_id


def test_template_default_database_is_the_apps_own(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    parameter = template["Parameters"]["MongoDbName"]
    # What the functions see when a deploy leaves MongoDbName at its default.
    monkeypatch.setenv("MONGODB_DB", str(parameter["Default"]))

    assert Settings().mongodb_db == "school"
    assert re.fullmatch(parameter["AllowedPattern"], "") and re.fullmatch(
        parameter["AllowedPattern"], "school"
    )

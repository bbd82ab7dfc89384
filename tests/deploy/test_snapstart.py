"""Lambda SnapStart on the API's resource functions, as the deploy creates it (offline
through SAM's translator): published versions behind the alias the HTTP API invokes,
and a parameter that switches it off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.deploy.conftest import DEPLOY_PARAMETERS, Deploys
from tests.deploy.tools import ROOT, transform

pytestmark = pytest.mark.deploy

SNAPSTART_FUNCTIONS = {
    "StudentsFunction",
    "CoursesFunction",
    "EnrollmentsFunction",
    "HealthFunction",
}
ALIAS = "live"
# SnapStart for Python needs 3.12 or later.
SNAPSTART_RUNTIME = re.compile(r"python3\.(1[2-9])")


def lambda_functions(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def snapstart(properties: dict[str, Any]) -> str:
    return str(properties.get("SnapStart", {}).get("ApplyOn", "None"))


def integration_uris(resources: dict[str, Any]) -> dict[str, str]:
    """`METHOD path` -> the Lambda the HTTP API's integration for it invokes (Fn::Sub text)."""
    (api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Api"]
    uris = {}
    for path, operations in api["Properties"]["Body"]["paths"].items():
        for method, operation in operations.items():
            uri = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
            uris[f"{method} {path}"] = uri
    return uris


def test_snapstart_is_on_by_default_for_the_resource_functions_only(deploy: Deploys) -> None:
    resources = deploy()["Resources"]

    applied = {name: snapstart(props) for name, props in lambda_functions(resources).items()}

    assert {name for name, on in applied.items() if on == "PublishedVersions"} == (
        SNAPSTART_FUNCTIONS
    )
    for name in SNAPSTART_FUNCTIONS:
        assert SNAPSTART_RUNTIME.fullmatch(resources[name]["Properties"]["Runtime"]), name


def test_snapstart_parameter_false_switches_it_off_and_the_api_invokes_latest(
    deploy: Deploys,
) -> None:
    # Without SnapStart there is nothing to publish: no alias whose version could lag
    # behind a changed parameter (test_a_changed_parameter_alone_publishes_no_new_version).
    resources = deploy(SnapStart="false")["Resources"]

    assert {snapstart(props) for props in lambda_functions(resources).values()} == {"None"}
    assert set(alias_versions(resources)) == {"MigrateFunction"}
    for route, uri in integration_uris(resources).items():
        assert re.fullmatch(r".*/functions/\$\{\w+Function\.Arn\}/invocations", uri), route


def test_http_api_invokes_the_live_alias_of_every_snapstart_function(deploy: Deploys) -> None:
    resources = deploy()["Resources"]
    invoked: set[str] = set()

    for route, uri in integration_uris(resources).items():
        found = re.fullmatch(r".*/functions/\$\{(\w+)(\.Arn)?\}/invocations", uri)
        assert found, (route, uri)
        target = resources[found.group(1)]
        if target["Type"] == "AWS::Lambda::Alias":
            assert target["Properties"]["Name"] == ALIAS
            invoked.add(target["Properties"]["FunctionName"]["Ref"])
        else:  # the bare function ($LATEST), which SnapStart never restores
            assert found.group(1) not in SNAPSTART_FUNCTIONS, route

    assert invoked == SNAPSTART_FUNCTIONS
    # API Gateway may invoke the alias: each permission for one names it.
    for resource in resources.values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Lambda::Permission" and (
            properties.get("Principal") == "apigateway.amazonaws.com"
        ):
            name = properties["FunctionName"]["Ref"]
            assert name not in SNAPSTART_FUNCTIONS, name


def alias_versions(resources: dict[str, Any]) -> dict[str, str]:
    """Function -> the logical id of the version its alias points at."""
    return {
        props["FunctionName"]["Ref"]: props["FunctionVersion"]["Fn::GetAtt"][0]
        for props in (
            r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Alias"
        )
    }


def test_new_code_publishes_a_new_version_behind_the_alias_and_only_for_that_function(
    deploy: Deploys,
) -> None:
    before = alias_versions(deploy()["Resources"])
    new_code = {"StudentsFunction": "s3://sam-artifacts/0123456789abcdef"}
    after = alias_versions(
        transform(ROOT / "template.yaml", DEPLOY_PARAMETERS, new_code)["Resources"]
    )

    assert before["StudentsFunction"] != after["StudentsFunction"]
    assert {name: v for name, v in before.items() if name != "StudentsFunction"} == {
        name: v for name, v in after.items() if name != "StudentsFunction"
    }


def test_a_changed_parameter_alone_publishes_no_new_version(deploy: Deploys) -> None:
    # SAM names a version after the template's text, not the parameters' values: a
    # deploy that only rotates MongoDbUri leaves the alias on a version (and snapshot)
    # holding the old value. README, SnapStart, says how to publish after one.
    before = alias_versions(deploy()["Resources"])
    after = alias_versions(deploy(MongoDbUri="mongodb+srv://rotated.example.org/")["Resources"])

    assert before == after


def test_a_replaced_version_is_deleted_with_its_snapshot(deploy: Deploys) -> None:
    # SAM keeps every version by default; each would keep a snapshot billed for caching.
    resources = deploy()["Resources"]
    versions = alias_versions(resources)

    for name in SNAPSTART_FUNCTIONS:
        assert resources[versions[name]]["DeletionPolicy"] == "Delete", name

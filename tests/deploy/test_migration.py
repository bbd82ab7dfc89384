"""The deploy step on AWS: the DatabaseMigration custom resource and its function.

The built MigrateFunction (its package plus the layer, under the template's Python)
is fed the requests CloudFormation sends and answers to a local stand-in for the
presigned URL; Create runs the migration against a real MongoDB-wire server. The
translated template shows when CloudFormation sends those requests.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from api_core.custom_resource import RESPONSE_RESERVE_SECONDS
from api_core.devtools.loops import run_in_own_loop
from api_core.devtools.wire_server import WireServer, free_port
from api_core.migrate import DEADLINE_SECONDS, migrate_configured_database
from api_core.resources import ALL_RESOURCES
from api_core.settings import Settings
from tests.deploy.conftest import DEPLOY_PARAMETERS, Deploys, SamBuild
from tests.deploy.http_api import template_routes
from tests.deploy.tools import ROOT, run, transform
from tests.support.custom_resource import (
    Answer,
    RequestType,
    ResponseServer,
    custom_resource_event,
    response_path,
)

pytestmark = pytest.mark.deploy

FUNCTION = "MigrateFunction"
RESOURCE = "DatabaseMigration"
PASSWORD = "s3cret-Passw0rd"


@dataclass(frozen=True)
class Invocation:
    events: list[dict[str, Any]]
    answers: list[Answer]
    output: str  # what the process wrote: its log lines, any traceback
    seconds: float


Invoke = Callable[[list[RequestType], dict[str, str]], Invocation]


@pytest.fixture(scope="module")
def invoke_migrate(
    sam_build: SamBuild, template: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Invoke:
    """Run the built function on CloudFormation's requests, in one process, as on Lambda."""
    python = shutil.which(template["Globals"]["Function"]["Runtime"], path=sam_build.env["PATH"])
    assert python is not None
    properties = template["Resources"][FUNCTION]["Properties"]
    package = sam_build.artifact(FUNCTION)
    layer = sam_build.artifact("DependenciesLayer") / "python"
    runner = Path(__file__).with_name("invoke_built.py")
    timeout = str(properties["Timeout"])

    def invoke(request_types: list[RequestType], environment: dict[str, str]) -> Invocation:
        results_file = tmp_path_factory.mktemp("migrate") / "results.json"
        env = {
            **sam_build.env,
            "LOG_LEVEL": "INFO",
            **environment,
            "PYTHONPATH": f"{package}:{layer}",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("VIRTUAL_ENV", None)
        with ResponseServer() as server:
            events = [custom_resource_event(request_type, server) for request_type in request_types]
            started = time.monotonic()
            result = run(
                [python, "-S", "-P", runner, properties["Handler"], results_file, timeout],
                env=env,
                input=json.dumps(events),
            )
            seconds = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        # One answer per request, each to its own presigned URL.
        assert [answer.path for answer in server.answers] == [response_path(e) for e in events]
        return Invocation(events, server.answers, result.stdout + result.stderr, seconds)

    return invoke


def database_environment(uri: str, database: str) -> dict[str, str]:
    return {"MONGODB_URI": uri, "MONGODB_DB": database, "MONGODB_TIMEOUT_MS": "1000"}


def declared_indexes() -> dict[str, set[str]]:
    return {
        resource.collection: {index.document["name"] for index in resource.all_indexes}
        for resource in ALL_RESOURCES
    }


def stored_indexes(uri: str, database: str) -> dict[str, set[str]]:
    with MongoClient(uri) as client:
        return {
            collection: set(client[database][collection].index_information())
            for collection in declared_indexes()
        }


def test_built_migrate_function_create_and_update_build_the_indexes_and_answer_success(
    invoke_migrate: Invoke, wire_server: WireServer
) -> None:
    database = f"migrate_{uuid.uuid4().hex[:12]}"
    assert stored_indexes(wire_server.uri, database) == {c: set() for c in declared_indexes()}
    invocation = invoke_migrate(
        ["Create", "Update"], database_environment(wire_server.uri, database)
    )
    create, update = invocation.events
    assert [answer.json() for answer in invocation.answers] == [
        {
            "Status": "SUCCESS",
            "Reason": "",
            "PhysicalResourceId": f"{create['StackId']}/{RESOURCE}",
            "StackId": create["StackId"],
            "RequestId": create["RequestId"],
            "LogicalResourceId": RESOURCE,
        },
        {
            "Status": "SUCCESS",
            "Reason": "",
            "PhysicalResourceId": update["PhysicalResourceId"],
            "StackId": update["StackId"],
            "RequestId": update["RequestId"],
            "LogicalResourceId": RESOURCE,
        },
    ]
    for answer in invocation.answers:
        assert answer.headers["content-type"] == ""
        assert answer.headers["content-length"] == str(len(answer.body))
    stored = stored_indexes(wire_server.uri, database)
    assert any(declared_indexes().values())
    for collection, names in declared_indexes().items():
        assert names <= stored[collection], collection


def test_built_migrate_function_delete_changes_nothing(
    invoke_migrate: Invoke, wire_server: WireServer
) -> None:
    database = f"migrate_{uuid.uuid4().hex[:12]}"
    settings = Settings(mongodb_uri=wire_server.uri, mongodb_db=database)
    run_in_own_loop(migrate_configured_database(settings))
    # One index missing, so that running the migration would change something too.
    collection, names = next((c, n) for c, n in declared_indexes().items() if n)
    with MongoClient(wire_server.uri) as client:
        client[database][collection].drop_index(min(names))
        client[database]["courses"].insert_one({"code": "CS101", "title": "Programming"})
    before = stored_indexes(wire_server.uri, database)
    assert min(names) not in before[collection] and any(before.values())
    invocation = invoke_migrate(["Delete"], database_environment(wire_server.uri, database))
    (answer,) = invocation.answers
    assert answer.json()["Status"] == "SUCCESS"
    assert answer.json()["PhysicalResourceId"] == invocation.events[0]["PhysicalResourceId"]
    assert stored_indexes(wire_server.uri, database) == before
    with MongoClient(wire_server.uri) as client:
        assert client[database]["courses"].count_documents({}) == 1
        assert sorted(client[database].list_collection_names()) == sorted(before)


@pytest.mark.parametrize(
    "uri",
    [
        pytest.param(f"mongodb://deploy:{PASSWORD}@127.0.0.1:{free_port()}/", id="unreachable"),
        pytest.param(f"mongodb://deploy:{PASSWORD}@127.0.0.1:no-port/", id="malformed"),
    ],
)
def test_built_migrate_function_answers_failed_quickly_and_keeps_the_uri_secret(
    invoke_migrate: Invoke, uri: str
) -> None:
    environment = {**database_environment(uri, "school"), "MONGODB_TIMEOUT_MS": "200"}
    invocation = invoke_migrate(["Create"], environment)
    (answer,) = invocation.answers
    assert answer.json()["Status"] == "FAILED"
    reason = answer.json()["Reason"]
    assert reason and "see CloudWatch Logs" in reason
    assert PASSWORD not in reason and "127.0.0.1" not in reason
    assert PASSWORD not in invocation.output
    # The process, its imports and the migration's attempt, far from any timeout.
    assert invocation.seconds < 15


def test_deploy_backs_the_migration_custom_resource_with_the_migrate_function(
    deploy: Deploys, template: dict[str, Any]
) -> None:
    resources = deploy()["Resources"]
    migration = resources[RESOURCE]
    assert migration["Type"] == "Custom::DatabaseMigration"
    properties = migration["Properties"]
    assert properties["ServiceToken"] == {"Fn::GetAtt": [FUNCTION, "Arn"]}
    function = resources[FUNCTION]
    assert function["Type"] == "AWS::Lambda::Function"
    assert function["Properties"]["Handler"] == "functions.migrate.handler"
    # The migration's deadline, then the handler's margin to answer, within the
    # function's timeout; CloudFormation gives up soon after that, not after an hour.
    timeout = function["Properties"]["Timeout"]
    assert DEADLINE_SECONDS + RESPONSE_RESERVE_SECONDS < timeout
    assert timeout < properties["ServiceTimeout"] <= 900
    # No HTTP route reaches it: only CloudFormation invokes it.
    assert FUNCTION not in {route.function for route in template_routes(template)}
    permissions = [
        resource["Properties"]["FunctionName"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Lambda::Permission"
    ]
    assert permissions and {"Ref": FUNCTION} not in permissions


def test_deploy_creates_the_api_functions_after_the_first_migration(
    deploy: Deploys, template: dict[str, Any]
) -> None:
    resources = deploy()["Resources"]
    api_functions = {route.function for route in template_routes(template)}
    assert api_functions == {resource.logical_id for resource in ALL_RESOURCES} | {
        "HealthFunction",
        "ImportsFunction",
    }
    # The import's event functions write records too: they need the unique indexes.
    for logical_id in api_functions | {"ImportFileFunction", "ImportBatchFunction"}:
        depends_on = resources[logical_id].get("DependsOn", [])
        assert RESOURCE in ([depends_on] if isinstance(depends_on, str) else depends_on)


def migration_properties(change: tuple[dict[str, str], dict[str, str]]) -> dict[str, Any]:
    """DatabaseMigration's properties in a deploy with these parameters and uploads."""
    parameters, artifacts = change
    cloudformation = transform(
        ROOT / "template.yaml", {**DEPLOY_PARAMETERS, **parameters}, artifacts
    )
    properties: dict[str, Any] = cloudformation["Resources"][RESOURCE]["Properties"]
    version = cloudformation["Resources"][properties["CodeVersion"]["Ref"]]
    assert version["Type"] == "AWS::Lambda::Version"
    assert version["Properties"]["FunctionName"] == {"Ref": FUNCTION}
    return properties


def test_deploy_sends_the_migration_an_update_when_its_code_or_database_name_changes(
    deploy: Deploys,
) -> None:
    # CloudFormation sends an Update exactly when the resource's properties differ
    # from the previous deploy's. New code is a new S3 key: `sam deploy` names the
    # upload after its hash.
    changes: dict[str, tuple[dict[str, str], dict[str, str]]] = {
        "nothing": ({}, {}),
        "migrate code": ({}, {FUNCTION: "s3://deploy-artifacts/5f3c9a0e"}),
        "layer": ({}, {"DependenciesLayer": "s3://deploy-artifacts/8b1d2e4f"}),
        "students code only": ({}, {"StudentsFunction": "s3://deploy-artifacts/a7c6e5d4"}),
    }
    with ThreadPoolExecutor() as pool:
        done = pool.map(migration_properties, changes.values())
        properties = dict(zip(changes, done, strict=True))
    base = properties.pop("nothing")
    assert deploy()["Resources"][RESOURCE]["Properties"] == base
    assert {change: value != base for change, value in properties.items()} == {
        "migrate code": True,
        "layer": True,
        "students code only": False,
    }
    # CloudFormation resolves it: a new MongoDbName is a new value, so an Update too.
    assert base["Database"] == {"Ref": "MongoDbName"}

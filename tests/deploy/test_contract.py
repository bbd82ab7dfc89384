"""The contract's deploy half, for every declared resource: template.yaml routes its
paths to its own function, and that function as `sam build` built it (its package and
the layer, under the template's Python, with a default deploy's environment) creates,
reads, lists, changes and deletes the resource's examples on the real wire server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from api_core.devtools.events import response_headers, response_json
from api_core.resources import ALL_RESOURCES, Resource
from api_core.settings import Settings
from tests.contract.api import Answer, Records, changes
from tests.contract.conftest import ids
from tests.deploy.built import STAFF_CLAIMS, deployed_environment, invoke_built
from tests.deploy.conftest import Deploys, SamBuild
from tests.deploy.http_api import Route, template_routes

pytestmark = pytest.mark.deploy

each_resource = pytest.mark.parametrize("resource", ALL_RESOURCES, ids=ids)
SAMPLE_ID = "0123456789abcdef01234567"


@each_resource
def test_template_routes_the_resource_paths_to_its_own_function_only(
    template: dict[str, Any], resource: Resource
) -> None:
    routes = template_routes(template)
    name = resource.name

    own = {(r.method, r.path, r.handler) for r in routes if r.function == resource.logical_id}
    assert own == {
        ("ANY", f"/api/{name}", f"functions.{name}.handler"),
        ("ANY", f"/api/{name}/{{proxy+}}", f"functions.{name}.handler"),
    }
    for method, path in (("POST", f"/api/{name}"), ("PATCH", f"/api/{name}/{SAMPLE_ID}")):
        assert {r.function for r in routes if r.matches(method, path)} == {resource.logical_id}


@dataclass
class BuiltApi:
    """Calls the built functions, each event in a process of its own (a cold start)."""

    sam_build: SamBuild
    routes: list[Route]
    environment: Mapping[str, str]
    directory: Path
    calls: int = 0

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        (route,) = (r for r in self.routes if r.matches(method, path))
        event = route.event(method, path, body=body, claims=STAFF_CLAIMS)
        event["headers"].update({k.lower(): v for k, v in (headers or {}).items()})
        if query:
            event["rawQueryString"] = urlencode(query)
            event["queryStringParameters"] = dict(query)
        self.calls += 1
        results = self.directory / f"results-{self.calls}.json"
        environment = dict(self.environment)
        report, _ = invoke_built(self.sam_build, route.function, [event], environment, results)
        (result,) = report["results"]
        assert "response" in result, result
        response = result["response"]
        return Answer(response["statusCode"], response_headers(response), response_json(response))


@pytest.fixture
def built(
    sam_build: SamBuild,
    template: dict[str, Any],
    deploy: Deploys,
    live_settings: Settings,
    tmp_path: Path,
) -> BuiltApi:
    environment = {
        # Every declared function's variables are the same: the first one's serve all.
        **deployed_environment(deploy, ALL_RESOURCES[0].logical_id),
        "AUTH_AUDIENCE": STAFF_CLAIMS["client_id"],
        "MONGODB_URI": live_settings.mongodb_uri,
        "MONGODB_DB": live_settings.mongodb_db,
    }
    return BuiltApi(sam_build, template_routes(template), environment, tmp_path)


@each_resource
def test_built_function_creates_reads_lists_changes_and_deletes_on_the_wire_server(
    built: BuiltApi, resource: Resource
) -> None:
    records = Records(built)
    record = records.create(resource, 0)
    one = f"/api/{resource.name}/{record['id']}"

    assert built("GET", one).body == record
    assert [item["id"] for item in built("GET", f"/api/{resource.name}").body["items"]] == [
        record["id"]
    ]
    changed = built("PATCH", one, changes(resource), headers={"If-Match": '"1"'})
    assert changed.status == 200, changed
    assert changed.body["version"] == 2
    assert built("DELETE", one, headers={"If-Match": '"1"'}).status == 412
    assert built("DELETE", one, headers={"If-Match": '"2"'}).status == 204
    assert built("GET", one).status == 404

"""The contract suite runs twice: on the local app over mongomock (fast, the API's
behaviour) and through each resource's Lambda handler on the real wire server (real
events, real unique indexes, real TCP)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest

from api_core.lambda_handler import resource_handler
from api_core.resources import Resource, declared
from tests.contract.api import Api, AppApi, FunctionApi, Records

# mock_database: a fixture, found by name.
from tests.unit.conftest import local_client, mock_database  # noqa: F401

BACKENDS = ("app-on-mongomock", "function-on-wire-server")


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    if request.param == "app-on-mongomock":
        settings, database = (request.getfixturevalue(n) for n in ("settings", "mock_database"))
        with local_client(settings, database) as client:
            yield AppApi(client)
    else:
        settings = request.getfixturevalue("live_settings")
        context = request.getfixturevalue("lambda_context")
        # What functions/<name>.py builds, from this test's settings.
        yield FunctionApi(cache(lambda name: resource_handler(declared(name), settings)), context)


@pytest.fixture
def records(api: Api) -> Records:
    return Records(api)


def ids(resource: Resource) -> str:
    return resource.name

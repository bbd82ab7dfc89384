"""One way to call the API for the contract suite, whatever serves it.

`AppApi` calls the local app (on mongomock) through a TestClient; `FunctionApi`
calls each resource's Lambda handler, as functions/<name>.py builds it, with the
HTTP API events API Gateway sends. `Records` creates a resource's example records,
first creating the records their references point at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi.testclient import TestClient

from api_core.devtools.events import build_event, response_headers, response_json
from api_core.resources import Resource, declared


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: Any


class Api(Protocol):
    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer: ...


@dataclass(frozen=True)
class AppApi:
    client: TestClient

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        response = self.client.request(
            method, path, json=body, params=dict(query or {}), headers=dict(headers or {})
        )
        parsed = response.json() if response.content else None
        headers = {k.lower(): v for k, v in response.headers.items()}
        return Answer(response.status_code, headers, parsed)


@dataclass(frozen=True)
class FunctionApi:
    handler_of: Callable[[str], Any]  # a resource's name -> its Lambda handler
    context: Any

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        name = path.split("/")[2]  # /api/<name>/...
        query, headers = dict(query or {}), dict(headers or {})
        event = build_event("http_api_v2", method, path, query=query, body=body, headers=headers)
        result = self.handler_of(name)(event, self.context)
        return Answer(result["statusCode"], response_headers(result), response_json(result))


@dataclass
class Records:
    """A resource's example records, created through `api`."""

    api: Api
    _targets: dict[str, str] = field(default_factory=dict)  # collection -> a record's id

    def body(self, resource: Resource, n: int) -> dict[str, Any]:
        """examples[n], its references pointing at records that exist."""
        example = dict(resource.examples[n])
        for name, target in resource.references.items():
            example[name] = self.target(target)
        return example

    def target(self, collection: str) -> str:
        if collection not in self._targets:
            self._targets[collection] = self.create(declared(collection), 0)["id"]
        return self._targets[collection]

    def create(self, resource: Resource, n: int) -> dict[str, Any]:
        answer = self.api("POST", f"/api/{resource.name}", self.body(resource, n))
        assert answer.status == 201, answer
        record: dict[str, Any] = answer.body
        return record


def changes(resource: Resource) -> dict[str, Any]:
    """A PATCH body: the second example's fields that a change may carry."""
    allowed = set(resource.update_model.model_fields) - set(resource.references)
    body = {k: v for k, v in resource.examples[1].items() if k in allowed}
    assert body, f"{resource.name}: examples[1] has no field {resource.update_model.__name__} takes"
    return body

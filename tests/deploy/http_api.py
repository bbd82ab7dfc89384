"""The template's HTTP API routes, and the payload-2.0 events API Gateway sends through them."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

API_ID = "abc123defg"
REGION = "eu-west-1"
DOMAIN = f"{API_ID}.execute-api.{REGION}.amazonaws.com"


@dataclass(frozen=True)
class Route:
    function: str  # the function's logical id
    handler: str  # "functions.students.handler"
    method: str  # "ANY" or one verb
    path: str  # "/api/students/{proxy+}"

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def _pattern(self) -> re.Pattern[str]:
        # HTTP API path variables: {name} is one segment, {name+} the rest of the path.
        parts = re.split(r"(\{[^}]+\})", self.path)
        regex = "".join(
            (f"(?P<{p[1:-2]}>.+)" if p.endswith("+}") else f"(?P<{p[1:-1]}>[^/]+)")
            if p.startswith("{")
            else re.escape(p)
            for p in parts
        )
        return re.compile(regex)

    def matches(self, method: str, path: str) -> bool:
        verb_ok = self.method == "ANY" or self.method == method
        return verb_ok and self._pattern().fullmatch(path) is not None

    def event(
        self, method: str, path: str, body: Any = None, claims: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The event API Gateway sends for `method path` on this route (payload 2.0).

        `claims` are those of a token the route's JWT authorizer accepted; API
        Gateway passes every claim on as a string (a list becomes "[a b]").
        """
        match = self._pattern().fullmatch(path)
        assert match is not None and self.matches(method, path), (method, path, self.key)
        now = time.time()
        headers = {
            "accept": "application/json",
            "host": DOMAIN,
            "user-agent": "deploy-tests",
            "x-forwarded-for": "203.0.113.9",
            "x-forwarded-proto": "https",
        }
        raw_body = None if body is None else json.dumps(body)
        if raw_body is not None:
            headers["content-type"] = "application/json"
            headers["content-length"] = str(len(raw_body.encode()))
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": self.key,
            "rawPath": path,
            "rawQueryString": "",
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": API_ID,
                "domainName": DOMAIN,
                "domainPrefix": API_ID,
                "http": {
                    "method": method,
                    "path": path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "203.0.113.9",
                    "userAgent": "deploy-tests",
                },
                "requestId": uuid.uuid4().hex[:16] + "=",
                "routeKey": self.key,
                "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "timeEpoch": int(now * 1000),
            },
            "isBase64Encoded": False,
        }
        if claims is not None:
            headers["authorization"] = "Bearer eyJhbGciOiJSUzI1NiJ9.deploy-tests.signature"
            event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
        if match.groupdict():
            event["pathParameters"] = match.groupdict()
        if raw_body is not None:
            event["body"] = raw_body
        return event


def template_routes(template: dict[str, Any]) -> list[Route]:
    """Every HttpApi event of every function in the template, as a Route."""
    routes = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        for source in properties.get("Events", {}).values():
            if source["Type"] == "HttpApi":
                routes.append(
                    Route(
                        function=logical_id,
                        handler=properties["Handler"],
                        method=source["Properties"]["Method"].upper(),
                        path=source["Properties"]["Path"],
                    )
                )
    return routes

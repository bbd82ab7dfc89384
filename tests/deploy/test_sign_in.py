"""What deploying template.yaml creates for sign-in, by parameters, from SAM's translator.

Checked on the CloudFormation the template's transforms produce (see
transform_template.py), so these are the routes, authorizer, user pool and function
environments a stack would really get, not a reading of the YAML.
"""

from __future__ import annotations

from typing import Any

import pytest

from api_core.app import app
from api_core.auth import public_operations
from api_core.resources import ALL_RESOURCES
from api_core.settings import Settings
from tests.deploy.conftest import Deploys
from tests.deploy.http_api import template_routes

pytestmark = pytest.mark.deploy

SIGNED_IN: list[dict[str, list[str]]] = [{"SignedIn": []}]
PUBLIC: list[dict[str, list[str]]] = [{"NONE": []}]
EXTERNAL_ISSUER = {
    "AuthIssuerUrl": "https://login.example.org/",
    "AuthAudience": "https://api.example.org",
    "AuthClientId": "web-frontend",
    "AuthAuthorizeUrl": "https://login.example.org/authorize",
    "AuthTokenUrl": "https://login.example.org/oauth/token",
}


def route_security(cloudformation: dict[str, Any]) -> dict[str, Any]:
    """Route key ("ANY /api/students") to the authorizers the HTTP API asks for."""
    body = cloudformation["Resources"]["HttpApi"]["Properties"]["Body"]
    return {
        f"{'ANY' if method == 'x-amazon-apigateway-any-method' else method.upper()} {path}": (
            operation.get("security")
        )
        for path, item in body["paths"].items()
        for method, operation in item.items()
    }


def authorizers(cloudformation: dict[str, Any]) -> dict[str, Any]:
    body = cloudformation["Resources"]["HttpApi"]["Properties"]["Body"]
    schemes: dict[str, Any] = body.get("components", {}).get("securitySchemes", {})
    return schemes


def environments(cloudformation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]["Environment"]["Variables"]
        for logical_id, resource in cloudformation["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def cognito(cloudformation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        resource["Type"]: resource["Properties"]
        for resource in cloudformation["Resources"].values()
        if resource["Type"].startswith("AWS::Cognito::")
    }


def signed_in_except_public(template: dict[str, Any]) -> dict[str, Any]:
    """Every route of the template needs a token, except those the app declares public
    (its operations without a security requirement: see api_core/auth.py)."""
    public = {f"{method} {path}" for method, path in public_operations(app.openapi())}
    return {
        route.key: PUBLIC if route.key in public else SIGNED_IN
        for route in template_routes(template)
    }


def test_default_deploy_puts_the_jwt_authorizer_on_every_route_but_the_public_ones(
    template: dict[str, Any], deploy: Deploys
) -> None:
    expected = signed_in_except_public(template)
    public = {key for key, security in expected.items() if security == PUBLIC}
    assert public == {"GET /api/health", "GET /api/auth/config"}
    assert route_security(deploy()) == expected
    assert authorizers(deploy()) == {
        "SignedIn": {
            "type": "oauth2",
            "x-amazon-apigateway-authorizer": {
                "type": "jwt",
                "identitySource": "$request.header.Authorization",
                "jwtConfiguration": {
                    "issuer": {
                        "Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPool}"
                    },
                    # Cognito access tokens name the app client in client_id, which
                    # the authorizer accepts in place of aud.
                    "audience": [{"Ref": "UserPoolClient"}],
                },
            },
        }
    }


def test_default_deploy_runs_every_function_in_gateway_mode_with_the_staff_rule(
    template: dict[str, Any], deploy: Deploys
) -> None:
    variables = environments(deploy())
    assert set(variables) == {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert len(variables) == 8  # seven functions and the migration's
    for logical_id, env in variables.items():
        assert env["AUTH_MODE"] == "gateway", logical_id
        assert env["AUTH_STAFF_CLAIM"] == {"Ref": "StaffClaim"}, logical_id
        assert env["AUTH_STAFF_VALUE"] == {"Ref": "StaffValue"}, logical_id
    parameters = template["Parameters"]
    defaults = Settings()
    assert parameters["StaffClaim"]["Default"] == defaults.auth_staff_claim == "cognito:groups"
    assert parameters["StaffValue"]["Default"] == defaults.auth_staff_value


def test_allow_open_api_deploys_no_authorizer_no_user_pool_and_auth_mode_off(
    deploy: Deploys,
) -> None:
    assert deploy()["Resources"]["HttpApi"]["Properties"]["Body"]["components"]
    open_api = deploy(AllowOpenApi="true")
    assert set(route_security(open_api).values()) == {None}
    assert authorizers(open_api) == {}
    assert {env["AUTH_MODE"] for env in environments(open_api).values()} == {"off"}
    assert cognito(open_api) == {}
    assert "anyone" in open_api["Outputs"]["Authentication"]["Value"]
    assert {"UserPoolId", "UserPoolClientId", "SignInUrl"}.isdisjoint(open_api["Outputs"])


def test_allow_open_api_is_off_unless_set_to_exactly_true(template: dict[str, Any]) -> None:
    parameter = template["Parameters"]["AllowOpenApi"]
    assert parameter["Default"] == "false"
    assert parameter["AllowedValues"] == ["false", "true"]


def test_user_pool_client_is_public_code_flow_only_and_returns_only_to_the_site(
    deploy: Deploys,
) -> None:
    client = cognito(deploy())["AWS::Cognito::UserPoolClient"]
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthScopes"] == ["openid", "email", "profile"]
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert client["CallbackURLs"] == client["LogoutURLs"] == [{"Fn::Sub": "${SiteUrl}/"}]
    assert client["EnableTokenRevocation"] is True
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    units = client["TokenValidityUnits"]
    assert units["AccessToken"] == "minutes" and client["AccessTokenValidity"] <= 60
    assert units["RefreshToken"] == "minutes" and client["RefreshTokenValidity"] <= 24 * 60


def test_local_sign_in_adds_only_the_local_servers_as_return_addresses(
    deploy: Deploys,
) -> None:
    local = ["http://localhost:8000/", "http://localhost:8888/"]
    client = cognito(deploy(LocalSignIn="true"))["AWS::Cognito::UserPoolClient"]
    assert client["CallbackURLs"] == client["LogoutURLs"] == [{"Fn::Sub": "${SiteUrl}/"}, *local]
    development = cognito(deploy(LocalSignIn="true", SiteUrl=""))
    assert development["AWS::Cognito::UserPoolClient"]["CallbackURLs"] == local


def test_user_pool_signs_in_by_email_users_that_an_administrator_created(
    deploy: Deploys,
) -> None:
    resources = cognito(deploy())
    pool = resources["AWS::Cognito::UserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    assert resources["AWS::Cognito::UserPoolGroup"]["GroupName"] == {"Ref": "StaffValue"}
    assert resources["AWS::Cognito::UserPoolDomain"]["UserPoolId"] == {"Ref": "UserPool"}
    assert {"UserPoolId", "UserPoolClientId", "SignInUrl"} <= set(deploy()["Outputs"])


def test_health_function_alone_serves_the_hosted_sign_in_endpoints(deploy: Deploys) -> None:
    variables = environments(deploy())
    hosted = "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"
    assert {key: value for key, value in variables["HealthFunction"].items() if "URL" in key} == {
        "AUTH_AUTHORIZE_URL": {"Fn::Sub": f"{hosted}/oauth2/authorize"},
        "AUTH_TOKEN_URL": {"Fn::Sub": f"{hosted}/oauth2/token"},
        "AUTH_LOGOUT_URL": {"Fn::Sub": f"{hosted}/logout"},
    }
    assert variables["HealthFunction"]["AUTH_CLIENT_ID"] == {"Ref": "UserPoolClient"}
    assert variables["HealthFunction"]["AUTH_SCOPES"] == "openid email profile"
    for logical_id in (resource.logical_id for resource in ALL_RESOURCES):
        assert "AUTH_CLIENT_ID" not in variables[logical_id]


def test_external_issuer_replaces_the_user_pool(template: dict[str, Any], deploy: Deploys) -> None:
    external = deploy(**EXTERNAL_ISSUER, SiteUrl="")
    assert cognito(external) == {}
    assert route_security(external) == signed_in_except_public(template)
    configuration = authorizers(external)["SignedIn"]["x-amazon-apigateway-authorizer"]
    assert configuration["jwtConfiguration"] == {
        "issuer": {"Ref": "AuthIssuerUrl"},
        "audience": [{"Ref": "AuthAudience"}],
    }
    health = environments(external)["HealthFunction"]
    assert health["AUTH_MODE"] == "gateway"
    assert {key: health[key] for key in ("AUTH_CLIENT_ID", "AUTH_TOKEN_URL")} == {
        "AUTH_CLIENT_ID": {"Ref": "AuthClientId"},
        "AUTH_TOKEN_URL": {"Ref": "AuthTokenUrl"},
    }

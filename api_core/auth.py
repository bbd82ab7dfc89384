"""Who is calling, and what they may do. The one place that says so is the routes:

    @router.get(..., dependencies=[SignedIn])     # any signed-in caller
    @router.post(..., dependencies=[StaffOnly])   # staff only
    @router.get(...)                               # public: no dependency

Everything else is derived from those declarations: the OpenAPI document's security
requirements and its 401/403 responses (`document_access`), the routes template.yaml
leaves without an authorizer (checked by tests/deploy against `public_operations`),
and the tests.

The claims come from API Gateway's JWT authorizer in AWS (AUTH_MODE=gateway: the
gateway has verified the token, the event carries its claims), or from a bearer
token the app verifies itself (AUTH_MODE=verify, for uvicorn). With AUTH_MODE=off
every request is let through, and the server says so when it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request, Security
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from starlette.types import Scope

from api_core.errors import ApiError, problem_responses
from api_core.settings import Settings, settings_of

Claims = Mapping[str, Any]

STAFF = "staff"  # the scope a route asks for when only staff may call it

logger = logging.getLogger(__name__)


class AuthenticationRequired(ApiError):
    """Raised when a request carries no valid credentials."""

    status = 401
    title = "Unauthorized"
    slug = "authentication-required"
    default_detail = "Sign in to use the API."

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class PermissionDenied(ApiError):
    """Raised when a signed-in caller lacks the staff claim a write needs."""

    status = 403
    title = "Forbidden"
    slug = "staff-only"
    default_detail = "Only staff can change records."


def warn_if_open(settings: Settings) -> None:
    if settings.auth_mode == "off":
        logger.warning(
            "AUTHENTICATION IS OFF: anyone who can reach this API can read and change "
            "every record. Set AUTH_MODE (see README, Authentication) before exposing it."
        )
    elif not settings.auth_audience:
        logger.warning(
            "AUTH_AUDIENCE is not set: every request to a guarded route will be refused "
            "(401). Set it, or AUTH_MODE=off for an open development server."
        )


def is_staff(claims: Claims, settings: Settings, from_gateway: bool) -> bool:
    values = claim_values(claims, settings.auth_staff_claim, from_gateway)
    return settings.auth_staff_value in values


# OAuth scopes are one space-separated string (RFC 6749, section 3.3).
_SPACE_SEPARATED = frozenset({"scope", "scp"})


def claim_values(claims: Claims, name: str, from_gateway: bool) -> set[str]:
    """The values of a claim that may hold several.

    A token's own lists are JSON arrays. API Gateway's HTTP API JWT authorizer passes
    every claim on as a string and renders an array as "[a b c]": square brackets
    around the values, separated by single spaces. That exact shape is the only list
    read from a gateway string; anything else is one value ("x,staff", "staff]" and
    "[staff" are each a single, literal group name).
    """
    value = claims.get(name)
    if isinstance(value, list):
        return {str(item) for item in value}
    if not isinstance(value, str):
        return set()
    if name in _SPACE_SEPARATED:
        return set(value.split())
    if from_gateway and len(value) >= 2 and value[0] == "[" and value[-1] == "]":
        return set(value[1:-1].split(" ")) - {""}
    return {value}


def issued_for_this_api(claims: Claims, settings: Settings, from_gateway: bool) -> bool:
    """An access token (not an ID token) whose audience is this API.

    Cognito's access tokens carry no `aud`: they say `token_use: access` and name the
    app client in `client_id`. Other providers (AUTH_PROVIDER=oidc) put this API's
    identifier in `aud`; API Gateway accepts either, so the app checks which.
    """
    if not settings.auth_audience:
        return False
    if settings.auth_provider == "cognito":
        return claims.get("token_use") == "access" and claims.get("client_id") == (
            settings.auth_audience
        )
    audiences = claim_values(claims, "aud", from_gateway)
    return settings.auth_audience in audiences and claims.get("token_use", "access") == "access"


def _gateway_claims(scope: Scope) -> Claims | None:
    authorizer = _field(_field(scope.get("aws.event"), "requestContext"), "authorizer")
    claims = _field(_field(authorizer, "jwt"), "claims") or _field(authorizer, "claims")
    return claims if isinstance(claims, dict) and claims else None


def _field(value: Any, name: str) -> Any:
    # An event field that is not an object holds no claims: a 401, not a crash.
    return value.get(name) if isinstance(value, dict) else None


def _bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


async def _verified_claims(token: str, settings: Settings) -> Claims:
    # PyJWT is only needed, and only imported, in verify mode: the layer lacks it.
    import jwt

    from api_core.signing_keys import UnknownKey, key_set

    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except Exception as error:
        logger.info("rejected bearer token: %s", error)
        raise AuthenticationRequired("The access token is invalid or expired.") from None
    if not isinstance(kid, str):
        raise AuthenticationRequired("The access token names no signing key.")
    try:
        key = await key_set(settings).key(kid)
    except UnknownKey:
        raise AuthenticationRequired("The access token is signed by an unknown key.") from None
    try:
        # Only the algorithm of the key the token names: an ES256 token claiming an
        # RSA key is refused here, not passed to the wrong verifier.
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[key.algorithm_name],
            issuer=settings.auth_issuer,
            options={"verify_aud": False, "require": ["exp", "iss", "sub"]},
        )
    except Exception as error:  # any token the library cannot verify is refused
        logger.info("rejected bearer token: %s", error)
        raise AuthenticationRequired("The access token is invalid or expired.") from None
    return claims


async def caller(request: Request, staff: bool) -> Claims:
    """The verified claims of whoever is calling, who must be staff if `staff`."""
    settings = settings_of(request)
    if settings.auth_mode == "off":
        return {}
    from_gateway = settings.auth_mode == "gateway"
    if from_gateway:
        claims = _gateway_claims(request.scope)
    else:
        token = _bearer_token(request.scope)
        claims = await _verified_claims(token, settings) if token else None
    if claims is None:
        raise AuthenticationRequired()
    if not issued_for_this_api(claims, settings, from_gateway):
        raise AuthenticationRequired("The access token is not meant for this API.")
    if staff and not is_staff(claims, settings, from_gateway):
        raise PermissionDenied()
    return claims


class _AccessCheck(SecurityBase):
    """A route's access rule: the bearer token in OpenAPI, and its check, in one
    dependency. One, because each dependency costs every request that passes."""

    def __init__(self, staff: bool) -> None:
        self.model = HTTPBearerModel(
            description="An access token for this API (Cognito: the app client's)."
        )
        self.scheme_name = "AccessToken"
        self.staff = staff

    async def __call__(self, request: Request) -> Claims:
        return await caller(request, self.staff)


# Route dependencies: `dependencies=[SignedIn]`, or a parameter `caller: Caller`.
SignedIn = Security(_AccessCheck(staff=False))
StaffOnly = Security(_AccessCheck(staff=True), scopes=[STAFF])
Caller = Annotated[Claims, SignedIn]


def document_access(app: FastAPI) -> None:
    """Give every guarded operation in the OpenAPI document its 401 (and 403) answers.

    Derived from the security requirements the dependencies above put there, so the
    document cannot disagree with the routes.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            for operation in _operations(build()):
                if "security" in operation:
                    statuses = (401, 403) if STAFF in _scopes(operation) else (401,)
                    errors = {str(k): v for k, v in problem_responses(*statuses).items()}
                    operation["responses"] = {**errors, **operation["responses"]}
        return app.openapi_schema or build()

    app.openapi = openapi  # type: ignore[method-assign]


def _scopes(operation: Mapping[str, Any]) -> set[str]:
    return {s for requirement in operation["security"] for v in requirement.values() for s in v}


def public_operations(document: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(METHOD, path) of the operations anyone may call, from an OpenAPI document."""
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "security" not in operation
    }


def _operations(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [operation for item in document["paths"].values() for operation in item.values()]


config_router = APIRouter(prefix="/api/auth", tags=["auth"])


@config_router.get("/config", summary="How the frontend signs in, and the app's name")
async def auth_config(request: Request) -> dict[str, Any]:
    """Public. `enabled` is false when the API runs without authentication; `app_name`
    is what the page calls itself (APP_NAME)."""
    settings = settings_of(request)
    if settings.auth_mode == "off":
        return {"enabled": False, "app_name": settings.app_name}
    return {
        "enabled": True,
        "app_name": settings.app_name,
        "client_id": settings.auth_client_id,
        "authorize_url": settings.auth_authorize_url,
        "token_url": settings.auth_token_url,
        "logout_url": settings.auth_logout_url,
        "scopes": settings.auth_scopes,
        # Lets the page hide write actions from non-staff; the API still enforces it.
        "staff_claim": settings.auth_staff_claim,
        "staff_value": settings.auth_staff_value,
    }

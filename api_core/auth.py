"""Who is calling, and what they may do: reads need a signed-in caller, writes staff.

The claims come from API Gateway's JWT authorizer in AWS (AUTH_MODE=gateway: the
gateway has verified the token, the event carries its claims), or from a bearer
token the app verifies itself (AUTH_MODE=verify, for uvicorn). With AUTH_MODE=off
every request is let through, and the server says so when it starts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from starlette.types import ASGIApp, Receive, Scope, Send

from api_core.errors import ApiError, problem_response
from api_core.settings import Settings, get_settings

Claims = Mapping[str, Any]

PUBLIC_PATHS = frozenset({"/api/health", "/api/auth/config", "/api/docs", "/api/openapi.json"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

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


def is_staff(claims: Claims, settings: Settings) -> bool:
    return settings.auth_staff_value in _claim_values(claims.get(settings.auth_staff_claim))


def _claim_values(value: Any) -> set[str]:
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    if isinstance(value, str):
        # API Gateway hands list claims on as "[staff teachers]"; scopes are
        # space-separated.
        return set(value.strip("[]").replace(",", " ").split())
    return set()


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


@lru_cache(maxsize=1)
def _jwks_client(jwks_url: str, issuer: str) -> Any:
    import jwt  # PyJWT: only needed, and only imported, in verify mode

    if not jwks_url:
        discovery = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
        with urllib.request.urlopen(discovery, timeout=5) as response:
            jwks_url = json.load(response)["jwks_uri"]
    return jwt.PyJWKClient(jwks_url, cache_keys=True)


def _verified_claims(token: str, settings: Settings) -> Claims:
    import jwt

    try:
        client = _jwks_client(settings.auth_jwks_url, settings.auth_issuer)
        key = client.get_signing_key_from_jwt(token).key
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256", "ES256"],
            issuer=settings.auth_issuer,
            options={"verify_aud": False, "require": ["exp", "iss", "sub"]},
        )
    except (jwt.PyJWTError, OSError, ValueError, KeyError) as error:
        logger.info("rejected bearer token: %s", error)
        raise AuthenticationRequired("The access token is invalid or expired.") from None
    if settings.auth_audience not in (claims.get("aud"), claims.get("client_id")) and not (
        isinstance(claims.get("aud"), list) and settings.auth_audience in claims["aud"]
    ):
        raise AuthenticationRequired("The access token is not meant for this API.")
    return claims


class AuthGuard:
    """Pure ASGI middleware enforcing the read/write rule on every /api route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = get_settings()
        if (
            settings.auth_mode == "off"
            or scope["type"] != "http"
            or not scope["path"].startswith("/api/")
            or scope["path"] in PUBLIC_PATHS
            or scope["method"] == "OPTIONS"
        ):
            await self.app(scope, receive, send)
            return
        try:
            claims = await self._claims(scope, settings)
            if scope["method"] not in READ_METHODS and not is_staff(claims, settings):
                raise PermissionDenied()
        except ApiError as error:
            await problem_response(error)(scope, receive, send)
            return
        scope.setdefault("state", {})["claims"] = claims
        await self.app(scope, receive, send)

    @staticmethod
    async def _claims(scope: Scope, settings: Settings) -> Claims:
        if settings.auth_mode == "gateway":
            claims = _gateway_claims(scope)
        else:
            token = _bearer_token(scope)
            claims = await asyncio.to_thread(_verified_claims, token, settings) if token else None
        if claims is None:
            raise AuthenticationRequired()
        return claims


config_router = APIRouter(prefix="/api/auth", tags=["auth"])


@config_router.get("/config", summary="How the frontend signs in")
async def auth_config() -> dict[str, Any]:
    """Public. `enabled` is false when the API runs without authentication."""
    settings = get_settings()
    if settings.auth_mode == "off":
        return {"enabled": False}
    return {
        "enabled": True,
        "client_id": settings.auth_client_id,
        "authorize_url": settings.auth_authorize_url,
        "token_url": settings.auth_token_url,
        "logout_url": settings.auth_logout_url,
        "scopes": settings.auth_scopes,
        # Lets the page hide write actions from non-staff; the API still enforces it.
        "staff_claim": settings.auth_staff_claim,
        "staff_value": settings.auth_staff_value,
    }

"""What API Gateway's JWT authorizer passes on for a Cognito access token."""

from __future__ import annotations

from typing import Any

import pytest

from api_core.settings import get_settings

# The app client the tokens are issued to: AUTH_AUDIENCE in a Cognito deployment.
CLIENT_ID = "example-client"


def access_token_claims(sub: str, *groups: str, **more: Any) -> dict[str, Any]:
    return {
        "sub": sub,
        "token_use": "access",
        "client_id": CLIENT_ID,
        "cognito:groups": list(groups),
        **more,
    }


STAFF = access_token_claims("staff-1", "staff")
STUDENT = access_token_claims("student-1", "students")


def use_gateway_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    """AUTH_MODE=gateway for a Cognito user pool whose app client is CLIENT_ID."""
    monkeypatch.setenv("AUTH_MODE", "gateway")
    monkeypatch.setenv("AUTH_AUDIENCE", CLIENT_ID)
    get_settings.cache_clear()

"""What API Gateway's JWT authorizer passes on for a Cognito access token."""

from __future__ import annotations

from typing import Any

from api_core.devtools.settings import changed
from api_core.settings import Settings

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


def gateway_auth(settings: Settings) -> Settings:
    """`settings` with AUTH_MODE=gateway for a Cognito user pool whose app client is
    CLIENT_ID."""
    return changed(settings, auth_mode="gateway", auth_audience=CLIENT_ID)

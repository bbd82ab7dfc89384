"""Every setting the API reads, from the environment, through one pydantic model.

Read once where a process starts (a function's module, the local app, a command)
and passed down: `create_app(settings)` keeps them in `app.state` for the routes'
dependencies, and configures each middleware with the values it needs.

Each field is read from the environment variable of its name in any case
(`MONGODB_URI`), as pydantic-settings would, unless given to `Settings(...)`; a list
is read as JSON. Not pydantic-settings itself: with python-dotenv and argparse it
cost every cold start about 10 ms (README, cold starts), for two lines of work.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection


# The app's name, and the database it uses when MONGODB_DB is not set. A fork renames
# both here. APP_NAME alone renames a running app, its database included: any other
# name gives its own database (database_name). "school" is design.md's contract.
APP_NAME = "Student records"
DATABASE = "school"


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    # The API's title, the page's branding (the page reads it from GET /api/auth/config)
    # and, unless MONGODB_DB is set, the database's name.
    app_name: str = Field(default=APP_NAME, min_length=1, max_length=60)
    mongodb_uri: str = "mongodb://127.0.0.1:27017"
    # Unset or empty: DATABASE for the app's own name, database_name(APP_NAME) for any
    # other (api_core/migrate.py refuses to leave records behind in DATABASE then).
    mongodb_db: str = Field(default="", min_length=1, max_length=63)
    # Every request's deadline for all of its database work together: finding the
    # server, connecting, every operation and every retry. pymongo's defaults (30 s
    # server selection, 20 s connect, no operation limit) outlast a function's
    # timeout; a database that cannot answer within this budget is a 503 instead.
    # Keep it above 1 s: pymongo rechecks a failed server at most every 500 ms, and
    # the first request after the database returns needs time to see it.
    mongodb_timeout_ms: int = Field(default=2000, ge=100, le=60_000)
    # Connections one process may open for requests (its monitoring connections come
    # on top, see README). A Lambda container serves one request at a time and our
    # requests send one operation at a time, so the template sets 1; uvicorn serves
    # many requests at once and needs more.
    mongodb_max_pool_size: int = Field(default=10, ge=1, le=500)
    # Seconds a client is told to wait before retrying after a 503.
    retry_after_seconds: int = Field(default=5, ge=1, le=3600)
    max_body_bytes: int = Field(default=16_384, ge=1024, le=1_048_576)
    # Origins allowed to call the API from a browser; empty means same-origin only.
    cors_origins: list[str] = []
    log_level: str = "INFO"
    # CloudWatch namespace of the request metrics (api_core/metrics.py); the template
    # gives each stack its own name, so two stacks' metrics never mix.
    metrics_namespace: str = Field(default="StudentRecords", min_length=1, max_length=255)

    # Bulk import (api_core/imports/): rows applied per batch, and the largest file
    # the local upload takes.
    import_batch_size: int = Field(default=100, ge=1, le=1000)
    import_max_bytes: int = Field(default=20_000_000, ge=1024)
    # On AWS (template.yaml sets these): the private bucket browsers upload import
    # files to, through a presigned URL valid this many seconds, and the queue the
    # file's batches go through. Without a bucket the API takes the file itself.
    import_bucket: str = ""
    import_upload_expires_s: int = Field(default=900, ge=60, le=3600)
    import_queue_url: str = ""
    # S3 and SQS somewhere other than AWS (moto in the tests), as boto3 reads it.
    aws_endpoint_url: str = ""

    # Who may call the API (see api_core/auth.py). "gateway": API Gateway's JWT
    # authorizer verified the token and the app reads its claims from the event.
    # "verify": the app verifies bearer tokens itself against auth_issuer's keys.
    # "off": anyone who can reach the API can read and change every record.
    # Closed by default: a deployment that forgets the variable lets nobody in.
    auth_mode: Literal["off", "gateway", "verify"] = "gateway"
    auth_issuer: str = ""
    # Whose access tokens are accepted, and how they say who they are for: "cognito"
    # (token_use=access and client_id = auth_audience) or "oidc" (auth_audience in aud).
    auth_provider: Literal["cognito", "oidc"] = "cognito"
    auth_audience: str = ""
    auth_jwks_url: str = ""  # default: from the issuer's OpenID configuration
    # verify mode: how long fetched signing keys are trusted before a refresh, how
    # often at most the keys are fetched again, and how long a fetch may take.
    auth_keys_lifetime_s: float = Field(default=300, ge=0, le=86_400)
    auth_keys_min_refetch_s: float = Field(default=1, ge=0, le=3600)
    auth_provider_timeout_ms: int = Field(default=1500, ge=100, le=10_000)
    # Writes need this claim to contain this value (a list, or space-separated).
    auth_staff_claim: str = "cognito:groups"
    auth_staff_value: str = "staff"
    # What the frontend needs to sign in (authorization code flow with PKCE).
    auth_client_id: str = ""
    auth_authorize_url: str = ""
    auth_token_url: str = ""
    auth_logout_url: str = ""
    auth_scopes: str = "openid email profile"

    @model_validator(mode="before")
    @classmethod
    def _from_the_environment(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = {**_environment(cls), **data}  # what the caller gives wins
        if not data.get("mongodb_db"):
            name = str(data.get("app_name") or APP_NAME)
            data["mongodb_db"] = DATABASE if name == APP_NAME else database_name(name)
        return data

    @model_validator(mode="after")
    def _verify_mode_needs_issuer(self) -> Settings:
        if self.auth_mode == "verify" and not (self.auth_issuer and self.auth_audience):
            raise ValueError("AUTH_MODE=verify needs AUTH_ISSUER and AUTH_AUDIENCE")
        return self


def _environment(model: type[BaseModel]) -> dict[str, Any]:
    """The model's fields found in the environment, by name in any case."""
    variables = {name.lower(): value for name, value in os.environ.items()}
    found: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name not in variables:
            continue
        value = variables[name]
        if get_origin(field.annotation) is list:
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError(
                    f'{name.upper()} must be a JSON list, like ["https://example.org"]'
                ) from None
        found[name] = value
    return found


def database_name(app_name: str) -> str:
    """The app's name as a MongoDB database name: "Library loans" -> "library_loans"."""
    ascii_name = unicodedata.normalize("NFKD", app_name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:63]
    if not name:
        raise ValueError(f"APP_NAME {app_name!r} makes no database name: set MONGODB_DB")
    return name


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, from its environment: for where a process starts."""
    return Settings()


def settings_of(connection: HTTPConnection) -> Settings:
    """The settings of the app serving this request (see api_core/factory.py)."""
    settings: Settings = connection.app.state.settings
    return settings

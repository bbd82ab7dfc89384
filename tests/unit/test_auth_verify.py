"""AUTH_MODE=verify: the app checks bearer tokens itself against the issuer's keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api_core import auth
from api_core.settings import get_settings
from tests.support.builders import course_body
from tests.support.oidc_issuer import KEY_ID, StandInIssuer

AUDIENCE = "student-records-web"


@pytest.fixture(scope="module")
def issuer() -> Iterator[StandInIssuer]:
    issuer = StandInIssuer().start()
    yield issuer
    issuer.stop()


@pytest.fixture(autouse=True)
def verify_mode(issuer: StandInIssuer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AUTH_MODE", "verify")
    monkeypatch.setenv("AUTH_ISSUER", issuer.url)
    monkeypatch.setenv("AUTH_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("AUTH_STAFF_CLAIM", "groups")
    get_settings.cache_clear()
    auth._jwks_client.cache_clear()
    yield
    auth._jwks_client.cache_clear()


def resigned_with_another_key(token: str) -> str:
    """The same claims and key id, signed by a key the issuer never published."""
    claims = jwt.decode(token, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": KEY_ID})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_staff_token_can_write_and_read(client: TestClient, issuer: StandInIssuer) -> None:
    token = issuer.token(AUDIENCE, groups=["staff"])

    created = client.post("/api/courses", json=course_body(), headers=bearer(token))
    listed = client.get("/api/courses", headers=bearer(token))

    assert created.status_code == 201
    assert listed.status_code == 200


def test_signed_in_non_staff_can_read_but_not_write(
    client: TestClient, issuer: StandInIssuer
) -> None:
    token = issuer.token(AUDIENCE, groups=["students"])

    assert client.get("/api/courses", headers=bearer(token)).status_code == 200
    response = client.post("/api/courses", json=course_body(), headers=bearer(token))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "make_token",
    [
        lambda issuer: issuer.token(AUDIENCE, ttl=-60, groups=["staff"]),
        lambda issuer: issuer.token("another-app", groups=["staff"]),
        lambda issuer: issuer.token(AUDIENCE, groups=["staff"])[:-4] + "AAAA",
        lambda issuer: resigned_with_another_key(issuer.token(AUDIENCE, groups=["staff"])),
        lambda _: "not-a-jwt",
    ],
    ids=["expired", "wrong-audience", "tampered", "foreign-key", "garbage"],
)
def test_invalid_tokens_are_401(
    client: TestClient, issuer: StandInIssuer, make_token: Callable[[StandInIssuer], str]
) -> None:
    token = make_token(issuer)

    response = client.get("/api/courses", headers=bearer(token))

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "traceback" not in response.text.lower()


def test_missing_or_non_bearer_authorization_is_401(client: TestClient) -> None:
    assert client.get("/api/courses").status_code == 401
    assert client.get("/api/courses", headers={"Authorization": "Basic dTpw"}).status_code == 401


def test_health_docs_and_frontend_need_no_token(client: TestClient) -> None:
    assert client.get("/api/health").status_code == 200
    config = client.get("/api/auth/config").json()
    assert config["enabled"] is True
    assert (config["staff_claim"], config["staff_value"]) == ("groups", "staff")
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/").status_code == 200


def test_auth_config_reports_disabled_when_off(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_MODE", "off")
    get_settings.cache_clear()

    assert client.get("/api/auth/config").json() == {"enabled": False}
    assert client.post("/api/courses", json=course_body()).status_code == 201


def test_verify_mode_without_issuer_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AUTH_ISSUER")
    get_settings.cache_clear()

    with pytest.raises(ValueError, match="AUTH_ISSUER"):
        get_settings()

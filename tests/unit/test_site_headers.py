"""The page's files get the same security headers from uvicorn as from Netlify."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_core.app import create_local_app
from api_core.devtools.settings import changed
from api_core.settings import Settings
from api_core.site_headers import HEADERS


@pytest.mark.parametrize("path", ["/", "/index.html", "/js/main.js", "/css/app.css"])
def test_the_pages_files_carry_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "connect-src 'self';" in policy  # no sign-in provider configured


def test_the_sign_in_providers_token_endpoint_is_the_one_other_origin_the_page_may_call(
    settings: Settings,
) -> None:
    token_url = "https://records.auth.eu-west-1.amazoncognito.com/oauth2/token"

    with TestClient(create_local_app(changed(settings, auth_token_url=token_url))) as client:
        policy = client.get("/").headers["content-security-policy"]

    assert "connect-src 'self' https://records.auth.eu-west-1.amazoncognito.com;" in policy


def test_the_api_keeps_its_own_headers_and_the_docs_get_the_pages(client: TestClient) -> None:
    api = client.get("/api/courses")
    docs = client.get("/api/docs")

    assert "content-security-policy" not in api.headers
    assert api.headers["cache-control"] == "no-store"
    assert docs.headers["x-frame-options"] == "DENY"
    assert "script-src 'self';" in docs.headers["content-security-policy"]

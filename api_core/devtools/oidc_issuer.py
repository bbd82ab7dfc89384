"""A stand-in OpenID Connect issuer on loopback: discovery, JWKS, and signed tokens.

Enough of a real issuer for the app to verify bearer tokens the way it would
against Cognito or any other provider (RS256, keys fetched from jwks_uri). With
`enable_sign_in()` it also plays Cognito's hosted UI for a browser: /authorize (a
sign-in form), /token (the authorization code grant, PKCE S256 required) and
/logout, so the frontend's whole sign-in flow can be tested offline.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "stand-in-key-1"
# RFC 7636, section 4.1: 43 to 128 unreserved characters.
VERIFIER_PATTERN = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def s256(verifier: str) -> str:
    """The PKCE code_challenge for a code_verifier (method S256)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class SignInClient:
    """The public client (no secret) the stand-in hosted UI serves, like a Cognito app client."""

    client_id: str
    redirect_uris: set[str]
    staff_claim: str = "cognito:groups"
    staff_value: str = "staff"
    token_ttl: int = 300
    # What happened, for tests to check: every /authorize query and /token form.
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    token_errors: list[str] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)
    _pending: dict[str, dict[str, str]] = field(default_factory=dict)  # form id -> request
    _codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> grant


class OAuthError(Exception):
    """Raised when a /token request is refused; the error code goes in the JSON body."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.status = status


class StandInIssuer:
    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        # The keys its JWKS publishes (key id -> private key): a test can rotate them.
        self.keys: dict[str, rsa.RSAPrivateKey] = {KEY_ID: self.private_key}
        self.jwks_fetches = 0
        # While set, /jwks and the discovery document accept and never answer.
        self.hang = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        # Extra routes (path -> handler) a test can add, e.g. /authorize and /token.
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}

    def start(self) -> StandInIssuer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, private_key in self.keys.items():
            public = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
            keys.append({**public, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": keys}

    def rotate(self) -> str:
        """Publish a new signing key beside the others; its key id."""
        kid = f"stand-in-key-{len(self.keys) + 1}"
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return kid

    def token(self, audience: str | None, ttl: int = 300, kid: str = KEY_ID, **claims: Any) -> str:
        """A signed token; audience None leaves out `aud`, as Cognito's access tokens do."""
        now = int(time.time())
        payload = {
            "iss": self.url,
            "sub": claims.pop("sub", "user-1"),
            **({"aud": audience} if audience is not None else {}),
            "iat": now,
            "exp": now + ttl,
            **claims,
        }
        key = self.keys.get(kid, self.private_key)
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})

    def enable_sign_in(self, client_id: str, redirect_uris: set[str]) -> SignInClient:
        """Serves /authorize, /token and /logout for one public client, Cognito-style."""
        client = SignInClient(client_id, set(redirect_uris))
        self.routes["/authorize"] = lambda request: self._authorize(client, request)
        self.routes["/token"] = lambda request: self._token(client, request)
        self.routes["/logout"] = lambda request: self._logout(client, request)
        return client

    # /authorize: GET validates the request and shows the form; POST signs in.
    def _authorize(self, client: SignInClient, request: BaseHTTPRequestHandler) -> None:
        if request.command == "GET":
            query = _query(request)
            client.authorize_requests.append(query)
            problem = _authorize_problem(client, query)
            if problem:
                # Never redirect to an unchecked redirect_uri (RFC 6749, section 4.1.2.1).
                _send(request, 400, problem.encode(), "text/plain; charset=utf-8")
                return
            form_id = secrets.token_urlsafe(16)
            client._pending[form_id] = query
            _send(request, 200, _sign_in_page(form_id).encode(), "text/html; charset=utf-8")
            return
        form = _form(request)
        pending = client._pending.pop(form.get("request", ""), None)
        if pending is None:
            _send(request, 400, b"unknown or used sign-in request", "text/plain")
            return
        back = {"state": pending["state"]} if "state" in pending else {}
        if form.get("action") != "sign-in":
            _redirect(request, pending["redirect_uri"], {"error": "access_denied", **back})
            return
        username = form.get("username", "").strip() or "user"
        code = secrets.token_urlsafe(24)
        client._codes[code] = {
            "client_id": pending["client_id"],
            "redirect_uri": pending["redirect_uri"],
            "challenge": pending["code_challenge"],
            "scope": pending.get("scope", "openid"),
            "username": username,
            "staff": form.get("staff") == "yes",
            "expires": time.monotonic() + 60,
        }
        _redirect(request, pending["redirect_uri"], {"code": code, **back})

    def _token(self, client: SignInClient, request: BaseHTTPRequestHandler) -> None:
        cors = _cors_headers(client, request)
        if request.command == "OPTIONS":
            _send(request, 204, b"", None, {**cors, "Access-Control-Allow-Headers": "Content-Type"})
            return
        form = _form(request)
        client.token_requests.append(form)
        try:
            body = self._grant(client, request, form)
        except OAuthError as error:
            client.token_errors.append(str(error))
            reply = {"error": error.error, "error_description": str(error)}
            _send(request, error.status, json.dumps(reply).encode(), "application/json", cors)
            return
        _send(request, 200, json.dumps(body).encode(), "application/json", cors)

    def _grant(
        self, client: SignInClient, request: BaseHTTPRequestHandler, form: dict[str, str]
    ) -> dict[str, Any]:
        if request.command != "POST":
            raise OAuthError("invalid_request", "use POST", 405)
        if not request.headers.get("Content-Type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            raise OAuthError("invalid_request", "the body must be form-encoded")
        if form.get("grant_type") != "authorization_code":
            raise OAuthError("unsupported_grant_type", "only authorization_code is supported")
        if form.get("client_id") != client.client_id:
            raise OAuthError("invalid_client", "unknown client_id", 401)
        grant = client._codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant["expires"] < time.monotonic():
            raise OAuthError("invalid_grant", "the code is unknown, used or expired")
        if grant["client_id"] != form["client_id"]:
            raise OAuthError("invalid_grant", "the code was issued to another client")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            raise OAuthError("invalid_grant", "redirect_uri differs from the authorize request")
        verifier = form.get("code_verifier", "")
        if not VERIFIER_PATTERN.fullmatch(verifier) or s256(verifier) != grant["challenge"]:
            raise OAuthError("invalid_grant", "the code_verifier does not match the code_challenge")
        username = grant["username"]
        groups: dict[str, Any] = (
            {client.staff_claim: [client.staff_value]} if grant["staff"] else {}
        )
        subject = f"sub-{username}"
        access = self.token(
            None,
            ttl=client.token_ttl,
            sub=subject,
            client_id=client.client_id,
            token_use="access",
            scope=grant["scope"],
            username=username,
            **groups,
        )
        identity = self.token(
            client.client_id,
            ttl=client.token_ttl,
            sub=subject,
            token_use="id",
            email=f"{username}@university.example",
            **{"cognito:username": username},
            **groups,
        )
        return {
            "access_token": access,
            "id_token": identity,
            "token_type": "Bearer",
            "expires_in": client.token_ttl,
        }

    def _logout(self, client: SignInClient, request: BaseHTTPRequestHandler) -> None:
        query = _query(request)
        client.logouts.append(query)
        if query.get("client_id") != client.client_id or (
            query.get("logout_uri") not in client.redirect_uris
        ):
            _send(request, 400, b"unknown client_id or logout_uri", "text/plain")
            return
        _redirect(request, query["logout_uri"], {})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                path = self.path.split("?", 1)[0]
                if path in ("/jwks", "/.well-known/openid-configuration"):
                    issuer.jwks_fetches += path == "/jwks"
                    while issuer.hang.is_set():  # a provider that accepts, then stalls
                        time.sleep(0.05)
                if path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": issuer.url,
                            "jwks_uri": f"{issuer.url}/jwks",
                            "authorization_endpoint": f"{issuer.url}/authorize",
                            "token_endpoint": f"{issuer.url}/token",
                        }
                    )
                elif path == "/jwks":
                    self._json(issuer.jwks())
                elif path in issuer.routes:
                    issuer.routes[path](self)
                else:
                    self.send_error(404)

            def do_POST(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                if path in issuer.routes:
                    issuer.routes[path](self)
                else:
                    self.send_error(404)

            do_OPTIONS = do_POST  # noqa: N815 (CORS preflight, for the routes that answer it)

            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler


def _query(request: BaseHTTPRequestHandler) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(request.path).query).items()}


def _form(request: BaseHTTPRequestHandler) -> dict[str, str]:
    length = int(request.headers.get("Content-Length") or 0)
    body = request.rfile.read(length).decode("utf-8", "replace") if length else ""
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


def _send(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str | None,
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    if content_type:
        request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    request.send_header("Cache-Control", "no-store")
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def _redirect(request: BaseHTTPRequestHandler, target: str, params: dict[str, str]) -> None:
    separator = "&" if "?" in target else "?"
    location = f"{target}{separator}{urlencode(params)}" if params else target
    request.send_response(302)
    request.send_header("Location", location)
    request.send_header("Content-Length", "0")
    request.end_headers()


def _cors_headers(client: SignInClient, request: BaseHTTPRequestHandler) -> dict[str, str]:
    """Cognito's token endpoint answers browsers on the app client's own origins."""
    origin = request.headers.get("Origin", "")
    allowed = {f"{urlsplit(uri).scheme}://{urlsplit(uri).netloc}" for uri in client.redirect_uris}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin in allowed else {}


def _authorize_problem(client: SignInClient, query: dict[str, str]) -> str | None:
    if query.get("client_id") != client.client_id:
        return "unknown client_id"
    if query.get("redirect_uri") not in client.redirect_uris:
        return "redirect_uri is not registered for this client"
    if query.get("response_type") != "code":
        return "response_type must be code"
    if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
        return "PKCE is required: code_challenge with code_challenge_method=S256"
    if not query.get("state"):
        return "state is required"
    return None


def _sign_in_page(form_id: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Stand-in issuer: sign in</title></head>
<body>
<h1>Stand-in issuer</h1>
<form method="post" action="/authorize">
  <input type="hidden" name="request" value="{html.escape(form_id)}">
  <p><label>Username <input name="username" value="ada" autocomplete="off"></label></p>
  <p><label><input type="checkbox" name="staff" value="yes"> Staff</label></p>
  <p>
    <button type="submit" name="action" value="sign-in">Sign in</button>
    <button type="submit" name="action" value="cancel">Cancel</button>
  </p>
</form>
</body>
</html>
"""

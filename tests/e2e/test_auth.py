"""Signing in: the authorization code flow with PKCE against a stand-in issuer.

The app runs with AUTH_MODE=verify and trusts the stand-in issuer started by the
`auth_app` fixture, which also plays Cognito's hosted UI (/authorize, /token,
/logout) and records what the page sent it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import httpx
import pytest
from playwright.sync_api import Locator, Page, Request, Route, expect

from api_core.devtools.oidc_issuer import s256
from tests.e2e.conftest import CLIENT_ID, OUTPUT, STAFF_CLAIM, AuthApp

pytestmark = pytest.mark.e2e

SIGN_IN_HEADING = "Sign in to see student records"
ENDED = "Your session has ended"
SHOTS = OUTPUT / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


def sign_in(page: Page, username: str, *, staff: bool, start: str = "/#/students") -> None:
    """From the signed-out page, through the stand-in's sign-in form, and back."""
    page.goto(start)
    expect(page.get_by_role("heading", level=1)).to_have_text(SIGN_IN_HEADING)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Stand-in issuer")).to_be_visible()
    page.get_by_label("Username").fill(username)
    if staff:
        page.get_by_label("Staff").check()
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#account")).to_contain_text(f"{username}@university.example")


def stored_session(page: Page) -> dict[str, object] | None:
    raw = page.evaluate("sessionStorage.getItem('auth.session')")
    return json.loads(raw) if raw else None


def create(auth_app: AuthApp, resource: str, body: dict[str, object]) -> dict[str, object]:
    """Arranges data through the API, as staff."""
    headers = {"Authorization": f"Bearer {auth_app.staff_token()}"}
    reply = httpx.post(f"{auth_app.base_url}/api/{resource}", json=body, headers=headers)
    assert reply.status_code == 201, reply.text
    record: dict[str, object] = reply.json()
    return record


def create_student(auth_app: AuthApp, name: str, email: str) -> dict[str, object]:
    return create(auth_app, "students", {"name": name, "email": email})


def test_signed_out_page_offers_sign_in_and_loads_no_records(
    auth_page: Page, auth_app: AuthApp
) -> None:
    api_calls: list[str] = []
    auth_page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
    auth_page.goto("/#/students")

    expect(auth_page.get_by_role("heading", level=1)).to_have_text(SIGN_IN_HEADING)
    expect(auth_page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(auth_page.locator("#account")).to_be_hidden()
    assert api_calls == [f"{auth_app.base_url}/api/auth/config"]  # no redirect loop either
    assert auth_page.url == f"{auth_app.base_url}/#/students"


def test_staff_signs_in_with_pkce_and_creates_a_student(
    auth_page: Page, auth_app: AuthApp, unique: str
) -> None:
    sign_in(auth_page, f"grace-{unique}", staff=True)

    account = auth_page.locator("#account")
    expect(account).to_contain_text("Staff")
    expect(auth_page.get_by_role("heading", level=1)).to_have_text("Students")
    # Back on the page it started from, with the code and state gone from the address.
    expect(auth_page).to_have_url(f"{auth_app.base_url}/#/students")

    authorize = auth_app.client.authorize_requests[-1]
    token_request = auth_app.client.token_requests[-1]
    assert authorize["response_type"] == "code"
    assert authorize["client_id"] == CLIENT_ID
    assert authorize["redirect_uri"] == f"{auth_app.base_url}/"
    assert authorize["scope"] == "openid email profile"
    assert authorize["code_challenge_method"] == "S256"
    assert len(authorize["state"]) >= 20
    assert token_request["grant_type"] == "authorization_code"
    assert token_request["redirect_uri"] == authorize["redirect_uri"]
    assert s256(token_request["code_verifier"]) == authorize["code_challenge"]
    assert "client_secret" not in token_request
    session = stored_session(auth_page)
    assert session and isinstance(session["access_token"], str)
    assert auth_page.evaluate("localStorage.length") == 0

    auth_page.get_by_role("button", name="New student").click()
    dialog = auth_page.get_by_role("dialog", name="New student")
    dialog.get_by_label("Full name").fill(f"Grace Hopper {unique}")
    dialog.get_by_label("Email").fill(f"grace.{unique}@example.edu")
    dialog.get_by_role("button", name="Create student").click()
    expect(auth_page.get_by_role("heading", level=1)).to_have_text(f"Grace Hopper {unique}")
    expect(auth_page.get_by_role("button", name="Edit")).to_be_visible()
    expect(account).to_contain_text(f"grace-{unique}@university.example")


def test_reader_sees_records_but_no_write_actions(
    auth_page: Page, auth_app: AuthApp, unique: str
) -> None:
    student = create_student(auth_app, f"Ada Reader {unique}", f"ada.{unique}@example.edu")
    code = f"{unique.upper()}101"
    course = create(auth_app, "courses", {"code": code, "title": "Logic", "credits": 5})
    enrollment = {"student_id": student["id"], "course_id": course["id"], "term": "2025-FALL"}
    create(auth_app, "enrollments", {**enrollment, "grade": "A"})

    sign_in(auth_page, f"reader-{unique}", staff=False, start=f"/#/students?q=ada.{unique}")

    expect(auth_page.locator("#account")).to_contain_text("Read only")
    expect(auth_page.get_by_role("link", name=f"Ada Reader {unique}")).to_be_visible()
    expect(auth_page.get_by_role("button", name="New student")).to_have_count(0)
    expect(auth_page.get_by_role("button", name="Import")).to_have_count(0)
    auth_page.get_by_role("link", name=f"Ada Reader {unique}").click()
    expect(auth_page).to_have_url(re.compile(f"#/students/{student['id']}$"))
    expect(auth_page.get_by_role("heading", level=1)).to_have_text(f"Ada Reader {unique}")
    expect(auth_page.get_by_text(f"{code} · Logic")).to_be_visible()
    expect(auth_page.get_by_text("Grade A")).to_be_visible()
    expect(auth_page.get_by_label("Grade")).to_have_count(0)
    expect(auth_page.get_by_role("button", name=re.compile("Remove enrollment"))).to_have_count(0)
    expect(auth_page.get_by_role("button", name="Edit")).to_have_count(0)
    expect(auth_page.get_by_role("button", name="Delete")).to_have_count(0)
    expect(auth_page.get_by_role("heading", name="Enroll in a course")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    auth_page.screenshot(path=SHOTS / "reader-student-desktop.png", full_page=True)


def test_write_the_api_refuses_says_only_staff_can_change_records(
    auth_page: Page, unique: str
) -> None:
    # The page and the API disagree about who is staff (say the frontend was told
    # of another staff claim): the page offers the write, the API answers 403.
    def claim_username_is_staff(route: Route) -> None:
        config = route.fetch().json()
        route.fulfill(json={**config, "staff_claim": "username", "staff_value": f"eve-{unique}"})

    auth_page.route("**/api/auth/config", claim_username_is_staff)
    sign_in(auth_page, f"eve-{unique}", staff=False)
    expect(auth_page.locator("#account")).to_contain_text("Staff")

    auth_page.get_by_role("button", name="New student").click()
    dialog = auth_page.get_by_role("dialog", name="New student")
    dialog.get_by_label("Full name").fill(f"Eve {unique}")
    dialog.get_by_label("Email").fill(f"eve.{unique}@example.edu")
    dialog.get_by_role("button", name="Create student").click()

    expect(dialog.get_by_role("alert")).to_have_text("Only staff can change records.")
    expect(dialog).to_be_visible()  # still signed in: a 403 is not a 401


def test_sign_out_ends_the_session_at_the_provider_too(
    auth_page: Page, auth_app: AuthApp, unique: str
) -> None:
    sign_in(auth_page, f"olive-{unique}", staff=True)
    expect(auth_page.get_by_role("heading", level=1)).to_have_text("Students")

    auth_page.get_by_role("button", name="Sign out").click()

    expect(auth_page.get_by_role("heading", level=1)).to_have_text(SIGN_IN_HEADING)
    expect(auth_page.get_by_role("alert")).to_have_text("You are signed out.")
    expect(auth_page.locator("#account")).to_be_hidden()
    assert stored_session(auth_page) is None
    assert auth_app.client.logouts[-1] == {
        "client_id": CLIENT_ID,
        "logout_uri": f"{auth_app.base_url}/",
    }
    auth_page.goto("/#/courses")
    auth_page.reload()
    expect(auth_page.get_by_role("heading", level=1)).to_have_text(SIGN_IN_HEADING)


@pytest.mark.parametrize("damage", ["tampered", "expired", "expired-locally"])
def test_invalid_or_expired_token_goes_back_to_sign_in_with_a_message(
    auth_page: Page, auth_app: AuthApp, unique: str, damage: str
) -> None:
    sign_in(auth_page, f"tom-{unique}", staff=True)
    expect(auth_page.get_by_role("heading", level=1)).to_have_text("Students")
    session = stored_session(auth_page)
    assert session is not None
    token = str(session["access_token"])
    if damage == "tampered":
        header, payload, signature = token.split(".")
        session["access_token"] = f"{header}.{payload}.{signature[::-1]}"
    elif damage == "expired":  # the API finds out: exp is in the past
        session["access_token"] = auth_app.issuer.token(
            None, ttl=-120, client_id=CLIENT_ID, token_use="access", **{STAFF_CLAIM: ["staff"]}
        )
    else:  # the page finds out before asking the API
        session["expires_at"] = 0
    auth_page.evaluate("s => sessionStorage.setItem('auth.session', s)", json.dumps(session))

    auth_page.reload()

    expect(auth_page.get_by_role("heading", level=1)).to_have_text(SIGN_IN_HEADING)
    expect(auth_page.get_by_role("alert")).to_contain_text(ENDED)
    expect(auth_page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(auth_page.locator("#account")).to_be_hidden()
    assert stored_session(auth_page) is None
    if damage == "tampered":
        SHOTS.mkdir(parents=True, exist_ok=True)
        auth_page.screenshot(path=SHOTS / "session-ended-desktop.png", full_page=True)


def test_token_request_with_a_wrong_code_verifier_is_refused(
    auth_page: Page, auth_app: AuthApp, unique: str
) -> None:
    def swap_verifier(route: Route) -> None:
        form = {k: v[0] for k, v in parse_qs(route.request.post_data or "").items()}
        form["code_verifier"] = "x" * 43  # well formed, but not the one behind the challenge
        route.continue_(post_data=urlencode(form))

    auth_page.route(f"{auth_app.issuer.url}/token", swap_verifier)
    errors_before = len(auth_app.client.token_errors)
    auth_page.goto("/#/students")
    auth_page.get_by_role("button", name="Sign in").click()
    auth_page.get_by_label("Username").fill(f"mallory-{unique}")
    auth_page.get_by_role("button", name="Sign in").click()

    expect(auth_page.get_by_role("heading", level=1)).to_have_text(SIGN_IN_HEADING)
    expect(auth_page.get_by_role("alert")).to_contain_text(
        "the code_verifier does not match the code_challenge"
    )
    assert auth_app.client.token_errors[errors_before:] == [
        "the code_verifier does not match the code_challenge"
    ]
    assert stored_session(auth_page) is None
    expect(auth_page).to_have_url(f"{auth_app.base_url}/#/students")


def test_a_code_with_a_state_this_page_did_not_send_is_not_used(
    auth_page: Page, auth_app: AuthApp
) -> None:
    requests_before = len(auth_app.client.token_requests)
    auth_page.goto("/?code=stolen&state=forged#/students")

    expect(auth_page.get_by_role("alert")).to_contain_text("state did not match")
    assert len(auth_app.client.token_requests) == requests_before
    expect(auth_page).to_have_url(f"{auth_app.base_url}/#/students")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots_of_signed_in_header(
    auth_page: Page, auth_app: AuthApp, unique: str, viewport: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    auth_page.set_viewport_size(VIEWPORTS[viewport])
    create_student(auth_app, f"Margaret Hamilton {unique}", f"margaret.{unique}@example.edu")
    auth_page.goto("/#/students")
    expect(auth_page.get_by_role("heading", level=1)).to_have_text(SIGN_IN_HEADING)
    auth_page.screenshot(path=SHOTS / f"signed-out-{viewport}.png", full_page=True)

    start = f"/#/students?q=margaret.{unique}"
    sign_in(auth_page, "katherine.johnson-longname", staff=True, start=start)
    expect(auth_page.locator(".skeleton")).to_have_count(0)
    auth_page.screenshot(path=SHOTS / f"signed-in-{viewport}.png", full_page=True)
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    assert auth_page.evaluate(fits), f"the signed-in page is wider than the {viewport} screen"
    header = auth_page.locator(".topbar").bounding_box()
    assert header is not None and header["height"] < 130, header


def import_students(page: Page, tmp_path: Path, unique: str) -> Locator:
    file = tmp_path / "students.csv"
    file.write_text(f"name,email\nMary Jackson {unique},mary.{unique}@example.edu\n")
    page.get_by_role("button", name="Import").click()
    dialog = page.get_by_role("dialog", name="Import from a CSV file")
    dialog.get_by_label("CSV file").set_input_files(file)
    dialog.get_by_role("button", name="Import", exact=True).click()
    return dialog


def test_staff_imports_a_file_with_their_token_on_every_request_to_the_api(
    auth_page: Page, unique: str, tmp_path: Path
) -> None:
    import_requests: list[tuple[str, str | None]] = []
    auth_page.on(
        "request",
        lambda r: (
            import_requests.append((r.method, r.headers.get("authorization")))
            if "/api/imports" in r.url
            else None
        ),
    )
    sign_in(auth_page, f"dorothy-{unique}", staff=True, start=f"/#/students?q=mary.{unique}")

    dialog = import_students(auth_page, tmp_path, unique)

    expect(dialog.get_by_role("heading", name="Import finished")).to_be_visible(timeout=60_000)
    expect(dialog.get_by_role("status")).to_have_text(
        "Import finished: 1 student imported, 0 rows failed."
    )
    methods = [method for method, _ in import_requests]
    assert methods[:2] == ["POST", "PUT"] and set(methods[2:]) == {"GET"}, methods
    session = stored_session(auth_page)
    assert session is not None
    token = session["access_token"]
    assert {authorization for _, authorization in import_requests} == {f"Bearer {token}"}
    dialog.locator(".form-actions").get_by_role("button", name="Close").click()
    expect(auth_page.get_by_role("link", name=f"Mary Jackson {unique}")).to_be_visible()


def test_an_upload_url_on_another_origin_gets_the_file_but_never_the_token(
    auth_page: Page, auth_app: AuthApp, unique: str, tmp_path: Path
) -> None:
    # As on AWS: POST /api/imports answers with a presigned URL on another origin (here
    # the stand-in issuer's, which the test answers itself, as S3 would).
    storage = f"{auth_app.issuer.url}/bucket/imports/{unique}.csv?X-Amz-Signature=abc"
    uploads: list[Request] = []

    def presigned(route: Route) -> None:
        reply = route.fetch()
        body = reply.json()
        body["upload"] = {"method": "PUT", "url": storage, "headers": {"Content-Type": "text/csv"}}
        route.fulfill(response=reply, json=body)

    def bucket(route: Route) -> None:
        uploads.append(route.request)
        route.fulfill(status=200, headers={"Access-Control-Allow-Origin": auth_app.base_url})

    auth_page.route("**/api/imports", presigned)
    auth_page.route(f"{auth_app.issuer.url}/bucket/**", bucket)
    sign_in(auth_page, f"katherine-{unique}", staff=True)

    dialog = import_students(auth_page, tmp_path, unique)

    # The page follows the import once the upload succeeded (the API, which never got
    # the file, keeps it waiting).
    expect(dialog.get_by_role("progressbar")).to_be_visible()
    (upload,) = uploads
    assert upload.method == "PUT"
    assert upload.headers["content-type"] == "text/csv"
    assert "authorization" not in {name.lower() for name in upload.all_headers()}
    assert upload.post_data == f"name,email\nMary Jackson {unique},mary.{unique}@example.edu\n"

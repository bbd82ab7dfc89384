"""netlify.toml resolves through @netlify/config, and its build writes the API proxy rule
and the Content-Security-Policy that lets the page upload to the import bucket.

Each test works on a copy of netlify.toml and public/ in a temporary directory, so a
rule written by the build never lands in the real public/.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from api_core.site_headers import HEADERS
from tests.deploy.conftest import Deploys
from tests.deploy.tools import NETLIFY_CONFIG, ROOT, require, run, tool_env

pytestmark = pytest.mark.deploy

API_ORIGIN = "https://abc123defg.execute-api.eu-west-1.amazonaws.com"
BUILD_VARIABLES = ("API_ORIGIN", "IMPORT_BUCKET_ORIGIN", "SIGN_IN_ORIGIN")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "netlify.toml", tmp_path)
    shutil.copytree(
        ROOT / "public",
        tmp_path / "public",
        ignore=shutil.ignore_patterns("_redirects", "_headers"),
    )
    # The build runs python3 -m api_core.site_headers from the repository root.
    shutil.copytree(
        ROOT / "api_core", tmp_path / "api_core", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def resolve(site: Path) -> tuple[dict[str, Any], str]:
    """The resolved configuration, and whatever @netlify/config warned about."""
    result = run(
        [require(NETLIFY_CONFIG), "--offline", "--stable", "--repositoryRoot", site, "--cwd", site],
        cwd=site,
    )
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.replace("\u200b", "").strip()
    config: dict[str, Any] = json.loads(result.stdout)["config"]
    return config, warnings


def netlify_build(site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the build command as Netlify does: `bash -c` in the base directory."""
    config, _ = resolve(site)
    base_env = {k: v for k, v in tool_env().items() if k not in BUILD_VARIABLES}
    return run(["bash", "-c", config["build"]["command"]], cwd=site, env={**base_env, **env})


def test_netlify_toml_resolves_without_warnings(site: Path) -> None:
    config, warnings = resolve(site)
    assert warnings == ""
    assert config["build"]["publish"] == str(site / "public")
    assert config["redirects"] == []


def test_netlify_dev_fronts_local_uvicorn(site: Path) -> None:
    config, _ = resolve(site)
    makefile = (ROOT / "Makefile").read_text()
    assert config["dev"]["framework"] == "#custom"
    assert config["dev"]["command"] == "make run"
    assert f"PORT ?= {config['dev']['targetPort']}\n" in makefile


def bucket_origin(deploy: Deploys) -> str:
    """The ImportBucketOrigin a default deploy outputs, for an example stack."""
    origin = deploy()["Outputs"]["ImportBucketOrigin"]["Value"]["Fn::Sub"]
    return str(
        origin.replace("${ImportBucket}", "student-imports-5f2b1c3a-0d4e-11ef-9c1a-0a1b2c3d4e5f")
        .replace("${AWS::Region}", "eu-west-1")
        .replace("${AWS::URLSuffix}", "amazonaws.com")
    )


def sign_in_origin(deploy: Deploys) -> str:
    """The SignInOrigin a default deploy outputs, for an example stack."""
    origin = deploy()["Outputs"]["SignInOrigin"]["Value"]["Fn::Sub"]
    return str(
        origin.replace("${UserPoolDomain}", "student-records-1a2b3c4d").replace(
            "${AWS::Region}", "eu-west-1"
        )
    )


def every_variable(deploy: Deploys) -> dict[str, str]:
    return {
        "API_ORIGIN": API_ORIGIN,
        "IMPORT_BUCKET_ORIGIN": bucket_origin(deploy),
        "SIGN_IN_ORIGIN": sign_in_origin(deploy),
    }


def built_site(site: Path, deploy: Deploys) -> dict[str, Any]:
    """The configuration Netlify serves after a build with every variable set."""
    result = netlify_build(site, **every_variable(deploy))
    assert result.returncode == 0, result.stderr
    config, warnings = resolve(site)
    assert warnings == ""
    return config


def served_headers(config: dict[str, Any]) -> dict[str, str]:
    """Every header Netlify adds to /index.html, from netlify.toml and _headers."""
    values: dict[str, str] = {}
    for rule in config["headers"]:
        if rule["for"] == "/*":
            for name, value in rule["values"].items():
                assert name not in values, f"{name} is set twice: netlify.toml would win"
                values[name] = value
    return values


def test_netlify_headers_secure_and_revalidate_the_static_files(
    site: Path, deploy: Deploys
) -> None:
    config, _ = resolve(site)
    # netlify.toml would override what the build writes, so it sets no header.
    assert config["headers"] == []
    values = served_headers(built_site(site, deploy))
    # The same headers uvicorn sends (api_core/site_headers.py), plus Netlify's own.
    assert {name: values[name] for name in HEADERS} == HEADERS
    assert values["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in values["Content-Security-Policy"]
    assert {"Referrer-Policy", "Strict-Transport-Security", "X-Frame-Options"} <= set(values)
    assert "must-revalidate" in values["Cache-Control"]


def test_public_html_needs_nothing_the_content_security_policy_blocks() -> None:
    # script-src and style-src 'self' refuse inline scripts, styles and handlers.
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    pages = sorted((ROOT / "public").rglob("*.html"))
    assert pages
    assert {page.name: inline.findall(page.read_text()) for page in pages} == {
        page.name: [] for page in pages
    }


def csp_sources(policy: str, directive: str) -> list[str]:
    for part in policy.split(";"):
        name, *sources = part.split()
        if name == directive:
            return sources
    raise AssertionError(f"{directive} missing from {policy}")


def allows(sources: list[str], url: str) -> bool:
    """Whether a CSP source list lets the page fetch `url` (scheme and host sources)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    for source in sources:
        if source == "*" or source == f"{scheme}:":
            return True
        source_scheme, _, source_host = source.partition("://")
        if source_scheme != scheme:
            continue
        if source_host.startswith("*."):
            if host.endswith(source_host[1:]):
                return True
        elif source_host == host:
            return True
    return False


def test_netlify_csp_lets_the_page_fetch_tokens_from_the_hosted_sign_in_domain(
    site: Path, deploy: Deploys
) -> None:
    policy = served_headers(built_site(site, deploy))["Content-Security-Policy"]
    token_url = deploy()["Resources"]["HealthFunction"]["Properties"]["Environment"]["Variables"][
        "AUTH_TOKEN_URL"
    ]["Fn::Sub"]
    example = token_url.replace("${UserPoolDomain}", "student-records-1a2b3c4d").replace(
        "${AWS::Region}", "eu-west-1"
    )
    connect = csp_sources(policy, "connect-src")
    assert allows(connect, example), (example, connect)
    # Only that: not another Cognito tenant, not any https origin, and still no
    # third-party scripts or forms.
    assert not allows(connect, "https://attacker.auth.eu-west-1.amazoncognito.com/oauth2/token")
    assert not allows(connect, "https://collector.example.org/")
    assert csp_sources(policy, "script-src") == ["'self'"]
    assert csp_sources(policy, "form-action") == ["'self'"]


def test_netlify_csp_lets_the_page_put_files_to_exactly_the_import_bucket(
    site: Path, deploy: Deploys
) -> None:
    policy = served_headers(built_site(site, deploy))["Content-Security-Policy"]
    connect = csp_sources(policy, "connect-src")
    upload = f"{bucket_origin(deploy)}/imports/0123456789abcdef01234567/students.csv"

    assert allows(connect, upload), (upload, connect)
    assert not allows(connect, "https://another-bucket.s3.eu-west-1.amazonaws.com/x.csv")
    assert not allows(connect, "https://s3.eu-west-1.amazonaws.com/another-bucket/x.csv")
    assert [s for s in connect if "amazonaws.com" in s] == [bucket_origin(deploy)]


@pytest.mark.parametrize("origin", [API_ORIGIN, API_ORIGIN + "/"])
def test_netlify_build_writes_the_api_proxy_rule(site: Path, deploy: Deploys, origin: str) -> None:
    result = netlify_build(site, **{**every_variable(deploy), "API_ORIGIN": origin})
    assert result.returncode == 0, result.stderr
    config, warnings = resolve(site)
    assert warnings == ""
    assert [
        {key: rule[key] for key in ("from", "to", "status", "force")}
        for rule in config["redirects"]
    ] == [{"from": "/api/*", "to": f"{API_ORIGIN}/api/:splat", "status": 200, "force": False}]


@pytest.mark.parametrize("origin", [None, "", "abc123defg.execute-api.eu-west-1.amazonaws.com"])
def test_netlify_build_without_an_api_origin_fails_with_a_clear_message(
    site: Path, deploy: Deploys, origin: str | None
) -> None:
    env = {k: v for k, v in every_variable(deploy).items() if k != "API_ORIGIN"}
    result = netlify_build(site, **env, **({} if origin is None else {"API_ORIGIN": origin}))
    assert result.returncode != 0
    assert "API_ORIGIN must be the API's origin" in result.stderr
    assert not (site / "public" / "_redirects").exists()


@pytest.mark.parametrize(
    "bucket",
    [
        None,
        "",
        "student-imports-1a2b.s3.eu-west-1.amazonaws.com",
        "https://student-imports-1a2b.s3.eu-west-1.amazonaws.com/imports",
        "https://x.s3.eu-west-1.amazonaws.com; script-src *",
    ],
)
def test_netlify_build_without_the_import_bucket_origin_fails_with_a_clear_message(
    site: Path, deploy: Deploys, bucket: str | None
) -> None:
    env = {k: v for k, v in every_variable(deploy).items() if k != "IMPORT_BUCKET_ORIGIN"}
    env.update({} if bucket is None else {"IMPORT_BUCKET_ORIGIN": bucket})
    result = netlify_build(site, **env)
    assert result.returncode != 0
    assert "IMPORT_BUCKET_ORIGIN must be the import bucket's origin" in result.stderr
    assert not (site / "public" / "_headers").exists()
    assert not (site / "public" / "_redirects").exists()


@pytest.mark.parametrize("name", BUILD_VARIABLES)
def test_netlify_build_refuses_a_plain_http_origin(site: Path, deploy: Deploys, name: str) -> None:
    insecure = every_variable(deploy)[name].replace("https://", "http://")

    result = netlify_build(site, **{**every_variable(deploy), name: insecure})

    assert result.returncode != 0
    assert f"{name} must use https" in result.stderr
    assert not (site / "public" / "_redirects").exists()


def test_netlify_build_needs_the_sign_in_origin_or_an_explicit_none(
    site: Path, deploy: Deploys
) -> None:
    without = {k: v for k, v in every_variable(deploy).items() if k != "SIGN_IN_ORIGIN"}

    missing = netlify_build(site, **without)
    assert missing.returncode != 0 and "SIGN_IN_ORIGIN must be" in missing.stderr

    open_api = netlify_build(site, **without, SIGN_IN_ORIGIN="none")
    assert open_api.returncode == 0, open_api.stderr
    policy = served_headers(resolve(site)[0])["Content-Security-Policy"]
    assert csp_sources(policy, "connect-src") == ["'self'", bucket_origin(deploy)]

"""/api/docs works offline: every file it loads is served by the app itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_the_docs_page_loads_only_files_from_this_origin_and_runs_no_inline_script(
    client: TestClient,
) -> None:
    page = client.get("/api/docs")

    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/api/docs/") for source in sources)
    assert "<script>" not in page.text  # every script has a src: no inline code for CSP
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 100, source
    assert "SwaggerUIBundle" in client.get("/api/docs/assets/swagger-ui-bundle.js").text
    assert client.get("/api/openapi.json").json()["paths"]

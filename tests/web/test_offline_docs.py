"""/docs and /redoc load only from the package (hospital networks often have no internet), and
/api/sources shows where snapshots came from without this machine's folders."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_reference_only_local_assets(client, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/static/vendor/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.text.lower() and "fonts.googleapis" not in page.text


def test_sources_show_no_server_paths(client) -> None:
    body = client.get("/api/sources").json()
    sources = [s["source"] for s in body["registry_snapshots"]]
    assert sources and all("/" not in s and "\\" not in s for s in sources), sources
    assert "cart-oncology-2026-08-22.jsonl.gz" in sources

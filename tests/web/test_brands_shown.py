"""A product approved in a country where no source names its brand shows the brand it carries
elsewhere, marked as such, never an empty cell: Carvykti and Breyanzi in Japan were blank (their
Japanese approvals, in approvals.csv, name them: Legend Biotech's Form 6-K and Bristol-Myers
Squibb K.K.'s release; now JP brands), and Tecartus, Abecma or Breyanzi in Canada still have no
source for a Canadian brand. Recomputed from products.csv and approvals.csv by a plain route and
read on the CLI (``products``), the API (``/api/approvals``), the dashboard (products page,
approvals answer) and the report's approvals table."""

from __future__ import annotations

import html
import json

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import approvals as approvals_section
from cartatlas.store import open_store
from tests.golden import plain

EEA_FALLBACK = {"DE", "FR", "IT", "ES", "NL", "BE", "AT", "SE", "NO", "IS", "LI", "DK", "FI"}


def _brand(product_id: str, country: str) -> str:
    [row] = [r for r in plain.rows("products") if r["product_id"] == product_id]
    named = [b.split(":", 1) for b in row["brands"].split("|") if b]
    local = dict((c, n) for c, n in reversed(named))
    if country in local:
        return local[country]
    if country in EEA_FALLBACK and "EU" in local:
        return local["EU"]
    names = [n for _, n in named]
    top = max(names, key=names.count)
    return f"{top} — brand elsewhere, none recorded for {country}"


CASES = [
    ("JP", "ciltacabtagene-autoleucel", "Carvykti"),
    ("JP", "lisocabtagene-maraleucel", "Breyanzi"),
    ("CA", "brexucabtagene-autoleucel", "Tecartus — brand elsewhere, none recorded for CA"),
]


@pytest.mark.parametrize(("country", "product", "said"), CASES)
def test_the_brand_is_never_blank_on_every_surface(
    country, product, said, evidence_store, evidence_client
):
    assert any(
        r["product_id"] == product and r["country"] == country for r in plain.rows("approvals")
    )
    assert _brand(product, country) == said
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "products", "--country", country, "--format", "json"]
    )
    cli = {r["brand"] for r in json.loads(result.stdout) if r["product"] == product}
    assert cli == {said}
    api = evidence_client.get("/api/approvals", params={"country": country}).json()
    assert {r["brand"] for r in api["items"] if r["product_id"] == product} == {said}
    page = html.unescape(evidence_client.get("/products").text)
    assert f"({said})" in page
    with open_store(evidence_store, read_only=True) as store:
        section = approvals_section.build(ReportContext(store, [country, "US"]))
    [table] = [b.data for b in section.blocks if getattr(b, "slug", "") == "approvals-timeline"]
    brands = {r[3] for r in table.rows if r[0] == country and r[2] == product}
    assert brands == {said}


def test_no_approved_product_prints_an_empty_brand(evidence_client):
    for country in sorted({r["country"] for r in plain.rows("approvals")} - {"EU"}):
        api = evidence_client.get("/api/approvals", params={"country": country}).json()
        for row in api["items"]:
            has_brand = any(
                r["brands"] for r in plain.rows("products") if r["product_id"] == row["product_id"]
            )
            assert row["brand"] or not has_brand, (country, row["product_id"])

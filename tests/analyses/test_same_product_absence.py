"""A country without a rate of the product says why, on the CLI and the API: axi-cel's only
Chinese LBCL study (AxiCel-RW-China) is read on a secondary page, and `same-product` printed a
bare "no data" for CN, as if China had no axi-cel cohort. Recomputed from studies.csv and
outcomes.csv: every CN axi-cel LBCL CR row is on a secondary page."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.articles.surfaces import rows

AXI = "axicabtagene-ciloleucel"


def test_axi_cel_cn_lbcl_cr_is_known_only_from_secondary_pages():
    cn = {
        r["study_id"]
        for r in rows("studies.csv")
        if r["product_id"] == AXI and r["country_of_conduct"] == "CN" and r["indication"] == "LBCL"
    }
    kinds = {r["source_kind"] for r in rows("outcomes.csv") if r["study_id"] in cn}
    assert cn and kinds == {"secondary"}


def test_same_product_says_why_a_country_has_no_rate(evidence_store, evidence_client):
    result = CliRunner().invoke(
        app,
        ["--db", evidence_store, "same-product", "--product", AXI, "--countries", "US", "CN"]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    cn = {(r["indication"], r["endpoint"]): r["rate_%"] for r in records if r["country"] == "CN"}
    assert cn[("LBCL", "CR")] == "no data (only secondary sources)"
    assert all(v.startswith(("no data (", "not pooled")) for v in cn.values()), cn
    api = evidence_client.get(
        "/api/meta/same-product", params={"product": AXI, "countries": ["US", "CN"]}
    ).json()
    [cr] = [c for c in api["comparisons"] if (c["indication"], c["endpoint"]) == ("LBCL", "CR")]
    assert cr["absent_reasons"] == {"CN": "no data (only secondary sources)"}

"""Readers see words, not stored codes: the approvals lag names "children and young adults",
not "pediatric-young-adult"; regulatory actions read "REMS change", not "rems change"; a cohort
left out of a pool "reports MRD-negative CR", not "MRD_neg_CR" — in the report and on the
dashboard (the JSON API keeps the codes)."""

from __future__ import annotations

import re

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import approvals, rules_and_payers, success
from cartatlas.store import open_store

RAW = re.compile(
    r"pediatric-young-adult|adult\+pediatric|\brems\b|MRD_neg_CR|VGPR_plus|CR_CRi"
    r"|\w+\.csv"  # "(studies.csv population_group)": a curator's field, not a reader's word
)


def _text(section) -> str:
    cells = [str(c) for b in section.blocks for row in getattr(b, "rows", []) for c in row]
    words = [getattr(b, "text", "") + getattr(b, "note", "") for b in section.blocks]
    return " ".join([section.answer, *words, *cells, *section.caveats])


def test_report_sections_print_words_for_codes(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        texts = {
            "approvals": _text(approvals.build(ctx)),
            "regulatory": _text(rules_and_payers.regulatory(ctx)),
            "success": _text(success.build(ctx)),
        }
        raw_population = store.frame(
            "SELECT count(*) AS n FROM evidence_approvals "
            "WHERE population = 'pediatric-young-adult'"
        )["n"][0]
    assert raw_population  # the evidence does hold the code the text must not show
    for name, text in texts.items():
        assert not RAW.findall(text), (name, RAW.findall(text)[:5])
    assert "children and young adults in US" in texts["approvals"]
    assert "REMS removal" in texts["regulatory"]
    assert "reports MRD-negative CR" in texts["success"]


def test_dashboard_overview_prints_words_for_codes(evidence_client):
    page = evidence_client.get("/?a=CN&b=US").text
    assert not RAW.findall(page), RAW.findall(page)[:5]
    assert "children and young adults in US" in page


def test_an_approval_outside_the_listed_indications_says_what_it_covers(evidence_store):
    """India's NexCAR19 is stored under the indication bucket "other": the answer read
    "Approved in IN only (no approval recorded in CN): CD19 other."."""
    import csv
    from pathlib import Path

    data = Path(approvals.__file__).parents[2] / "evidence" / "data" / "approvals.csv"
    with data.open(encoding="utf-8") as f:
        said = {
            r["indication_label"]
            for r in csv.DictReader(f)
            if r["country"] == "IN" and r["indication"] == "other"
        }
    assert len(said) == 1
    with open_store(evidence_store, read_only=True) as store:
        section = approvals.build(ReportContext(store, ["IN", "CN"]))
    text = _text(section)
    assert f"CD19 other indication ({said.pop()})" in section.answer
    assert "CD19 other." not in text and "CD19 other," not in text
    tables = [getattr(b, "data", None) or b for b in section.blocks]  # a figure's table too
    table = next(t for t in tables if getattr(t, "title", "").startswith("Approvals ("))
    column = table.columns.index("indication")
    assert all(row[column] != "other" for row in table.rows)


def test_claims_scope_prints_words_for_codes(evidence_store):
    """The claims table's "scope checked" read "(list, WAC, insurance_negotiated)",
    "(total_cost_of_care)" and "CRS, any grade (CRS_any)"."""
    from cartatlas.analyses.claims import EXAMPLE, load_claims
    from cartatlas.report.sections import claims

    with open_store(evidence_store, read_only=True) as store:
        section = claims.build(ReportContext(store, ["CN", "US"]), load_claims(EXAMPLE))
    table = next(b for b in section.blocks if "scope checked" in getattr(b, "columns", []))
    scopes = [row[table.columns.index("scope checked")] for row in table.rows]
    assert scopes
    snake = [s for s in scopes if re.search(r"[A-Za-z]+_[a-z]+", s)]
    assert not snake, snake
    assert any("(list, WAC, insurance-negotiated)" in s for s in scopes)


def test_the_approval_rule_is_said_once(evidence_store, evidence_client):
    """The approvals caveat and the product page read "One row per approval: one row per
    approval (product × agency × …)"."""
    with open_store(evidence_store, read_only=True) as store:
        section = approvals.build(ReportContext(store, ["CN", "US"]))
    page = evidence_client.get("/products/axicabtagene-ciloleucel").text
    for text in (_text(section), page):
        said = text.lower().count("one row per approval")
        assert said >= 1 and "one row per approval: one row per approval" not in text.lower()
    assert "One row per approval (product" in page


def test_product_page_reads_brands_and_missing_dates_in_words(evidence_client):
    """The product page showed its stored brand list ("US:Yescarta, CN:Yikaida (奕凯达)") and a
    bare "no data" where the source gives no approval date."""
    import csv
    import html
    from pathlib import Path

    data = Path(approvals.__file__).parents[2] / "evidence" / "data" / "products.csv"
    with data.open(encoding="utf-8") as f:
        brands = next(
            r["brands"] for r in csv.DictReader(f) if r["product_id"] == "axicabtagene-ciloleucel"
        )
    page = html.unescape(evidence_client.get("/products/axicabtagene-ciloleucel").text)
    for pair in brands.split("|"):
        country, brand = pair.split(":", 1)
        assert f"{country}: {brand}" in page and pair not in page, pair
    assert "<td>no data</td>" not in page
    assert "no data (the source gives no date)" in page

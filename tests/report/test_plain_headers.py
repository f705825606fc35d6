"""Report tables and caveats speak to readers, not to the code: no column is headed by a stored
field name ("start_year", "product_ids") and the cost caveat no longer says "fx_year and
ppp_year name the years used"."""

from __future__ import annotations

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost, registry_views
from cartatlas.store import open_store


def test_no_field_names_in_headers_or_caveats(full_store):
    with open_store(full_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        sections = [
            registry_views.types(ctx),
            registry_views.outlook(ctx),
            cost.build(ctx),
        ]
    tables = [b for s in sections for b in s.blocks if hasattr(b, "columns")]
    titles = {t.title: t.columns for t in tables}
    assert "which products" in titles["Approved products by target"]
    assert "start year" in titles["Yearly shares"]
    assert not [(t.title, c) for t in tables for c in t.columns if "_" in c]
    caveats = " ".join(c for s in sections for c in s.caveats)
    assert "fx_year" not in caveats and "ppp_year" not in caveats
    assert "'(2024 rate)' or '(2024 PPP)'" in caveats


def test_every_endpoint_code_in_a_rates_table_is_explained_beside_it(evidence_store):
    from cartatlas.report.sections import success

    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, ["CN", "US"]))
    tables = [b for b in section.blocks if getattr(b, "title", "").startswith("Rates by country")]
    assert tables
    for table in tables:
        for code in {row[1] for row in table.rows}:
            for part in code.split("/"):  # CR/CRi: both parts
                assert f"{part}: " in table.note or f"{part} (" in table.note, (code, table.note)

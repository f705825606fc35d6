"""A trial whose approval in a country is recorded without a date says so, rather than "no DE
approval for B-ALL dates the trial", which read as "Tecartus is not approved for B-ALL in
Germany" (the EMA approved it; the date is what is not recorded). The approvals rows are read
from approvals.csv with the csv module; the reason is asserted on the analysis, the CLI, the
JSON API, the report's table, its Markdown and the dashboard's cost page."""

from __future__ import annotations

import math

from cartatlas.analyses.responder_cost import cost_per_responder
from cartatlas.store import open_store
from tests.golden import plain
from tests.report.cost_surfaces import cost_surfaces, per_responder_records

PAIR = ("DE", "US")
REASON = (
    "no data (the DE approval for B-ALL is recorded without a date, so no price era can be chosen)"
)


def test_the_hand_route_finds_tecartus_eu_b_all_approval_undated():
    rows = [
        a
        for a in plain.rows("approvals")
        if (a["product_id"], a["country"], a["indication"])
        == ("brexucabtagene-autoleucel", "EU", "B-ALL")
    ]
    assert rows and not any(a["approval_date"] for a in rows)


def test_every_surface_says_the_date_is_missing(evidence_store, evidence_client, tmp_path):
    for rows in per_responder_records(evidence_store, evidence_client, PAIR):
        [row] = [r for r in rows if (r["study_id"], r["country"]) == ("ZUMA-3", "DE")]
        assert row["status"] == REASON
        assert row["cost_usd"] is None or math.isnan(row["cost_usd"])  # the frame holds NaN
    surfaces = cost_surfaces(evidence_store, evidence_client, tmp_path, PAIR)
    [row] = [r for r in surfaces.rows if r[1] == "DE" and r[3].startswith("ZUMA-3 (")]
    assert row[surfaces.cost_column] == REASON
    assert f"| {REASON} |" in surfaces.markdown
    assert REASON in surfaces.page


def test_an_approval_the_evidence_base_lacks_is_said_to_be_unrecorded(evidence_store, tmp_path):
    """Kymriah's US FL approval is not in approvals.csv (no regulator, label or company page
    found; news only, curation log): "no US approval for FL dates the trial" read as "Kymriah is
    not approved for FL in the US"."""
    recorded = [
        a
        for a in plain.rows("approvals")
        if (a["product_id"], a["country"], a["indication"]) == ("tisagenlecleucel", "US", "FL")
    ]
    assert not recorded
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, ["CN", "US"])
    [row] = [
        r for r in frame.to_dict("records") if (r["study_id"], r["country"]) == ("ELARA", "US")
    ]
    assert row["status"] == (
        "no data (no US approval for FL is recorded in the evidence base to date the trial)"
    )

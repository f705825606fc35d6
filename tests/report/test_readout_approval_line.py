"""A cost per responder dated by an approval for another line than its trial's names that
approval's line, on every surface.

ZUMA-7 is a second-line trial. No dated British second-line approval of axi-cel is recorded
(the EU's 2022 one came after Brexit), so its GB row is dated by the 2018 EU approval, which
applied in the UK and was for third line or later. The row read "none recorded by the 2018 GB
approval", and a haematologist took 2018 for an approval ZUMA-7 supported. The approval is
recomputed here from approvals.csv with the csv module (the UK's approvals up to the end of
2020 are the EU's) and asserted on the analysis, the CLI, the JSON API, the report's table, its
Markdown and the dashboard's cost page.
"""

from __future__ import annotations

import pytest

from tests.golden import plain
from tests.report.cost_surfaces import cost_surfaces, per_responder_records

PAIR = ("GB", "US")
PRODUCT, INDICATION, TRIAL_LINE = "axicabtagene-ciloleucel", "LBCL", "2L"


def _gb_approvals() -> list[dict[str, str]]:
    """Dated approvals of axi-cel in LBCL valid in GB: the MHRA's, and the EU's to 2020."""
    return [
        a
        for a in plain.rows("approvals")
        if (a["product_id"], a["indication"]) == (PRODUCT, INDICATION)
        and a["approval_date"]
        and (a["country"] == "GB" or (a["country"] == "EU" and a["approval_date"] < "2021"))
    ]


def _expected_why() -> str:
    rows = _gb_approvals()
    assert not [a for a in rows if a["line_of_therapy"] == TRIAL_LINE]
    first = min(rows, key=lambda a: a["approval_date"])
    year, line = int(first["approval_date"][:4]), first["line_of_therapy"]
    prices = [
        int(p["year"])
        for p in plain.rows("prices")
        if (p["product_id"], p["country"], p["indication"]) == (PRODUCT, "GB", INDICATION)
        and p["line_of_therapy"] in ("", TRIAL_LINE)
    ]
    later = min(prices)
    assert later > year
    gap = later - year
    return (
        f"none recorded by the {year} GB approval (for {line}): nearest later, "
        f"{gap} year{'s' if gap > 1 else ''} after it"
    )


EXPECTED = _expected_why()


def test_the_hand_route_finds_the_2018_third_line_approval():
    assert EXPECTED == (
        "none recorded by the 2018 GB approval (for 3L+): nearest later, 4 years after it"
    )


def test_analysis_cli_and_api_name_the_approvals_line(evidence_store, evidence_client):
    for rows in per_responder_records(evidence_store, evidence_client, PAIR):
        got = {(r["study_id"], r["country"]): r for r in rows}
        assert got[("ZUMA-7", "GB")]["price_choice"] == EXPECTED
        assert got[("ZUMA-7", "US")]["price_choice"] == "latest recorded by the 2022 US approval"


@pytest.fixture(scope="module")
def surfaces(evidence_store, evidence_client, tmp_path_factory):
    return cost_surfaces(evidence_store, evidence_client, tmp_path_factory.mktemp("md"), PAIR)


def test_report_markdown_and_dashboard_name_the_approvals_line(surfaces):
    surfaces.assert_why("ZUMA-7", "GB", "2022", EXPECTED)

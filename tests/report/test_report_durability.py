"""The durability, coverage and regulatory-action parts of the report, checked against the raw
CSV rows and an independent recomputation of the pooled hazard ratios."""

from __future__ import annotations

import math
import re
from urllib.parse import urlparse

import numpy as np
import pytest
from scipy import stats

from cartatlas.report.context import ReportContext
from cartatlas.report.model import Table
from cartatlas.report.sections import durability, rules_and_payers
from cartatlas.store import open_store
from tests.analyses.test_durability import _csv, _raw_trials, _reml_knapp_hartung


@pytest.fixture(scope="module")
def sections(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        return {
            "durability": durability.build(ctx),
            "coverage": rules_and_payers.coverage(ctx),
            "regulatory": rules_and_payers.regulatory(ctx),
        }


def _cells(section) -> list[list[str]]:
    return [row for block in section.blocks if isinstance(block, Table) for row in block.rows]


def test_every_car_t_survival_row_is_in_the_durability_tables(sections):
    names = {r["study_id"]: r["name"] for r in _csv("studies")}
    cells = [row for row in _cells(sections["durability"]) if len(row) == 7]
    for raw in _csv("survival"):
        if raw["arm"] != "car-t":
            continue
        value = "not reached" if raw["not_reached"] == "true" else f"{float(raw['value']):g}"
        measure = (
            f"{raw['landmark_months']}-month {raw['endpoint']}"
            if raw["statistic"] == "landmark"
            else f"median {raw['endpoint']} (months)"
        )
        assert any(
            row[1].startswith(names[raw["study_id"]])
            and row[2] == measure
            and row[3].startswith(value)
            for row in cells
        ), raw


def test_pooled_hazard_ratios_in_the_detail_match_an_independent_fit(sections):
    answer = sections["durability"].blocks[0].text  # the full statement the short answer condenses
    for indication, endpoint in (("LBCL", "EFS"), ("LBCL", "OS"), ("MM", "PFS"), ("MM", "OS")):
        trials = _raw_trials(indication, endpoint)
        assert len(trials) >= 2
        hr = np.array([float(t["hr"]) for t in trials])
        lo = np.array([float(t["ci_low"]) for t in trials])
        hi = np.array([float(t["ci_high"]) for t in trials])
        v = ((np.log(hi) - np.log(lo)) / (2 * stats.norm.ppf(0.975))) ** 2
        mu, low, high = _reml_knapp_hartung(np.log(hr), v)
        found = re.search(
            rf"{indication} {endpoint} \([^)]*\): pooled HR ([\d.]+) \(95% CI ([\d.]+)–([\d.]+)",
            answer,
        )
        assert found, answer
        assert float(found.group(1)) == pytest.approx(math.exp(mu), abs=0.006)
        assert float(found.group(2)) == pytest.approx(math.exp(low), abs=0.006)
        assert float(found.group(3)) == pytest.approx(math.exp(high), abs=0.006)
    assert "Medians are shown per study and not pooled" in " ".join(
        b.text for b in sections["durability"].blocks if hasattr(b, "text")
    )


def test_every_regulatory_action_and_coverage_row_is_shown(sections):
    actions = _cells(sections["regulatory"])
    for raw in _csv("regulatory_actions"):
        if raw["country"] not in ("CN", "US"):
            continue
        assert any(
            row[1] == raw["action_date"]
            and row[2] == raw["action"].replace("_", " ").replace("rems", "REMS")
            for row in actions
        ), raw
    coverage = _cells(sections["coverage"])
    for raw in _csv("coverage"):
        if raw["country"] not in ("CN", "US"):
            assert not any(row[0] == raw["country"] for row in coverage)  # not compared
            continue
        assert any(raw["payer"] in row[2] and row[0] == raw["country"] for row in coverage), raw
        if raw["patients_eligible"]:
            assert any(f"eligible {int(raw['patients_eligible']):,}" in row[5] for row in coverage)
    assert "not stated" in " ".join(row[5] for row in coverage)  # never a silent zero


def test_the_who_pays_lead_names_each_payer_once_and_undated_amounts_say_so(sections):
    """One mention per payer and status in the lead (two sources on Medicare Part A are one
    payer; a row counting patients treated against eligible is not a decision), and an
    out-of-pocket amount whose row has no date says its year is not stated."""
    answer = sections["coverage"].blocks[0].text  # the full statement below the short answer
    for country in ("CN", "US"):
        payers = {
            (r["payer"], r["status"])
            for r in _csv("coverage")
            if r["country"] == country and not (r["patients_treated"] and r["patients_eligible"])
        }
        for payer, status in payers:
            assert answer.count(f"{payer} {status}") == 1, payer
        names = [payer.split(" (")[0] for payer, _ in payers]  # a payer written two ways
        assert len(names) == len(set(names)), names
    cells = _cells(sections["coverage"])
    for raw in _csv("coverage"):
        if raw["country"] not in ("CN", "US") or not raw["out_of_pocket_amount"]:
            continue
        pocket = float(raw["out_of_pocket_amount"])
        amount = f"out of pocket {pocket:,.0f} {raw['out_of_pocket_currency']}"
        undated = " (year not stated)" if not raw["effective_date"] else ""
        assert any(amount + undated in row[5] for row in cells), amount


def test_the_fda_2025_rems_elimination_and_its_label_change_are_distinct_rows(sections):
    """The June 2025 REMS elimination (hospital certification, tocilizumab) and the label
    change that came with it (monitoring, driving) are one row each, with different scopes, and
    a reprint of the FDA's text is cited as the news page it is, marked as weak in the table."""
    fda_2025 = [
        r
        for r in _csv("regulatory_actions")
        if r["agency"] == "FDA" and r["action_date"].startswith("2025")
    ]
    assert sorted(r["action"] for r in fda_2025) == ["monitoring_change", "rems_removal"]
    assert len({r["scope"] for r in fda_2025}) == 2
    [rems] = [r for r in fda_2025 if r["action"] == "rems_removal"]
    host = urlparse(rems["source_url"]).hostname or ""
    on_fda = host == "fda.gov" or host.endswith(".fda.gov")
    assert on_fda or rems["source_kind"] != "regulator"
    [row] = [r for r in _cells(sections["regulatory"]) if r[2] == "REMS removal"]
    if rems["source_kind"] in ("news", "secondary"):
        assert row[-1].endswith("(weak source)")


def test_an_approval_without_a_sourced_local_brand_says_so(evidence_store):
    """cilta-cel's NMPA approval: no stored source names its brand in China, so the approvals
    table says so instead of leaving the cell empty or passing the US brand off as China's: it
    shows the brand used elsewhere, marked "brand elsewhere, none recorded for CN"."""
    from cartatlas.report.sections import approvals

    with open_store(evidence_store, read_only=True) as store:
        section = approvals.build(ReportContext(store, ["CN", "US"]))
    brands = {r["product_id"]: r["brands"] for r in _csv("products")}
    tables = [getattr(b, "data", None) or b for b in section.blocks]
    cells = [row for t in tables if isinstance(t, Table) for row in t.rows]
    rows = [r for r in cells if r[0] == "CN" and r[2] == "ciltacabtagene-autoleucel"]
    assert rows
    has_cn = any(b.startswith("CN:") for b in brands["ciltacabtagene-autoleucel"].split("|"))
    for row in rows:
        assert (row[3] == "Carvykti — brand elsewhere, none recorded for CN") != has_cn

"""Approvals: one row per approval with its alternative sources, a defined lag, no false zeros."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from cartatlas.analyses.approvals import (
    APPROVAL_KEY,
    approval_lag,
    approvals_frame,
    approved_product_counts,
    product_lag,
)
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import approvals as approvals_section
from cartatlas.store import open_store

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def _key(values) -> tuple:
    """An approval key as the CSV writes it: a missing value (None or NaN) is ''."""
    return tuple("" if v is None or v != v else v for v in values)


def _csv_keys(countries: set[str]) -> Counter:
    with (DATA / "approvals.csv").open(encoding="utf-8") as handle:
        return Counter(
            tuple(row[k] for k in APPROVAL_KEY)
            for row in csv.DictReader(handle)
            if row["country"] in countries
        )


def test_one_row_per_approval_with_alternatives_and_the_reason(evidence_store):
    """Abecma's FDA approval appeared twice (2021-03-26 and 2021-03-27)."""
    with open_store(evidence_store, read_only=True) as store:
        frame = approvals_frame(store, ["CN", "US"])
    keys = [_key(row) for row in frame[APPROVAL_KEY].values]
    assert len(keys) == len(set(keys)) == len(_csv_keys({"CN", "US"}))
    duplicated = {k for k, n in _csv_keys({"CN", "US"}).items() if n > 1}
    assert duplicated  # the evidence holds approvals described by several sources
    for row in frame.itertuples():
        key = _key(getattr(row, k) for k in APPROVAL_KEY)
        if key in duplicated:
            assert row.sources > 1 and row.alternative_sources and row.choice != "single source"
        else:
            assert row.choice == "single source"
    abecma = frame[(frame["product_id"] == "idecabtagene-vicleucel") & (frame["agency"] == "FDA")]
    first = abecma[abecma["line_of_therapy"] == "5L+"]
    assert len(first) == 1 and "2021-03-2" in first["alternative_sources"].iloc[0]


def test_lag_is_defined_and_reads_in_one_direction(evidence_store):
    """The lag table printed negative months under a "+35 months" headline."""
    with open_store(evidence_store, read_only=True) as store:
        section = approvals_section.build(ReportContext(store, ["CN", "US"]))
        frame = approvals_frame(store, ["CN", "US"])
    # each product's lag, with the definition, is said in full below the short answer
    (said,) = [b.text for b in section.blocks if getattr(b, "text", "").startswith("Same product")]
    assert "months from the first approval in US to the first approval in CN" in said
    assert "positive: CN approved later" in said
    same = product_lag(frame, "US", "CN")
    for row in same.itertuples():
        assert f"{row.product_id} {row.indication} {row.lag_months:+.0f} months" in said
    assert "Each product's lag: see Approvals." in section.answer
    lags = approval_lag(frame, "US", "CN")["lag_months"].dropna()
    assert lags.median() > 0
    stated = f"median lag {lags.median():+.0f} months over {len(lags)}"
    assert stated in section.answer
    assert f"CN first in {int((lags < 0).sum())}" in section.answer


def test_a_country_without_approval_rows_is_no_data_never_zero(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        frame = approvals_frame(store, ["CN", "MX"])
        section = approvals_section.build(ReportContext(store, ["CN", "MX"]))
    assert approved_product_counts(frame, ["CN", "MX"])["MX"] is None
    assert "no data (no approvals recorded for MX in the evidence base)" in section.answer
    assert "0 CAR-T products" not in section.answer


STRENGTH = ["regulator", "label", "journal", "hta_body", "registry", "conference_abstract"]
STRENGTH += ["company_release", "news", "secondary"]


def test_an_undated_strongest_source_takes_the_date_of_the_strongest_dated_one(evidence_store):
    """A company release that says only 'has approved' must not erase the date a weaker page
    prints: recomputed from approvals.csv, each approval's date is that of its best-ranked dated
    row (most precise first), refined by the best-ranked row whose more precise date agrees with
    it (a label's month, a news page's day), or none when no row prints one."""
    with (DATA / "approvals.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["country"] in {"CN", "US"}]
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in APPROVAL_KEY), []).append(row)
    expected = {}
    for key, group in groups.items():
        dated = [r for r in group if r["approval_date"]]
        dated.sort(key=lambda r: (STRENGTH.index(r["source_kind"]), -len(r["approval_date"])))
        best = (
            [
                r
                for r in dated
                if STRENGTH.index(r["source_kind"]) == STRENGTH.index(dated[0]["source_kind"])
                and len(r["approval_date"]) == len(dated[0]["approval_date"])
            ]
            if dated
            else []
        )
        date = min(r["approval_date"] for r in best) if best else None
        finer = [r for r in dated if date and r["approval_date"].startswith(date) and r is not best]
        finer = [r for r in finer if len(r["approval_date"]) > len(date)]
        expected[key] = finer[0]["approval_date"] if finer else date
    with open_store(evidence_store, read_only=True) as store:
        frame = approvals_frame(store, ["CN", "US"])
    undated_strongest = 0
    for row in frame.itertuples():
        key = _key(getattr(row, k) for k in APPROVAL_KEY)
        got = (
            row.approval_date if isinstance(row.approval_date, str) and row.approval_date else None
        )
        assert got == expected[key], key
        undated_strongest += "the strongest source that prints one" in row.choice
    assert undated_strongest  # e.g. relma-cel LBCL: JW Therapeutics' release prints no date

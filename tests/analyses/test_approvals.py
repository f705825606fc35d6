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
    keys = [tuple("" if v is None else v for v in row) for row in frame[APPROVAL_KEY].values]
    assert len(keys) == len(set(keys)) == len(_csv_keys({"CN", "US"}))
    duplicated = {k for k, n in _csv_keys({"CN", "US"}).items() if n > 1}
    assert duplicated  # the evidence holds approvals described by several sources
    for row in frame.itertuples():
        key = tuple("" if v is None else v for v in (getattr(row, k) for k in APPROVAL_KEY))
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
    assert "months from the first approval in US to the first approval in CN" in section.answer
    assert "positive: CN approved later" in section.answer
    same = product_lag(frame, "US", "CN")
    for row in same.itertuples():
        assert f"{row.product_id} {row.indication} {row.lag_months:+.0f} months" in section.answer
    lags = approval_lag(frame, "US", "CN")["lag_months"].dropna()
    assert lags.median() > 0
    stated = f"median lag {lags.median():+.0f} months over {len(lags)}"
    assert stated in section.answer
    assert f"CN first in {int((lags < 0).sum())}" in section.answer


def test_a_country_without_approval_rows_is_no_data_never_zero(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        frame = approvals_frame(store, ["CN", "JP"])
        section = approvals_section.build(ReportContext(store, ["CN", "JP"]))
    assert approved_product_counts(frame, ["CN", "JP"])["JP"] is None
    assert "no data (no approvals recorded for JP in the evidence base)" in section.answer
    assert "0 CAR-T products" not in section.answer

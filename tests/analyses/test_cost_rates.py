"""LATEST_RATE_RULE: prices newer than the latest recorded annual rate use that rate; older
years without a rate stay 'no data'. Recomputed from the CSV rows."""

from __future__ import annotations

import csv
import math

import pytest

from cartatlas.analyses.cost import prices_frame
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.store import open_store


def _csv(name: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_regulator_rate_wins_over_a_news_rate_of_the_same_year(evidence_store):
    """CNY 2020: the Federal Reserve's G.5A average, not a news page's (first by URL)."""
    from cartatlas.analyses.cost import exchange_rates

    rows = [r for r in _csv("exchange_rates") if (r["currency"], r["year"]) == ("CNY", "2020")]
    fed = [r for r in rows if r["source_kind"] == "regulator"]
    assert len(rows) > 1 and len(fed) == 1
    with open_store(evidence_store, read_only=True) as store:
        chosen = exchange_rates(store)
    pick = chosen[(chosen["currency"] == "CNY") & (chosen["year"] == 2020)]
    assert list(pick["per_usd"]) == [pytest.approx(float(fed[0]["per_usd"]))]
    assert list(pick["source_url"]) == [fed[0]["source_url"]]


def test_newer_prices_use_the_latest_recorded_rate(evidence_store):
    rates: dict[int, dict[str, float]] = {}
    # One rate per year: a regulator's (the Federal Reserve's) before any other, then by URL.
    for row in sorted(
        _csv("exchange_rates"), key=lambda r: (r["source_kind"] != "regulator", r["source_url"])
    ):
        if row["currency"] == "CNY":
            rates.setdefault(int(row["year"]), {"rate": float(row["per_usd"])})
    latest = max(rates)
    with open_store(evidence_store, read_only=True) as store:
        frame = prices_frame(store, ["CN"])
    cny = frame[frame["currency"] == "CNY"]
    assert len(cny) > 0
    for row in cny.itertuples():
        year = int(row.year)
        if year in rates:
            assert row.fx_year == year
            assert row.usd == pytest.approx(row.amount / rates[year]["rate"])
        elif year > latest:
            assert row.fx_year == latest
            assert row.usd == pytest.approx(row.amount / rates[latest]["rate"])
        else:
            assert math.isnan(row.usd)
    assert (cny["year"] > latest).any(), "the knowledge base has a price newer than its rates"

"""`kb coverage --prices` and the exchange-rate direction, recomputed from the CSV rows."""

from __future__ import annotations

import csv
import json

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.evidence.schema import ExchangeRate
from tests.golden import plain

runner = CliRunner()


def _csv(name: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _years(table: str, key: str) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for row in _csv(table):
        found.setdefault(row[key], set()).add(int(row["year"]))
    return found


def _shown_year(known: set[int], year: int) -> str:
    """The price's own year, the latest recorded one for a later price, or the gap."""
    if year in known:
        return str(year)
    return f"{max(known)} (latest)" if known and year > max(known) else "no data"


def test_each_price_year_names_its_rate_year_and_ppp_or_the_gap(evidence_store):
    rates, factors = _years("exchange_rates", "currency"), _years("ppp", "country")
    expected = {}
    for price in _csv("prices"):
        if not price["year"]:
            continue
        year, currency, country = int(price["year"]), price["currency"], price["country"]
        fx = "not needed" if currency == "USD" else _shown_year(rates.get(currency, set()), year)
        factor = (
            "US is the base" if country == "US" else _shown_year(factors.get(country, set()), year)
        )
        expected[(country, currency, str(year))] = (fx, factor)
    result = runner.invoke(
        app, ["--db", evidence_store, "kb", "coverage", "--prices", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    shown = {
        (r["country"], r["currency"], r["year"]): (r["exchange rate"], r["PPP factor"])
        for r in json.loads(result.stdout)
    }
    assert shown == expected


def test_a_rate_printed_in_us_dollars_per_unit_converts_to_its_reciprocal():
    row = {c: "" for c in ("per_usd", "usd_per_unit")}
    sourced = dict(
        source_url="https://federalreserve.gov/releases/g5a/20240201",
        source_kind="regulator",
        source_quote="*EMU MEMBERS EURO 1.0817",
        accessed="2026-12-06",
    )
    rate = ExchangeRate(currency="EUR", year=2023, usd_per_unit=1.0817, **sourced)
    assert rate.per_usd == pytest.approx(1 / 1.0817)
    row["usd_per_unit"] = "1.0817"
    assert plain.per_usd(row) == pytest.approx(rate.per_usd)
    for both_or_none in ({"per_usd": 0.92, "usd_per_unit": 1.0817}, {}):
        with pytest.raises(ValidationError, match="exactly one of per_usd"):
            ExchangeRate(currency="EUR", year=2023, **both_or_none, **sourced)

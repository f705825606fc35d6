"""`approvals --lag`, `prices --usd` and `claims FILE` answer from the knowledge base what the
report answers; each figure here is recomputed from the CSV rows by a separate, plain route."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics

import yaml
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE
from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR
from tests.golden import plain

runner = CliRunner()


def _csv(name: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _run(store: str, *args: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["--db", store, *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _date(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return dt.date(*parts[:3])


def test_approval_lag_per_target_and_indication_from_the_csv(evidence_store) -> None:
    targets = {r["product_id"]: r["targets"].split("|") for r in _csv("products")}
    first: dict[tuple[str, str, str], dt.date] = {}
    for row in plain.one_per_approval({"CN", "US"}):
        if row["approval_date"]:
            for target in targets[row["product_id"]]:
                key = (row["country"], target, row["indication"])
                first[key] = min(first.get(key, dt.date.max), _date(row["approval_date"]))
    lags = [
        (first[("CN", t, i)] - first[("US", t, i)]).days / 30.4375
        for (c, t, i) in first
        if c == "US" and ("CN", t, i) in first
    ]
    a, b = ("US", "CN") if statistics.median(lags) >= 0 else ("CN", "US")
    for order in (["CN", "US"], ["US", "CN"]):  # the direction does not follow the typed order
        shown = _run(evidence_store, "approvals", "--countries", *order, "--lag")
        assert shown and f"approval_date_{a}" in shown[0] and f"approval_date_{b}" in shown[0]
        for row in shown:
            start = first.get((a, row["target"], row["indication"]))
            end = first.get((b, row["target"], row["indication"]))
            if start and end:
                assert float(row["lag_months"]) == round((end - start).days / 30.4375, 1)
            else:
                assert row["lag_months"] == ""  # approved in one country only: no lag, never 0


def test_approvals_list_one_row_per_approval_and_keep_every_source(evidence_store) -> None:
    """An approval several sources describe is one row; the other sources are alternatives."""
    expected = plain.one_per_approval({"CN", "US"})
    shown = _run(evidence_store, "approvals", "--countries", "中国,USA")
    assert len(shown) == len(expected)
    assert {r["source_url"] for r in shown} == {r["source_url"] for r in expected}
    listed = " ".join(r["source_url"] + " " + r["alternative_sources"] for r in shown)
    for row in _csv("approvals"):
        if row["country"] in ("CN", "US"):
            host = row["source_url"].split("/")[2].removeprefix("www.")
            assert host in listed, row["source_url"]


def test_prices_in_usd_use_the_price_years_rate(evidence_store) -> None:
    rates = {}
    for row in sorted(_csv("exchange_rates"), key=lambda r: r["source_url"], reverse=True):
        rates[(row["currency"], int(row["year"]))] = plain.per_usd(row)
    shown = _run(evidence_store, "prices", "--countries", "CN", "--usd")
    prices = [r for r in _csv("prices") if r["country"] == "CN"]
    assert len(shown) == len(prices)
    checked = 0
    for row in shown:
        rate = rates.get((row["currency"], int(row["year"])))
        if rate and row["fx_year"] == row["year"]:
            assert float(row["usd"]) == round(float(row["amount"]) / rate)
            checked += 1
    assert checked


def test_claims_file_is_checked_without_a_report(full_store) -> None:
    shown = _run(full_store, "claims", str(EXAMPLE))
    claims = yaml.safe_load(EXAMPLE.read_text("utf-8"))["claims"]
    assert [r["claim"] for r in shown] == [c["text"] for c in claims]
    assert all(r["verdict"] for r in shown)

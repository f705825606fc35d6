"""The stated-value rules (counts, approval dates, price discounts) and the product-own-trials
rate check, each recomputed by a simpler route straight from the evidence CSV files."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

from cartatlas.analyses.article import check_article
from cartatlas.analyses.claims.check import check_claim
from cartatlas.analyses.claims.model import Claim
from cartatlas.store import open_store
from tests.golden import plain

DATA = Path(__file__).resolve().parents[2] / "src" / "cartatlas" / "evidence" / "data"


def _rows(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_approved_count_by_a_year_counts_approvals_up_to_its_end(evidence_store):
    expected = len(
        {
            r["product_id"]
            for r in _rows("approvals")
            if r["country"] == "CN" and r["approval_date"] and r["approval_date"] <= "2024-12-31"
        }
    )
    claim = Claim(
        id="n",
        text="By 2024 China had approved N",
        metric="approved_products",
        countries=["CN"],
        range=(expected, expected),
        as_of="2024",
    )
    with open_store(evidence_store, read_only=True) as store:
        verdict = check_claim(store, claim)
    assert verdict.verdict == "supported"
    assert "by 2024 (" in verdict.evidence and f"{expected}" in verdict.evidence


def test_approval_date_is_compared_at_the_stated_precision(evidence_store):
    dates = sorted(
        r["approval_date"]
        for r in _rows("approvals")
        if r["product_id"] == "relmacabtagene-autoleucel" and r["approval_date"]
    )
    first_month = dates[0][:7]
    other_month_same_year = f"{dates[0][:4]}-{'12' if dates[0][5:7] != '12' else '01'}"
    with open_store(evidence_store, read_only=True) as store:
        verdicts = [
            check_claim(
                store,
                Claim(
                    id="d",
                    text="approved",
                    metric="approval_date",
                    countries=["CN"],
                    product="relmacabtagene-autoleucel",
                    values=[stated],
                ),
            ).verdict
            for stated in (first_month, other_month_same_year, "2015-01")
        ]
    expected_second = (
        "supported"
        if any(d.startswith(other_month_same_year) for d in dates)
        else "partly supported"
    )
    assert verdicts == ["supported", expected_second, "contradicted"]


def test_price_discount_per_product_priced_in_both_countries(evidence_store):
    fx = {}
    for r in sorted(_rows("exchange_rates"), key=lambda r: r["source_url"]):
        fx.setdefault((r["currency"], r["year"]), plain.per_usd(r))
    latest = {c: max(y for cc, y in fx if cc == c) for c, _ in fx}
    priced = []  # the headline rule, by hand: no low-reliability price; a news or secondary
    # price only where no stronger source prices the same product, indication, country and year
    for r in _rows("prices"):
        if r["kind"] not in ("list", "WAC") or r["country"] not in ("CN", "US"):
            continue
        if "low reliability" in r["note"].lower() or r["source_kind"] == "secondary":
            continue
        year = min(r["year"], latest.get(r["currency"], r["year"]))  # newer: latest rate
        rate = 1.0 if r["currency"] == "USD" else fx.get((r["currency"], year))
        if rate:
            weak = r["source_kind"] in ("news", "secondary")
            value = (r["product_id"], plain.price_indication(r), r["country"], r["year"])
            priced.append((value, weak, r["amount"], r["currency"], rate))
    strong = {value for value, weak, *_ in priced if not weak}
    # then each price once (same product, indication, country, currency and amount): the
    # strongest source, then the latest year
    once: dict[tuple, tuple] = {}
    for value, weak, amount, currency, rate in priced:
        if weak and value in strong:
            continue
        product, indication, country, year = value
        key = (product, indication, country, currency, float(amount))
        if key not in once or (weak, -int(year)) < once[key][0]:
            once[key] = ((weak, -int(year)), float(amount) / rate)
    # the prices in force: each product, indication and country's latest year only
    latest_year: dict[tuple, int] = {}
    for (product, indication, country, _, _), ((_, minus_year), _) in once.items():
        key = (product, indication, country)
        latest_year[key] = max(latest_year.get(key, 0), -minus_year)
    usd: dict[tuple[str, str], list[float]] = {}
    for (product, indication, country, _, _), ((_, minus_year), dollars) in once.items():
        if -minus_year == latest_year[(product, indication, country)]:
            usd.setdefault((product, country), []).append(dollars)
    both = sorted({p for p, c in usd if (p, "CN") in usd and (p, "US") in usd})
    discounts = [
        100 * (1 - statistics.median(usd[(p, "CN")]) / statistics.median(usd[(p, "US")]))
        for p in both
    ]
    assert discounts, "axi-cel is priced in both countries"
    low, high = min(discounts) - 1, max(discounts) + 1
    claim = Claim(
        id="p", text="x% less", metric="price_discount", countries=["CN", "US"], range=(low, high)
    )
    with open_store(evidence_store, read_only=True) as store:
        verdict = check_claim(store, claim)
    assert verdict.verdict == "supported"
    for product, value in zip(both, discounts, strict=True):
        assert f"{product} CN" in verdict.evidence and f"{value:,.4g}%" in verdict.evidence


def test_a_named_product_is_checked_against_its_own_trials(evidence_store):
    """The plain sentence quotes the product's registrational trial: events of n, the percent and
    the exact CI, recomputed here from outcomes.csv and studies.csv."""
    from scipy.stats import beta

    studies = {r["study_id"]: r for r in _rows("studies")}
    own = [
        r
        for r in _rows("outcomes")
        if r["endpoint"] == "CR"
        and studies[r["study_id"]]["product_id"] == "equecabtagene-autoleucel"
        and studies[r["study_id"]]["indication"] == "MM"
        and not studies[r["study_id"]]["overlaps_with"]
    ]
    registrational = [r for r in own if studies[r["study_id"]]["registrational"] == "true"]
    assert registrational
    text = "In China, equecabtagene autoleucel reached a complete response rate of 50% in myeloma."
    with open_store(evidence_store, read_only=True) as store:
        (checked,) = check_article(text, store).claims
    assert checked.item.claim.product == "equecabtagene-autoleucel"
    assert all(r["study_id"] in checked.verdict.evidence for r in own), checked.verdict.evidence
    assert "pooled" not in checked.verdict.evidence
    row = next(r for r in registrational if f"{r['events']} of {r['n']}" in checked.plain)
    n, k = int(row["n"]), int(row["events"])
    low = beta.ppf(0.025, k, n - k + 1) if k else 0.0
    high = beta.ppf(0.975, k + 1, n - k) if k < n else 1.0
    assert f"({100 * k / n:.0f}%, 95% CI {100 * low:.0f}–{100 * high:.0f}%)" in checked.plain
    assert checked.plain.startswith(
        "The article says “50%” (complete response, MM, equecabtagene-autoleucel, CN); "
        "the registrational trial reports "
    )

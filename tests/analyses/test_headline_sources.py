"""Which source stands behind each headline, recomputed from the raw CSV rows.

A headline (the report's lead text, which the dashboard cards reuse, and a claim's verdict) may
rest on news or secondary pages only when nothing stronger gives the value. These tests rebuild
the expected sources from the evidence files by a separate, plain route and compare them with
what the report and the claims checker cite.
"""

from __future__ import annotations

import re

import pytest

from cartatlas.analyses.claims.check import check_claim
from cartatlas.analyses.claims.model import Claim
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import approvals, cost
from cartatlas.store import open_store
from tests.golden import plain

WEAK = {"news", "secondary"}
PRODUCT_KINDS = {"list", "WAC", "insurance_negotiated"}
COUNTRIES = ["CN", "US"]


def _rates() -> dict[tuple[str, int], float]:
    """(currency, year) → units per USD (a rate printed as USD per unit is inverted); the first
    row by source address wins, as the loader's one-rate-per-year rule does."""
    rates: dict[tuple[str, int], float] = {}
    for row in sorted(plain.rows("exchange_rates"), key=lambda r: r["source_url"]):
        per_usd = float(row["per_usd"]) if row["per_usd"] else 1 / float(row["usd_per_unit"])
        rates.setdefault((row["currency"], int(row["year"])), per_usd)
    return rates


def _usd(price: dict[str, str], rates: dict[tuple[str, int], float]) -> float | None:
    if price["currency"] == "USD":
        return float(price["amount"])
    years = [y for c, y in rates if c == price["currency"]]
    if not years or not price["year"]:
        return None
    year = min(int(price["year"]), max(years))  # a newer price uses the latest recorded rate
    rate = rates.get((price["currency"], year))
    return float(price["amount"]) / rate if rate else None


def headline_rows(country: str, kinds: set[str]) -> list[tuple[dict[str, str], float, bool]]:
    """(prices.csv row, USD, weak) of the prices a headline may use in ``country``: never one
    noted as low reliability; news / secondary ones only when nothing stronger gives a price for
    the same product, indication and year."""
    rates = _rates()
    usable = []
    for price in plain.rows("prices"):
        if price["country"] != country or price["kind"] not in kinds:
            continue
        if "low reliability" in price["note"].lower() or price["source_kind"] == "secondary":
            continue
        usd = _usd(price, rates)
        if usd is not None:
            usable.append((price, usd, price["source_kind"] in WEAK))
    value = lambda p: (p["product_id"], plain.price_indication(p), p["year"])  # noqa: E731
    strong_values = {value(p) for p, _, weak in usable if not weak}
    return [(p, usd, weak) for p, usd, weak in usable if not weak or value(p) not in strong_values]


def expected_headline_prices(country: str, kinds: set[str]) -> list[tuple[str, float, bool]]:
    """(source_url, USD, weak) of ``headline_rows``."""
    return [(p["source_url"], usd, weak) for p, usd, weak in headline_rows(country, kinds)]


def _built(store_path: str, section_module) -> tuple:
    """A report section for ``COUNTRIES`` and its reference markers mapped to addresses."""
    with open_store(store_path, read_only=True) as store:
        ctx = ReportContext(store, COUNTRIES)
        section = section_module.build(ctx)
        return section, {f"[[{r.number}]]": r.url for r in ctx.refs.items}


@pytest.fixture(scope="module")
def cost_section(evidence_store):
    return _built(evidence_store, cost)


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_price_headline_cites_only_the_strongest_prices(cost_section, country):
    section, urls = cost_section
    part = next(p for p in section.answer.split("; ") if f"in {country.lower()} " in p.lower())
    cited = {urls[m] for m in re.findall(r"\[\[\d+\]\]", part)}
    expected = expected_headline_prices(country, PRODUCT_KINDS)
    assert cited == {url for url, _, _ in expected}
    low, high = min(u for _, u, _ in expected), max(u for _, u, _ in expected)
    assert f"from {low:,.0f} to {high:,.0f} USD" in part
    assert ("news reports only" in part) == all(w for _, _, w in expected)


def in_force(
    usable: list[tuple[dict[str, str], float, bool]], as_of: str | None
) -> list[tuple[dict[str, str], float, bool]]:
    """The prices in force at ``as_of`` (None: the latest recorded): up to its year, each
    product and indication's latest year only, and none older than a later price of the product
    that names no indication."""
    usable = [u for u in usable if not as_of or int(u[0]["year"]) <= int(as_of[:4])]
    latest: dict[tuple[str, str], int] = {}
    general: dict[str, int] = {}
    for price, _, _ in usable:
        key, year = (price["product_id"], plain.price_indication(price)), int(price["year"])
        latest[key] = max(latest.get(key, year), year)
        if not key[1]:
            general[key[0]] = max(general.get(key[0], year), year)
    return [
        (price, usd, weak)
        for price, usd, weak in usable
        if int(price["year"]) == latest[(price["product_id"], plain.price_indication(price))]
        and not (
            plain.price_indication(price)
            and int(price["year"]) < general.get(price["product_id"], 0)
        )
    ]


def expected_claim_prices(country: str, as_of: str | None = None) -> list[tuple[str, float, bool]]:
    """The headline's prices in force at ``as_of``, with each price several sources report (same
    product, indication, currency and amount) counted once: a journal over news, then the latest
    year, then the first address."""
    chosen: dict[tuple, tuple] = {}
    for price, usd, weak in in_force(headline_rows(country, PRODUCT_KINDS), as_of):
        key = (price["product_id"], plain.price_indication(price), price["currency"])
        key += (float(price["amount"]),)
        order = (weak, -int(price["year"]), price["source_url"])
        if key not in chosen or order < chosen[key][0]:
            chosen[key] = (order, (price["source_url"], usd, weak))
    return [value for _, value in chosen.values()]


@pytest.mark.parametrize("country", COUNTRIES)
def test_a_price_claim_is_judged_on_the_same_prices_as_the_headline(evidence_store, country):
    """CN prices used to count once per news page repeating them (inati-cel's 999,000 yuan four
    times); a verdict now counts each price once, from its strongest source."""
    claim = Claim(
        id="p", text="prices", metric="price_usd", countries=[country], range=(1, 10_000_000)
    )
    with open_store(evidence_store, read_only=True) as store:
        verdict = check_claim(store, claim)
    expected = expected_claim_prices(country)
    assert sorted(verdict.sources) == sorted(url for url, _, _ in expected)
    assert verdict.evidence.startswith(
        f"{len(expected)} of {len(expected)} price{'' if len(expected) == 1 else 's'} in range"
    )
    weak = sum(w for _, _, w in expected)
    assert verdict.evidence.count("(news or secondary source)") == weak


def _approved_products() -> list[str]:
    return sorted({r["product_id"] for r in plain.rows("approvals") if r["country"] in COUNTRIES})


@pytest.mark.parametrize("product", _approved_products())
def test_an_approval_date_claim_cites_the_strongest_source_of_each_approval(
    evidence_store, product
):
    chosen = [a for a in plain.one_per_approval(set(COUNTRIES)) if a["product_id"] == product]
    claim = Claim(
        id="d",
        text="date",
        metric="approval_date",
        countries=COUNTRIES,
        product=product,
        values=["2017"],
    )
    with open_store(evidence_store, read_only=True) as store:
        verdict = check_claim(store, claim)
    assert sorted(verdict.sources) == sorted(a["source_url"] for a in chosen)
    kinds = {r["source_url"]: r["source_kind"] for r in plain.rows("approvals")}
    assert not any(kinds[url] in WEAK for url in verdict.sources)  # every approval has a primary
    for approval in chosen:
        assert f"{approval['agency']} {approval['indication']} {approval['approval_date']}" in (
            verdict.evidence
        )


@pytest.fixture(scope="module")
def approvals_section(evidence_store):
    return _built(evidence_store, approvals)


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_approvals_headline_cites_the_strongest_source_of_each_approval(
    approvals_section, country
):
    section, urls = approvals_section
    part = next(p for p in section.answer.split("; ") if f"approved in {country}" in p)
    cited = {urls[m] for m in re.findall(r"\[\[\d+\]\]", part)}
    chosen = [a for a in plain.one_per_approval({country}) if a["country"] == country]
    assert cited == {a["source_url"] for a in chosen}
    assert not any(a["source_kind"] in WEAK for a in chosen)
    n = len({a["product_id"] for a in chosen})
    assert f"{n} CAR-T product{'' if n == 1 else 's'} approved in {country}" in part

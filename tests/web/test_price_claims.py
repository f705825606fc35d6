"""The example's price claims, recomputed from prices.csv: each price counted once (same
product, indication, country and amount, from its strongest source), and "about" read as ±10 %
of the stated bounds, outward to their precision (``APPROXIMATE_RULE``). CLI, API, report and
dashboard give the same verdict and count.

The example file called the US range "about $375,000 to more than $500,000" where the article
writes no "about", and no rule said what "about" allows; China's 999,000-yuan inati-cel price
counted four times.
"""

from __future__ import annotations

import html
import json

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import claims as claims_section
from cartatlas.store import open_store
from tests.analyses.test_headline_sources import expected_claim_prices
from tests.golden import plain

CLAIMS = {c.id: c for c in load_claims(EXAMPLE).claims}
#: The example's price claims and the bounds they are tested against, by hand: the article
#: writes the US range without "about" ($375,000 to over $500,000: a price figure stands for
#: ±1 % of itself, from $371,250, so the $373,000 list prices meet "$375,000"), the Chinese one
#: with "approximately" ($50,000–$200,000 → $45,000–$220,000).
WIDENED = {"price-us": (371_250, None), "price-china": (45_000, 220_000)}
ABOUT = {"price-us": False, "price-china": True}
#: The top the US range goes beyond ("to over $500,000"), read ±1 % as its bounds are: some
#: price must reach $495,000 for that end to hold.
TOP = {"price-us": 495_000}


def expected_price_verdict(claim_id: str) -> tuple[str, int, int]:
    """(verdict, prices in range, prices) of a shipped price claim, from prices.csv."""
    claim = CLAIMS[claim_id]
    (country,) = claim.countries
    prices = expected_claim_prices(country, claim.as_of)
    if claim.scope == "domestic_products":
        home = {p["product_id"]: p["developer_country"] for p in plain.rows("products")}
        by_url = {}
        for row in plain.rows("prices"):
            by_url.setdefault(row["source_url"], set()).add(row["product_id"])
        prices = [p for p in prices if any(home[x] == country for x in by_url[p[0]])]
    low, high = WIDENED[claim_id]
    inside = sum(low <= round(usd) and (high is None or round(usd) <= high) for _, usd, _ in prices)
    share = inside / len(prices)
    verdict = (
        "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"
    )
    if claim_id in TOP:  # the range's other end: both hold supported, one partly, none contradicted
        reached = max(round(usd) for _, usd, _ in prices) >= TOP[claim_id]
        ends = [verdict == "supported", reached]
        verdict = "supported" if all(ends) else "partly supported" if any(ends) else verdict
    return verdict, inside, len(prices)


def expected_notes(claim_id: str) -> list[str]:
    """What the evidence must say besides the count: the tolerance read into a price figure,
    and, for an open range with a stated top, whether the highest price reaches past it."""
    claim = CLAIMS[claim_id]
    low, high = WIDENED[claim_id]
    band = "±10%, as it is written with 'about'" if claim.about else "±1%, as pages print prices"
    tested = f"≥ {low:,} USD" if high is None else f"{low:,}–{high:,} USD"
    notes = [f"in range ({tested}: the stated ", band]
    if claim_id in TOP:
        prices = expected_claim_prices(claim.countries[0], claim.as_of)
        highest = max(round(usd) for _, usd, _ in prices)
        reached = "reached" if highest >= TOP[claim_id] else "not reached"
        notes.append(
            f"the top, over {claim.top_over:,.0f} USD, is {reached} (highest {highest:,} USD)"
        )
    return notes


@pytest.fixture(scope="module")
def cli_verdicts(evidence_store) -> dict[str, dict]:
    result = CliRunner().invoke(
        app, ["--db", evidence_store, "claims", str(EXAMPLE), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return {r["claim"]: r for r in json.loads(result.stdout)}


@pytest.mark.parametrize("claim_id", sorted(WIDENED))
def test_price_claims_agree_on_every_surface(
    claim_id, cli_verdicts, evidence_store, evidence_client
):
    verdict, inside, total = expected_price_verdict(claim_id)
    text = CLAIMS[claim_id].text
    counted = f"{inside} of {total} prices in range"
    cli = cli_verdicts[text]
    assert cli["verdict"] == verdict and cli["evidence"].startswith(counted)
    notes = expected_notes(claim_id)
    assert all(note in cli["evidence"] for note in notes), (notes, cli["evidence"])
    assert ("±10%, as it is written with 'about'" in cli["rule"]) == ABOUT[claim_id]

    posted = evidence_client.post(
        "/api/claims", content=EXAMPLE.read_bytes(), headers={"content-type": "application/yaml"}
    )
    api = posted.json()["verdicts"]
    (record,) = [r for r in api if r["claim"]["id"] == claim_id]
    assert record["verdict"] == verdict and record["evidence"].startswith(counted)
    assert all(note in record["evidence"] for note in notes)

    with open_store(evidence_store, read_only=True) as store:
        section = claims_section.build(ReportContext(store, ["CN", "US"]), load_claims(EXAMPLE))
    rows = [r for b in section.blocks if hasattr(b, "rows") for r in b.rows]
    (row,) = [r for r in rows if r[0].startswith(text)]
    assert verdict in row and any(counted in cell for cell in row)
    assert all(any(note in cell for cell in row) for note in notes)

    page = html.unescape(evidence_client.get("/q/claims", params={"a": "CN", "b": "US"}).text)
    assert counted in page and all(note in page for note in notes)

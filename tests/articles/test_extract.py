"""Claim finding on sentences of the kinds real pages write, and what it must leave alone."""

from __future__ import annotations

import pytest

from cartatlas.analyses.article.extract import extract
from cartatlas.analyses.article.names import load_products
from cartatlas.analyses.article.structure import structure
from cartatlas.store import open_store


@pytest.fixture(scope="module")
def structured(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        products = load_products(store)
        yield lambda text: structure(extract(text, products), store)


def _claims(items):
    return [
        (i.claim.metric, tuple(i.claim.countries), i.claim.indication, i.claim.compare)
        for i in items
        if i.claim
    ]


def test_rate_comparison_without_a_number(structured):
    items = structured("Complete remission rates for lymphoma in China are higher than in the US.")
    assert _claims(items) == [("CR", ("CN", "US"), "LBCL", "greater")]


def test_respectively_pairs_diseases_and_numbers(structured):
    items = structured(
        "The CR rates of China's lymphoma and leukemia products are 77.6% and 82.1%, respectively."
    )
    assert [(i.claim.indication, i.value) for i in items] == [("LBCL", 77.6), ("B-ALL", 82.1)]


def test_paired_endpoints_and_local_grades(structured):
    items = structured(
        "In US patients with myeloma, cytokine release syndrome was seen in 75% (grade ≥3, 5%). "
        "Overall and complete response rates were 89% and 70%."
    )
    assert [i.claim.metric for i in items] == ["CRS_any", "CRS_3plus", "ORR", "CR"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Zorbacabtagene autoleucel reached a complete remission of 80% in myeloma in China.",
            "unknown product",
        ),
        ("Zorba-cel was approved in June 2021 in China.", "unknown product"),
    ],
)
def test_unstructurable_claims_say_why(structured, text, reason):
    (item,) = structured(text)
    assert item.claim is None and reason in item.reason


def test_a_rupee_price_is_kept_in_rupees(structured):
    """₹40 lakh is 4,000,000 INR, and the claim keeps it so: the checker compares it with each
    recorded price in rupees at that price's own year's rate (``check.STATED_CURRENCY_RULE``),
    never with a dollar figure converted at the latest rate (test_stated_currency.py)."""
    (item,) = structured("In China, CAR-T costs ₹40 lakh.")
    low, high = item.claim.range  # kept as stated; the checker reads it ±1 % (PRICE_ROUNDING)
    assert item.claim.metric == "price_usd" and item.claim.currency == "INR"
    assert low == high == 4_000_000


@pytest.mark.parametrize(
    "text",
    [
        "What are the success rates of CAR-T therapy in China compared to the US?",
        "In 2024 the company reported 158 million yuan in revenue, a 9% decrease.",
        "Since 2015 we have completed about 300 CAR-T clinical trials.",
        "At our hospital, 80 percent of discharged patients are foreigners.",
        "The process takes 2-4 weeks, with hospital stays of 2-4 weeks.",
        "Chinese companies raised $2.37 billion in funding in 2021.",
        "Although complete remission rates are high, about 30-50% of patients relapse.",
        "After a complete response, 12-month progression-free survival was 68% in China.",
    ],
)
def test_what_is_not_a_claim(structured, text):
    assert structured(text) == []


def test_a_named_products_price_is_checked_against_its_own_prices(structured):
    import csv
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "src/cartatlas/evidence/data/prices.csv"
    with data.open(encoding="utf-8", newline="") as handle:
        dollars = sorted(
            {
                r["country"]
                for r in csv.DictReader(handle)
                if r["product_id"] == "tisagenlecleucel" and r["currency"] == "USD"
            }
        )
    (item,) = structured("The list price of Kymriah is in the ballpark of $525,000.")
    assert item.claim.product == "tisagenlecleucel"
    assert item.claim.countries == dollars


def test_a_rate_after_a_two_country_sentence_takes_the_pages_country_not_none(structured):
    """The countries of an earlier comparison do not say which one a later rate is about: the
    rate takes the page's main country (with a note), never an empty country that fails
    validation with a raw message."""
    text = (
        "Complete response rates in multiple myeloma are higher in China than in the US. "
        "Complete remission rates in lymphoma reach 90%."
    )
    rate = [i for i in structured(text) if "90%" in i.finding.sentence.text][0]
    assert rate.claim is not None and rate.claim.countries == ["CN"]
    assert any("main countries" in note for note in rate.scope)

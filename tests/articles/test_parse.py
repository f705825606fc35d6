"""Numbers, ranges, currencies and dates in the forms real CAR-T pages write them."""

from __future__ import annotations

import pytest

from cartatlas.analyses.article.parse_dates import find_dates
from cartatlas.analyses.article.parse_numbers import (
    find_money,
    find_multiples,
    find_percentages,
    parse_amount,
    point_range,
)
from cartatlas.analyses.article.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("complete remission rates, reaching 82.4%.", 82.4, 82.4),
        ("CR rates in the range of 40-54%,", 40, 54),
        ("ranging from 30% to over 60% depending", 30, None),
        ("reported between 30% and 60%+.", 30, None),
        ("more than 50% of the world's trials", 50, None),
        ("costs 60–70 % less than", 60, 70),
        ("up to 90 percent of patients", None, 90),
        ("response rates over 80% in", 80, None),
    ],
)
def test_percentages_and_ranges(text, low, high):
    (found,) = find_percentages(text)
    assert (found.low, found.high) == (low, high)
    assert "%" in text[found.span[0] : found.span[1]] or "percent" in text


def test_a_printed_value_stands_for_its_precision():
    assert point_range(82.4, 1, False) == pytest.approx((82.35, 82.45))
    assert point_range(80, 0, True) == pytest.approx((72, 88))  # ±10 %: APPROXIMATE_RULE
    assert point_range(52, 0, True) == pytest.approx((46.8, 57.2))  # not ±0.5: "about" hedges
    assert point_range(3, 0, True) == (2.5, 3.5)  # never narrower than the printed precision


@pytest.mark.parametrize(
    ("text", "low", "high", "currency", "open_high"),
    [
        ("prices ranging from $120,000 to $170,000 USD.", 120_000, 170_000, "USD", False),
        ("range from $375,000 to over $500,000 before", 375_000, 500_000, "USD", True),
        ("priced at approximately 1,200,000 RMB.", 1_200_000, None, "CNY", False),
        ("priced at more than 1 million yuan per course", 1_000_000, None, "CNY", True),
        ("售价120万元", 1_200_000, None, "CNY", False),
        ("RMB 1.2 million", 1_200_000, None, "CNY", False),
        ("1.2–1.5 million yuan", 1_200_000, 1_500_000, "CNY", False),
        ("about ₹45 lakh in India", 4_500_000, None, "INR", False),
        ("Rs. 40 lakh", 4_000_000, None, "INR", False),
        ("between $373,000 and $475,000", 373_000, 475_000, "USD", False),
        ("can easily exceed $1 million.", 1_000_000, None, "USD", True),
        ("£282,000 list price", 282_000, None, "GBP", False),
        ("€327,000 per infusion", 327_000, None, "EUR", False),
        ("US$ 400k", 400_000, None, "USD", False),
        ("nearly half a million dollars", 500_000, None, "USD", False),
    ],
)
def test_money_with_currency_and_multiplier(text, low, high, currency, open_high):
    (money,) = find_money(text)
    assert (money.low, money.high, money.currency, money.open_high) == (
        low,
        high,
        currency,
        open_high,
    )


def test_numbers_without_a_currency_are_not_money():
    assert find_money("In 2021, 5 patients of 120 responded") == []


def test_grouped_thousands_in_page_forms():
    assert parse_amount("1,200,000") == 1_200_000
    assert parse_amount("1.200.000") == 1_200_000
    assert parse_amount("120 000") == 120_000
    assert parse_amount("1.2", "million") == 1_200_000
    assert parse_amount("120", "万") == 1_200_000


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Anti-CD19, approved 2021.12.", "2021-12"),
        ("approved 2024.02.23.", "2024-02-23"),
        ("approved in June 2021", "2021-06"),
        ("on June 22, 2021, it became", "2021-06-22"),
        ("approved 22 June 2021", "2021-06-22"),
        ("in October 2017.", "2017-10"),
        ("Sept. 2023 approval", "2023-09"),
        ("2021年6月22日获批", "2021-06-22"),
        ("approved in 2017 for", "2017"),
    ],
)
def test_dates_keep_the_precision_written(text, iso):
    (date,) = find_dates(text)
    assert date.iso == iso


def test_a_price_is_not_a_date():
    assert find_dates("costs $2021.50 per dose") == []


def test_multiples():
    (m,) = find_multiples("7–10 times lower than in the US")
    assert (m.low, m.high, m.direction) == (7, 10, "lower")
    (m,) = find_multiples("five times cheaper")
    assert (m.low, m.direction, m.approximate) == (5, "lower", False)
    (m,) = find_multiples("roughly a tenth of the price")
    assert (m.low, m.decimals, m.approximate) == (10, 0, True)


def test_sentences_keep_spans_and_skip_abbreviations_and_decimals():
    text = "In the U.S. it costs $373,000. CR was 82.4% in MM.\n\nApproved 2021.12. Next one."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "In the U.S. it costs $373,000.",
        "CR was 82.4% in MM.",
        "Approved 2021.12.",
        "Next one.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert sentences[2].paragraph == sentences[1].paragraph + 1


def test_saved_html_loses_its_boilerplate_and_markdown_its_markup():
    from cartatlas.analyses.article.page_text import article_text

    page = (
        "<!doctype html><html><head><title>t</title><script>var price='$1 million';</script>"
        "</head><body><nav><a href='/'>Home</a> <a href='/deals'>Deals from $999</a></nav>"
        "<article><h1>CAR-T in China</h1><p>In China, commercial CAR-T therapy costs "
        "between $120,000 and $170,000, about 60-70% less than in the US, and complete "
        "remission rates in myeloma reach 82.4%.</p><p>More text about the treatment journey "
        "for international patients, hospitals and visas in Shanghai and Beijing.</p></article>"
        "<footer>Contact us · Copyright 2025</footer></body></html>"
    )
    text = article_text(page)
    assert "$120,000 and $170,000" in text and "82.4%" in text
    assert "var price" not in text and "Deals from" not in text
    markdown = "## Cost\n\n* **Price:** [about $373,000](https://x.org) in the *US*.\n"
    assert article_text(markdown).strip() == "Cost\n\nPrice: about $373,000 in the US."


@pytest.mark.parametrize(
    ("text", "approximate"),
    [
        ("may range from approximately $50,000 to $200,000", True),
        ("it costs about $375,000 in the US", True),
        ("can range from $375,000 to over $500,000", False),
    ],
)
def test_a_hedged_amount_is_marked_approximate(text, approximate):
    """ "about" / "approximately" before an amount widens its claim by ±10 % (APPROXIMATE_RULE);
    without it a range is taken as written."""
    (found,) = find_money(text)
    assert found.approximate is approximate

"""A page's own conversion of a price, in brackets after it, is no claim of its own: "1,290,000
yuan ($178,000)" was read so, but "1,290,000 yuan (about $178,000)" checked the $178,000 as a
second Chinese price, and it counted twice in the page's summary."""

from __future__ import annotations

import pytest

from tests.articles.surfaces import assert_api_and_page, cli_records


@pytest.mark.parametrize("bracket", ["($178,000)", "(about $178,000)", "(approx. $178,000)"])
def test_a_bracketed_conversion_is_not_a_claim_on_every_surface(
    evidence_store, evidence_client, tmp_path, bracket
):
    text = f"In China, Carteyva costs 1,290,000 yuan {bracket}.\n"
    records = cli_records(evidence_store, tmp_path, text)
    assert [r["words"] for r in records] == ["1,290,000 yuan"]
    assert_api_and_page(evidence_client, text, [records[0]["verdict"]])


def test_a_second_price_after_other_words_is_still_a_claim(evidence_store, tmp_path):
    text = "In China, Carteyva costs 1,290,000 yuan (Fucaso about 1,166,000 yuan).\n"
    assert len(cli_records(evidence_store, tmp_path, text)) == 2

"""A sentence that denies a statement ("are not", "does not lead") is never checked as if it
asserted it: read as stated, the denial would get the opposite verdict. The affirmative twin is
recomputed from the raw evidence rows, to show what the inverted verdict would have been."""

from __future__ import annotations

import pytest

from tests.articles.surfaces import assert_api_and_page, cli_records, us_lbcl_cr_rates

AFFIRMED = "In the US, complete response rates in DLBCL range from 40% to 55%."
DENIED = "In the US, complete response rates in DLBCL are not between 40% and 55%."


def test_the_affirmative_is_supported_by_the_rows(evidence_store, tmp_path):
    rates = us_lbcl_cr_rates()
    assert len(rates) >= 5 and sum(40 <= r <= 55 for r in rates) / len(rates) >= 0.75
    [record] = cli_records(evidence_store, tmp_path, AFFIRMED)
    assert record["verdict"] == "supported"


def test_a_denial_is_not_checkable_on_every_surface(evidence_store, evidence_client, tmp_path):
    [record] = cli_records(evidence_store, tmp_path, DENIED)
    assert record["verdict"] == "not checkable"
    assert record["reason"].startswith("the sentence denies it ('not')")
    assert_api_and_page(evidence_client, DENIED, ["not checkable"])


@pytest.mark.parametrize(
    ("text", "verdicts"),
    [
        (
            "China does not lead the world in the number of active CAR-T clinical trials.",
            ["not checkable"],
        ),
        (
            "Not only in the US: complete response rates in DLBCL range from 40% to 55% in the US.",
            ["supported"],
        ),
    ],
)
def test_denials_and_words_that_add(text, verdicts, evidence_store, tmp_path):
    assert [r["verdict"] for r in cli_records(evidence_store, tmp_path, text)] == verdicts

"""A count's words set what it stands for: "fewer than 2,000 trials" and "fewer than ten
products" are ceilings, "more than five products" a floor, "nearly 600" is 600 ±10 % (the stated
rule for "about"); each was read as the exact number and contradicted. A rate that "exceeds
50%" is a floor. Recomputed from trial_counts.csv, approvals.csv and outcomes.csv."""

from __future__ import annotations

import pytest

from tests.articles.surfaces import (
    assert_api_and_page,
    claims_table,
    cli_records,
    rows,
    us_lbcl_cr_rates,
)


def _share(values: list[float], low: float, high: float | None) -> float:
    return sum(low <= v <= (high if high is not None else v) for v in values) / len(values)


def _us_trial_counts() -> list[float]:
    """The US's published counts of the latest year: an undated count speaks of now
    (``stated_values.UNDATED_RULE``; this store holds no registry snapshot)."""
    us = [r for r in rows("trial_counts.csv") if r["country"] == "US"]
    latest = max(r["as_of"][:4] for r in us)
    return [float(r["count"]) for r in us if r["as_of"].startswith(latest)]


def _approved(country: str) -> list[float]:
    return [float(len({r["product_id"] for r in rows("approvals.csv") if r["country"] == country}))]


def _verdict(share: float) -> str:
    return "supported" if share >= 0.75 else "partly supported" if share >= 0.25 else "contradicted"


@pytest.mark.parametrize(
    ("sentence", "metric", "bounds", "values", "extra"),
    [
        (
            "The US has fewer than 2,000 CAR-T clinical trials.",
            "trial_count",
            [0, 2000],
            _us_trial_counts,
            "",
        ),
        (
            "The US has nearly 600 CAR-T clinical trials.",
            "trial_count",
            [540, 660],
            _us_trial_counts,
            "",
        ),
        (
            "China has approved more than five CAR-T products.",
            "approved_products",
            [5, None],
            lambda: _approved("CN"),
            "",
        ),
        (
            "Fewer than ten CAR-T products have been approved in the US.",
            "approved_products",
            [0, 10],
            lambda: _approved("US"),
            "",
        ),
        (
            "In the US, complete response rates in DLBCL exceed 50%.",
            "CR",
            [50, None],
            us_lbcl_cr_rates,
            "    indication: LBCL\n",
        ),
    ],
)
def test_bound_words_on_every_surface(
    sentence, metric, bounds, values, extra, evidence_store, evidence_client, tmp_path
):
    expected = _verdict(_share(values(), *bounds))
    assert expected != "contradicted"  # what the exact-number reading gave
    [record] = cli_records(evidence_store, tmp_path, sentence)
    assert record["metric"] == metric
    assert [None if b is None else round(b) for b in record["range"]] == bounds
    assert record["verdict"] == expected
    assert_api_and_page(evidence_client, sentence, [expected])
    high = "null" if bounds[1] is None else bounds[1]
    [table] = claims_table(
        evidence_store,
        tmp_path,
        f"claims:\n  - id: b\n    text: {sentence}\n    metric: {metric}\n{extra}"
        f"    countries: [{record['countries'][0]}]\n    range: [{bounds[0]}, {high}]\n",
    )
    assert table["verdict"] == expected

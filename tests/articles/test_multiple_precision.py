"""A price "seven times lower" or "a tenth of" another stands for the figure at its printed
precision (6.5–7.5, 9.5–10.5), and "roughly a tenth" for ±10 % of it, as a rate does: both
were read as exactly 7 or 10, so "CAR-T in India costs seven times less than in the US" was
contradicted by a discount of 85.3 % (1 − 1/6.8), and "roughly" was ignored. The interval is
recomputed here from the stated rule; the verdict is asserted on the CLI, the API, the
dashboard's article page and a claims file holding that interval."""

from __future__ import annotations

import re

import pytest

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records


def _discount(times: float) -> float:
    return round(100 * (1 - 1 / times), 1)


@pytest.mark.parametrize(
    ("sentence", "low", "high"),
    [
        ("In India, CAR-T costs seven times less than in the US.", 6.5, 7.5),
        ("In India, CAR-T costs roughly a tenth of the US price.", 9.0, 11.0),
        ("In India, CAR-T costs a tenth of the US price.", 9.5, 10.5),
        ("In India, CAR-T costs 7-10 times less than in the US.", 6.5, 10.5),
    ],
)
def test_a_multiple_is_read_at_its_precision_on_every_surface(
    evidence_store, evidence_client, tmp_path, sentence, low, high
):
    [record] = cli_records(evidence_store, tmp_path, sentence)
    assert record["metric"] == "price_discount"
    assert record["range"] == [_discount(low), _discount(high)]
    found = re.search(r"less by (\d+\.\d+)%", record["evidence"])
    assert found, record["evidence"]
    inside = _discount(low) <= round(float(found.group(1)), 1) <= _discount(high)
    assert record["verdict"] == ("supported" if inside else "contradicted")
    assert_api_and_page(evidence_client, sentence, [record["verdict"]])
    [table] = claims_table(
        evidence_store,
        tmp_path,
        f"claims:\n  - id: m\n    text: {sentence}\n    metric: price_discount\n"
        f"    countries: [IN, US]\n    range: [{_discount(low)}, {_discount(high)}]\n",
    )
    assert table["verdict"] == record["verdict"]

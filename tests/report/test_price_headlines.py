"""The price ranges a reader sees first, recomputed from prices.csv: the Cost lead names the
prices its range leaves out (a launch price read on a secondary page can be the dearest), and the
side-by-side table prints the same range as the Cost lead."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from cartatlas.evidence.reading import BUNDLED_DIR as DATA_DIR
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost, side_by_side
from cartatlas.store import open_store
from tests.golden import plain

PRODUCT_KINDS = {"list", "WAC", "insurance_negotiated"}


@pytest.fixture(scope="module")
def sections(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return {"cost": cost.build(ReportContext(store, ["CN", "US"]))}


def _us_prices() -> pd.DataFrame:
    prices = pd.read_csv(DATA_DIR / "prices.csv")
    return prices[(prices["country"] == "US") & prices["kind"].isin(PRODUCT_KINDS)]


def _us_prices_left_out() -> pd.DataFrame:
    """US product prices (all in USD) that the headline rule drops, by a plain reading of the
    CSV: secondary pages and low-reliability notes, and a news price beside a stronger source
    for the same product, indication and year."""
    us = _us_prices()
    as_text = us.astype(object).fillna("").astype(str).to_dict("records")
    us = us.assign(indication=[plain.price_indication(r) for r in as_text])
    assert set(us["currency"]) == {"USD"}
    unreliable = us["note"].fillna("").str.lower().str.contains("low reliability")
    secondary = us["source_kind"] == "secondary"
    kept = us[~unreliable & ~secondary]
    value = ["product_id", "indication", "year"]
    strong = kept[kept["source_kind"] != "news"].groupby(value).size()
    beside_strong = [
        kind == "news" and key in strong.index
        for kind, key in zip(kept["source_kind"], kept[value].itertuples(index=False), strict=True)
    ]
    return pd.concat([us[unreliable | secondary], kept[beside_strong]])


def test_cost_lead_names_the_prices_its_range_leaves_out(sections):
    answer = sections["cost"].answer
    out = _us_prices_left_out()
    span = f"{out['amount'].min():,.0f}–{out['amount'].max():,.0f} USD"
    assert f"plus {len(out)} more price reports ({span}) listed only in the table below" in answer
    # the dearest US price (a launch price read on a secondary page) is above the range's top
    top = re.search(r"in US .*? range from [\d,]+ to ([\d,]+) USD", answer)
    assert top and int(top.group(1).replace(",", "")) < out["amount"].max()
    assert "the rule for the ranges: see Cost" in answer  # the short answer points to it
    rule = sections["cost"].blocks[0].text  # said in full first on the section's page
    assert rule.startswith("Rule for the ranges: prices noted as low reliability")


def test_side_by_side_price_range_is_the_cost_leads_range(evidence_store, sections):
    """One country, one price range on every surface: the side-by-side cell used to span every
    recorded price (secondary pages and a 'low reliability' blog included) while the Cost lead
    left them out."""
    us = _us_prices()
    kept = us.drop(index=_us_prices_left_out().index)
    span = f"{kept['amount'].min():,.0f}–{kept['amount'].max():,.0f} USD"
    assert f"in US the {len(kept)} recorded price reports" in sections["cost"].answer
    assert f"range from {span.replace('–', ' to ')}" in sections["cost"].answer
    with open_store(evidence_store, read_only=True) as store:
        table = side_by_side.build(ReportContext(store, ["CN", "US", "JP"])).blocks[0]
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["product price, USD (same-year rate)"][1].startswith(f"{span} ")
    assert rows["product price, PPP (international $)"][1].startswith(
        f"{span.replace('USD', 'int$')} "
    )

"""The dashboard's price chart marks each price that no headline range counts, recomputed from
prices.csv by the plain reading of the headline rule (tests/report/test_price_headlines.py)."""

from __future__ import annotations

from cartatlas.analyses.cost import prices_frame
from cartatlas.report.sections.cost import PRODUCT_PRICES
from cartatlas.store import open_store
from cartatlas.web.dashboard import OUTSIDE_HEADLINE, distinct_prices
from tests.report.test_price_headlines import _us_prices, _us_prices_left_out

VALUE = ["product_id", "year", "kind", "amount"]


def test_a_price_only_weak_sources_give_is_marked_on_the_chart(evidence_store, evidence_client):
    left_out = _us_prices_left_out()
    every = _us_prices()
    out_keys = {tuple(row) for row in left_out[VALUE].itertuples(index=False)}
    expected = {
        key: all(
            tuple(r) in out_keys for r in every[VALUE].itertuples(index=False) if tuple(r) == key
        )
        for key in {tuple(row) for row in every[VALUE].itertuples(index=False)}
    }
    with open_store(evidence_store, read_only=True) as store:
        prices = prices_frame(store, ["US"])
    prices = prices[prices["kind"].isin(PRODUCT_PRICES) & prices["usd"].notna()]
    table = distinct_prices(prices)
    shown = {
        (p, y, k, a): label.endswith(OUTSIDE_HEADLINE)
        for p, y, k, a, label in zip(
            table["product_id"],
            table["year"],
            table["kind"],
            table["amount"],
            table["label"],
            strict=True,
        )
    }
    assert shown == expected
    assert any(expected.values()) and not all(expected.values())
    page = evidence_client.get("/q/cost", params={"a": "CN", "b": "US"}).text
    assert "† only on a secondary page or noted as low reliability" in page
    marked = next(label for label in table["label"] if label.endswith(OUTSIDE_HEADLINE))
    assert marked in page


def test_each_bar_names_its_line_and_a_confidential_discount(evidence_store, evidence_client):
    """NICE's second-line liso-cel price stood beside the US third-line launch price as the same
    "LBCL", and British list prices (which the NHS pays less than, in confidence) as what is
    paid; each bar now names its line and the discount, read here from prices.csv directly."""
    from tests.articles.surfaces import rows

    gb = [r for r in rows("prices.csv") if r["country"] == "GB" and r["kind"] in PRODUCT_PRICES]
    with open_store(evidence_store, read_only=True) as store:
        prices = prices_frame(store, ["GB", "US"])
    prices = prices[prices["kind"].isin(PRODUCT_PRICES) & prices["usd"].notna()]
    labels = list(distinct_prices(prices)["label"])
    page = evidence_client.get("/q/cost", params={"a": "GB", "b": "US"}).text
    for r in gb:
        inside = " ".join(v for v in (r["indication"], r["line_of_therapy"]) if v)
        head = r["product_id"] + (f" ({inside})" if inside else "")
        tail = f"· GB {r['year']} {r['kind']}"
        mark = " (confidential discount)" if "confidential" in r["note"].lower() else ""
        [label] = [x for x in labels if x.startswith(f"{head} {tail}")]
        assert label.startswith(f"{head} {tail}{mark}")
        assert label in page
    assert any("confidential" in r["note"].lower() for r in gb)
    assert any(" (LBCL 2L) · GB" in x for x in labels)

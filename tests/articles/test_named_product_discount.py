"""A relative price that names one product compares that product's price, not the median of
every product priced in the country: "In India, NexCAR19 costs roughly a tenth of the US price"
was judged on India's median, which took in Qartemi's $60,000. Recomputed here from
prices.csv and exchange_rates.csv: NexCAR19's latest recorded price in dollars at its year's
rate, against the median of the US prices in force (the latest year of each product and
indication, pages noted as secondary or low reliability left out)."""

from __future__ import annotations

import re
from statistics import median

from tests.articles.surfaces import assert_api_and_page, cli_records, rows
from tests.golden import plain

PAGE = "In India, NexCAR19 costs roughly a tenth of the US price.\n"


def _strongest_rate(currency: str, year: str) -> float:
    found = [
        r for r in rows("exchange_rates.csv") if r["currency"] == currency and r["year"] == year
    ]
    found.sort(key=lambda r: r["source_kind"] != "regulator")
    return plain.per_usd(found[0])


def _in_force(country: str, product: str | None = None) -> list[float]:
    kept = [
        r
        for r in rows("prices.csv")
        if r["country"] == country
        and r["kind"] in ("list", "WAC")
        and r["source_kind"] != "secondary"
        and "LOW RELIABILITY" not in r["note"]
        and (product is None or r["product_id"] == product)
    ]
    latest: dict[tuple[str, str], dict[str, float]] = {}
    for r in kept:
        key = (r["product_id"], r["indication"])
        year = max(x["year"] for x in kept if (x["product_id"], x["indication"]) == key)
        if r["year"] == year:
            rate = 1.0 if r["currency"] == "USD" else _strongest_rate(r["currency"], r["year"])
            latest.setdefault(key, {})[r["amount"]] = float(r["amount"]) / rate
    return [usd for amounts in latest.values() for usd in amounts.values()]


def test_the_named_products_price_is_compared_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    [nexcar] = _in_force("IN", "actalycabtagene-autoleucel")
    expected = 100 * (1 - nexcar / median(_in_force("US")))
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert record["product"] == "actalycabtagene-autoleucel"
    stated = float(re.search(r"less by (\d+\.\d+)%", record["evidence"]).group(1))
    assert round(stated, 2) == round(expected, 2)
    low, high = record["range"]  # "roughly a tenth": 1 − 1/9 to 1 − 1/11
    assert (low, high) == (round(100 * (1 - 1 / 9), 1), round(100 * (1 - 1 / 11), 1))
    verdict = "supported" if low <= round(expected, 1) <= high else "contradicted"
    assert record["verdict"] == verdict
    assert_api_and_page(evidence_client, PAGE, [verdict])

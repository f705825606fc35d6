"""A price verdict names the prices the source rule keeps out of it: US list prices of Carvykti,
Abecma and Aucatzyl are recorded only from secondary pages, so "$375,000 to over $500,000" was
judged on six prices up to $487,477 with no word that Aucatzyl's $525,000, read on such a page,
lies past the top. They are listed, not counted, and the one past the top is named. Recomputed
from prices.csv by a plain route, on the CLI, the API, the /article page and a claims file (the
report's claims table)."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows

PAGE = "In the US, the price of CAR-T therapy ranges from $375,000 to over $500,000.\n"
KINDS = ("list", "WAC", "insurance_negotiated")


def _uncounted_us() -> list[tuple[str, int, float]]:
    """(product, year, amount) of the latest prices of US products with no price the verdicts
    may count (every one read on a secondary page or noted as low reliability)."""
    priced = [
        r
        for r in rows("prices.csv")
        if r["country"] == "US" and r["currency"] == "USD" and r["kind"] in KINDS
    ]

    def counted(r: dict) -> bool:
        return r["source_kind"] != "secondary" and "low reliability" not in r["note"].lower()

    with_counted = {r["product_id"] for r in priced if counted(r)}
    rest = [r for r in priced if r["product_id"] not in with_counted]
    latest = {}
    for r in rest:
        latest[r["product_id"]] = max(latest.get(r["product_id"], 0), int(r["year"]))
    return sorted(
        {
            (r["product_id"], int(r["year"]), float(r["amount"]))
            for r in rest
            if int(r["year"]) == latest[r["product_id"]]
        }
    )


def test_uncounted_prices_are_named_on_every_surface(evidence_store, evidence_client, tmp_path):
    uncounted = _uncounted_us()
    assert uncounted, "the evidence has US prices read only on secondary pages"
    said = [f"{p} US {y} {a:,.0f} USD" for p, y, a in uncounted]
    past = [f"{p} {a:,.0f} USD" for p, _, a in uncounted if a >= 495_000]  # 500,000 read ±1 %
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    assert all(s in record["evidence"] for s in said), record["evidence"]
    if past:
        assert f"(past the top, not counted: {', '.join(past)})" in record["evidence"]
    assert_api_and_page(evidence_client, PAGE, [record["verdict"]])
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert api["claims"][0]["evidence"] == record["evidence"]
    page = evidence_client.post("/article", data={"text": PAGE}).text
    assert all(s in page for s in said)
    [table] = claims_table(
        evidence_store,
        tmp_path,
        "claims:\n  - id: p\n    text: US prices\n    metric: price_usd\n    countries: [US]\n"
        "    range: [375000, null]\n    top_over: 500000\n",
    )
    assert all(s in table["evidence"] for s in said)

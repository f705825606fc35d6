"""A product whose price in a country is recorded only from a secondary page has a price
recorded there: "Carvykti costs $465,000 in the United States" said "no price recorded for US"
though prices.csv holds cilta-cel's 2022 US WAC of 465,000 USD (read on a secondary page). The
verdict stays no data (the source rule counts no such price) and names the price it kept out.
Recomputed from prices.csv by a plain route, on the CLI, the API and the /article page."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = "Carvykti costs $465,000 in the United States.\n"


def _cilta_us() -> list[dict]:
    return [
        r
        for r in rows("prices.csv")
        if r["product_id"] == "ciltacabtagene-autoleucel" and r["country"] == "US"
    ]


def test_cilta_cel_us_price_is_recorded_from_secondary_pages_only():
    prices = _cilta_us()
    assert prices and {r["source_kind"] for r in prices} == {"secondary"}
    assert 465_000 in {float(r["amount"]) for r in prices}


def test_a_secondary_only_price_is_named_not_denied_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    [record] = cli_records(evidence_store, tmp_path, PAGE)
    latest = max(int(r["year"]) for r in _cilta_us())
    amount = max(float(r["amount"]) for r in _cilta_us() if int(r["year"]) == latest)
    assert record["verdict"] == "no data"
    assert "no price recorded for US" not in record["evidence"]
    assert f"ciltacabtagene-autoleucel US {latest} {amount:,.0f} USD" in record["evidence"]
    assert_api_and_page(evidence_client, PAGE, ["no data"])
    api = evidence_client.post("/api/check-article", json={"text": PAGE}).json()
    assert api["claims"][0]["evidence"] == record["evidence"]
    page = evidence_client.post("/article", data={"text": PAGE}).text
    assert f"ciltacabtagene-autoleucel US {latest} {amount:,.0f} USD" in page

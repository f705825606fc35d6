"""Each price of a sentence is checked against the product its clause names. "Yescarta costs
$373,000 in the US, while in China it costs 1,290,000 yuan" checked the second price against
every Chinese product and found it "supported" by relma-cel's 1,300,000 yuan, though Yescarta's
Chinese price is 1,200,000; "Carteyva costs …, Fucaso costs …" checked both against every
product. The verdicts are recomputed here from prices.csv by the ±1 % rule."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

AXI, RELMA, EQUE = (
    "axicabtagene-ciloleucel",
    "relmacabtagene-autoleucel",
    "equecabtagene-autoleucel",
)
PAGE = (
    "Yescarta costs $373,000 in the US, while in China it costs 1,290,000 yuan.\n\n"
    "In China, Carteyva costs 1,290,000 yuan and Fucaso costs 1,166,000 yuan.\n\n"
    "In the US, Yescarta costs $373,000, while other therapies cost $475,000.\n"
)


def _cn_yuan(product: str | None = None) -> list[float]:
    return [
        float(r["amount"])
        for r in rows("prices.csv")
        if r["country"] == "CN"
        and r["currency"] == "CNY"
        and (product is None or r["product_id"] == product)
    ]


def _near(amounts: list[float], stated: float) -> bool:
    return any(abs(amount - stated) <= 0.01 * stated for amount in amounts)


def test_the_plain_route_tells_the_products_apart():
    assert _cn_yuan(AXI) and not _near(_cn_yuan(AXI), 1_290_000)  # Yescarta's: contradicted
    assert _near(_cn_yuan(RELMA), 1_290_000)  # Carteyva's: supported
    assert _near(_cn_yuan(), 1_290_000)  # any product's: would have been supported
    assert _cn_yuan(EQUE) == []  # Fucaso has no recorded Chinese price


def test_each_price_is_checked_against_its_own_product_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    assert [(r["product"], r["countries"]) for r in records] == [
        (AXI, ["US"]),
        (AXI, ["CN"]),
        (RELMA, ["CN"]),
        (EQUE, ["CN"]),
        (AXI, ["US"]),
        (None, ["US"]),  # "other therapies": every US product
    ]
    verdicts = [r["verdict"] for r in records]
    assert verdicts[1:4] == ["contradicted", "supported", "no data"]
    assert RELMA not in records[1]["evidence"] and AXI in records[1]["evidence"]
    assert records[3]["evidence"] == f"no price of {EQUE} recorded for CN"
    assert_api_and_page(evidence_client, PAGE, verdicts)


def test_a_replaced_price_at_the_figure_is_named_beside_the_verdict(
    evidence_store, evidence_client, tmp_path
):
    """ "Yescarta costs $373,000" is contradicted by its latest US price, and the verdict names
    the earlier price that was at it, so a reader sees where the figure comes from."""
    us = [r for r in rows("prices.csv") if r["product_id"] == AXI and r["country"] == "US"]
    counted = [r for r in us if r["kind"] in ("list", "WAC") and r["source_kind"] != "secondary"]
    latest = max(int(r["year"]) for r in counted)
    assert not _near([float(r["amount"]) for r in counted if int(r["year"]) == latest], 373_000)
    earlier = sorted(int(r["year"]) for r in counted if float(r["amount"]) == 373_000)
    assert earlier and earlier[-1] < latest
    named = f"an earlier price was at it, no longer in force: {AXI} (LBCL) US {earlier[-1]} 373,000"
    [record] = cli_records(evidence_store, tmp_path, "Yescarta costs $373,000.\n")
    assert record["verdict"] == "contradicted" and named in record["evidence"]
    api = evidence_client.post("/api/check-article", json={"text": "Yescarta costs $373,000.\n"})
    assert named in api.json()["claims"][0]["evidence"]
    page = evidence_client.post("/article", data={"text": "Yescarta costs $373,000.\n"}).text
    assert named in page


def test_an_unknown_product_keeps_its_price_from_the_known_one(evidence_store, tmp_path):
    """ "Yescarta costs $373,000 while zorbacabtagene costs $50,000": the $50,000 is not
    Yescarta's, so it is never checked against Yescarta's prices; two known products in one
    sentence take one price each."""
    text = (
        "Yescarta costs $373,000 while zorbacabtagene costs $50,000.\n\n"
        "In the US, Yescarta costs $373,000 and Kymriah $475,000.\n"
    )
    records = cli_records(evidence_store, tmp_path, text)
    products = [r.get("product") for r in records]
    assert products == [AXI, None, AXI, "tisagenlecleucel"]
    assert AXI not in (records[1].get("evidence") or "")


def test_one_recorded_price_is_named_as_such(evidence_store, evidence_client, tmp_path):
    """With one recorded price in force the evidence read "recorded prices run
    399,000–399,000 USD"; it names that price. Recomputed: the latest US list or WAC price of
    axi-cel from a source that is not secondary and not noted as low reliability."""
    us = [
        r
        for r in rows("prices.csv")
        if r["product_id"] == AXI
        and r["country"] == "US"
        and r["kind"] in ("list", "WAC")
        and r["source_kind"] != "secondary"
        and "low reliability" not in r["note"].lower()
    ]
    latest = max(int(r["year"]) for r in us)
    [amount] = {float(r["amount"]) for r in us if int(r["year"]) == latest}
    named = f"no price is at it (the recorded price is {amount:,.0f} USD)"
    ranged = f"{amount:,.0f}–{amount:,.0f}"
    text = "Yescarta costs $373,000.\n"
    [record] = cli_records(evidence_store, tmp_path, text)
    assert record["verdict"] == "contradicted" and named in record["evidence"]
    assert ranged not in record["evidence"]
    api = evidence_client.post("/api/check-article", json={"text": text}).json()
    assert named in api["claims"][0]["evidence"]
    page = evidence_client.post("/article", data={"text": text}).text
    assert named in page and ranged not in page

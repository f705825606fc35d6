"""An approval date belongs to the product and the country named nearest it: "China approved its
first CAR-T therapy in 2021, four years after the United States approved Kymriah in 2017" dated
Kymriah in China twice (2021 and 2017, both "no data"), and "In 2017, the FDA approved Kymriah"
was not read at all (a capital "In"). Recomputed from approvals.csv: Kymriah's FDA approval is
dated 2017 and it has no CN approval."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, cli_records, rows

PAGE = (
    "China approved its first CAR-T therapy in 2021, four years after the United States "
    "approved Kymriah in 2017.\n\n"
    "In 2017, the FDA approved Kymriah.\n"
)


def test_kymriah_is_dated_2017_in_the_us_and_never_in_cn():
    tisa = [r for r in rows("approvals.csv") if r["product_id"] == "tisagenlecleucel"]
    assert any(r["country"] == "US" and r["approval_date"].startswith("2017") for r in tisa)
    assert not any(r["country"] == "CN" for r in tisa)


def test_each_date_takes_its_own_product_and_country_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    dated = [(r["words"], r["product"], r["countries"], r["verdict"]) for r in records]
    assert dated == [
        ("2017", "tisagenlecleucel", ["US"], "supported"),
        ("2017", "tisagenlecleucel", ["US"], "supported"),
    ], dated
    assert_api_and_page(evidence_client, PAGE, ["supported", "supported"])

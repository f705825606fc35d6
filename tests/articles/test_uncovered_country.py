"""A sentence naming a country the evidence does not cover ("In Brazil, CAR-T costs about
$300,000") is checked for that country and finds no data; it was checked against the US, named
in the sentence before, and contradicted. The rows are read directly to show Brazil has none."""

from __future__ import annotations

from tests.articles.surfaces import assert_api_and_page, claims_table, cli_records, rows

PAGE = (
    "Complete response rates in DLBCL range from 40% to 55% in the US.\n\n"
    "In Brazil, CAR-T therapy costs about $300,000.\n\n"
    "In Brazil, complete response rates in DLBCL are about 50%.\n"
)
CLAIMS = """claims:
  - id: br-price
    text: "In Brazil, CAR-T therapy costs about $300,000."
    metric: price_usd
    countries: [BR]
    range: [270000, 330000]
"""


def test_a_country_without_evidence_gets_no_data_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    assert not any(r["country"] == "BR" for r in rows("prices.csv"))
    assert not any(r["country_of_conduct"] == "BR" for r in rows("studies.csv"))
    records = cli_records(evidence_store, tmp_path, PAGE)
    assert [(r["countries"], r["verdict"]) for r in records] == [
        (["US"], "supported"),
        (["BR"], "no data"),
        (["BR"], "no data"),
    ]
    assert records[1]["evidence"] == "no price recorded for BR"
    assert_api_and_page(evidence_client, PAGE, ["supported", "no data", "no data"])
    [table] = claims_table(evidence_store, tmp_path, CLAIMS)
    assert (table["verdict"], table["evidence"]) == ("no data", "no price recorded for BR")


def test_every_other_country_is_found_by_name_not_by_a_common_word():
    from cartatlas.analyses.article.names import countries

    found = countries("Patients travel from Brazil and Spain to China.")
    assert [c for c, _ in found] == ["BR", "ES", "CN"]
    assert countries("Jordan et al. reported it in Georgia.") == []
    assert [c for c, _ in countries("Taiwan and South Africa")] == ["TW", "ZA"]


def test_a_country_whose_name_holds_another_is_found_whole():
    """One pattern of every other country, longest names first: "South Sudan" was read as
    Sudan and "Papua New Guinea" and "Guinea-Bissau" as Guinea, the shorter names' patterns
    running before theirs."""
    from cartatlas.analyses.article.names import countries

    text = "South Sudan, Guinea-Bissau, Papua New Guinea, Guinea, Niger and Nigeria"
    assert [c for c, _ in countries(text)] == ["SS", "GW", "PG", "GN", "NE", "NG"]

"""A cost per responder whose price is years older (or newer) than the approval that dates its
trial says so beside the cost, on every surface.

Germany's only recorded axi-cel price is Gilead's 2019 one; ZUMA-7 (second line) was approved
in the EU in 2022, so the German ZUMA-7 cost divides a 2019 price while the US row beside it
divides a 2022 one. The row read only "latest recorded by the 2022 DE approval" next to price
year 2019, and a reader comparing 563,144 with 613,846 USD took the difference for a German
discount. The gap is recomputed here from approvals.csv and prices.csv with the csv module and
asserted on the analysis, the CLI, the JSON API, the report's table, its Markdown and the
dashboard's cost page.
"""

from __future__ import annotations

import pytest

from tests.golden import plain
from tests.report.cost_surfaces import cost_surfaces, per_responder_records

PAIR = ("DE", "US")
# (study, country, product, indication, line of the trial)
CASES = [
    ("ZUMA-7", "DE", "axicabtagene-ciloleucel", "LBCL", "2L"),
    ("ZUMA-1", "DE", "axicabtagene-ciloleucel", "LBCL", "3L+"),
    ("ZUMA-7", "US", "axicabtagene-ciloleucel", "LBCL", "2L"),
    ("KarMMa-3", "US", "idecabtagene-vicleucel", "MM", "3L+"),
]
AGENCY_COUNTRY = {"DE": {"DE", "EU"}, "US": {"US"}}


def _approval_year(country: str, product: str, indication: str, line: str) -> int:
    dates = [
        a["approval_date"]
        for a in plain.rows("approvals")
        if a["country"] in AGENCY_COUNTRY[country]
        and (a["product_id"], a["indication"], a["line_of_therapy"]) == (product, indication, line)
        and a["approval_date"]
    ]
    return int(min(dates)[:4])


def _indication(price: dict[str, str], country: str) -> str:
    """The one the source names, else the product's only indication approved for ``country``
    (by the EMA for Germany) by the end of the price's year."""
    found = {
        a["indication"]
        for a in plain.rows("approvals")
        if a["product_id"] == price["product_id"]
        and a["country"] in AGENCY_COUNTRY[country]
        and a["approval_date"]
        and int(a["approval_date"][:4]) <= int(price["year"])
    }
    return price["indication"] or (found.pop() if len(found) == 1 else "")


def _price_years(country: str, product: str, indication: str) -> set[int]:
    return {
        int(p["year"])
        for p in plain.rows("prices")
        if (p["product_id"], p["country"]) == (product, country)
        and _indication(p, country) == indication
        and "low reliability" not in p["note"].lower()
    }


def _by_hand(country: str, product: str, indication: str, line: str) -> tuple[int, str]:
    """(price year, why): the latest price year up to the approval's, else the nearest later,
    with the years between them."""
    approved = _approval_year(country, product, indication, line)
    years = _price_years(country, product, indication)
    earlier = [y for y in years if y <= approved]
    if earlier:
        year = max(earlier)
        why = f"latest recorded by the {approved} {country} approval"
        gap = approved - year
        if gap:
            plural = "s" if gap > 1 else ""
            why += f", {gap} year{plural} older: the price in force then is not recorded"
        return year, why
    year = min(years)
    plural = "s" if year - approved > 1 else ""
    return year, (
        f"none recorded by the {approved} {country} approval: nearest later, "
        f"{year - approved} year{plural} after it"
    )


EXPECTED = {(c[0], c[1]): _by_hand(*c[1:]) for c in CASES}


def test_the_hand_route_finds_the_german_2019_price_three_years_before_zuma7():
    assert EXPECTED[("ZUMA-7", "DE")][0] == 2019
    assert "2022 DE approval, 3 years older" in EXPECTED[("ZUMA-7", "DE")][1]
    assert EXPECTED[("ZUMA-1", "DE")][1].endswith("nearest later, 1 year after it")
    assert EXPECTED[("ZUMA-7", "US")] == (2022, "latest recorded by the 2022 US approval")
    assert EXPECTED[("KarMMa-3", "US")][0] == 2021


def test_analysis_cli_and_api_say_the_gap(evidence_store, evidence_client):
    for rows in per_responder_records(evidence_store, evidence_client, PAIR):
        got = {(r["study_id"], r["country"]): r for r in rows}
        for key, (year, why) in EXPECTED.items():
            assert int(got[key]["price_year"]) == year, key
            assert got[key]["price_choice"] == why, key


@pytest.fixture(scope="module")
def surfaces(evidence_store, evidence_client, tmp_path_factory):
    return cost_surfaces(evidence_store, evidence_client, tmp_path_factory.mktemp("md"), PAIR)


def test_report_markdown_and_dashboard_say_the_gap(surfaces):
    for (study, country), (year, why) in EXPECTED.items():
        surfaces.assert_why(study, country, str(year), why)

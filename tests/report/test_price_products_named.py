"""Price ranges of different products are said to be different, next to the numbers.

Spain's one recorded price (96,271 USD) is varnimcabtagene-autoleucel's, a hospital-made
product; India's are two local products'; the US range covers the commercial products. Side by
side, with no product named, "96,271 USD" against "373,000–487,477 USD" read as the same therapy
four times cheaper in Spain. The products behind each country's headline range are recomputed
here from prices.csv with the csv module and asserted on the Cost lead (report section, the
`report` command's Markdown, the dashboard's overview and cost page) and on the side-by-side
price cells (report and Markdown).
"""

from __future__ import annotations

import html

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost, side_by_side
from cartatlas.store import open_store
from tests.golden import plain

PRODUCT_KINDS = {"list", "WAC", "insurance_negotiated"}
PAIRS = [("DE", "US"), ("CN", "US", "IN", "ES")]


def _products(country: str) -> list[str]:
    """Products with a price a headline may count: a product price not read on a secondary
    page nor noted as low reliability (a news price beside a stronger one drops only that
    row, never the product)."""
    return sorted(
        {
            p["product_id"]
            for p in plain.rows("prices")
            if p["country"] == country
            and p["kind"] in PRODUCT_KINDS
            and p["source_kind"] != "secondary"
            and "low reliability" not in p["note"].lower()
        }
    )


def _named(products: list[str], every: bool = False) -> str:
    if len(products) > 3 and not every:
        return f"{len(products)} products"
    return products[0] if len(products) == 1 else ", ".join(products[:-1]) + " and " + products[-1]


def _sentence(countries: tuple[str, ...]) -> str:
    shared = sorted(set.intersection(*(set(_products(c)) for c in countries)))
    return (
        "Not like for like: the ranges cover different products (priced in all of them: "
        f"{', '.join(shared) or 'none'})."
    )


def _behind(countries: tuple[str, ...]) -> str:
    each = "; ".join(f"{c}: {_named(_products(c), every=True)}" for c in countries)
    return f"Products behind each range: {each}."


def test_the_hand_route_reads_spain_as_one_product_and_nothing_shared():
    assert _products("ES") == ["varnimcabtagene-autoleucel"]
    assert _products("DE") == ["axicabtagene-ciloleucel", "tisagenlecleucel"]
    assert _sentence(PAIRS[1]).endswith("(priced in all of them: none).")


@pytest.mark.parametrize("countries", PAIRS, ids="-".join)
def test_every_cost_lead_says_the_ranges_price_different_products(
    evidence_store, evidence_client, tmp_path, countries
):
    said, behind = _sentence(countries), _behind(countries)
    with open_store(evidence_store, read_only=True) as store:
        section = cost.build(ReportContext(store, list(countries)))
    assert said in section.answer
    assert behind in [getattr(b, "text", "") for b in section.blocks]
    args = ["--db", evidence_store, "report", *countries, "--out", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, "--format", "md"])
    assert result.exit_code == 0, result.output
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    assert said in markdown and behind in markdown
    query = "&".join(f"{k}={c}" for k, c in zip("abcd", countries, strict=False))
    assert said in html.unescape(evidence_client.get(f"/?{query}").text)
    page = html.unescape(evidence_client.get(f"/q/cost?{query}").text)
    assert said in page and behind in page


def test_side_by_side_cells_name_the_products(evidence_store, tmp_path):
    countries = PAIRS[1]
    with open_store(evidence_store, read_only=True) as store:
        table = side_by_side.build(ReportContext(store, list(countries))).blocks[0]
    args = ["--db", evidence_store, "report", *countries, "--out", str(tmp_path)]
    assert CliRunner().invoke(app, [*args, "--format", "md"]).exit_code == 0
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    rows = {row[0]: row[1:] for row in table.rows}
    for label, unit in (
        ("product price, USD (same-year rate)", "USD"),
        ("product price, PPP (international $)", "int$"),
    ):
        for country, cell in zip(countries, rows[label], strict=True):
            assert f" {unit} for {_named(_products(country))} " in cell, (label, country)
    assert " USD for varnimcabtagene-autoleucel (news reports only)" in markdown

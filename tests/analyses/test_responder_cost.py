"""Cost per responder pairs price and response rate by product, indication and country."""

from __future__ import annotations

from cartatlas.analyses.responder_cost import cost_per_responder, eligible_prices
from cartatlas.store import open_store


def test_a_us_price_is_never_divided_by_a_chinese_trial(evidence_store):
    """The US cilta-cel price was divided by the CR rate of CARTIFAN-1 (CN)."""
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, ["CN", "US"])
    cartifan = frame[frame["study_id"] == "CARTIFAN-1"]
    assert list(cartifan["country"]) == ["CN"]
    assert cartifan["status"].iloc[0].startswith("no data")
    domestic = frame[frame["trial_country"] != "multinational"]
    assert (domestic["trial_country"] == domestic["country"]).all()


def test_eliana_uses_the_all_price_and_names_cr_cri(evidence_store):
    """ELIANA (B-ALL) was divided into Kymriah's lymphoma price and printed CR/CRi as CR."""
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, ["CN", "US"]).set_index("study_id")
    eliana = frame.loc["ELIANA"]
    assert (eliana["price_usd"], eliana["price_year"], eliana["endpoint"]) == (
        475000.0,
        2017,
        "CR/CRi",
    )
    assert eliana["cost_usd"] == 475000 / (eliana["events"] / eliana["n"])
    assert {frame.loc[s, "endpoint"] for s in ("ZUMA-3", "FELIX")} == {"CR/CRi"}
    assert frame.loc["ZUMA-1", "endpoint"] == "CR"


def test_a_low_reliability_price_never_enters(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        prices = eligible_prices(store, ["CN", "US"])
        frame = cost_per_responder(store, ["CN", "US"])
        [(url,)] = store.execute(
            "SELECT source_url FROM evidence_prices WHERE lower(note) LIKE '%low reliability%'"
        )
    assert url not in set(prices["source_url"]) and url not in set(frame["price_source_url"])


def test_the_report_prints_each_paired_price_year_as_the_csv_writes_it(evidence_store):
    """The price-year column came out as '2023.0' (a float column, as unpaired rows are NaN):
    each printed year must be one of prices.csv's years, written as there."""
    import csv
    from pathlib import Path

    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections.cost import _cost_per_responder

    data = Path(__file__).resolve().parents[2] / "src/cartatlas/evidence/data/prices.csv"
    with data.open(encoding="utf-8") as handle:
        years = {row["year"] for row in csv.DictReader(handle)}
    with open_store(evidence_store, read_only=True) as store:
        table = _cost_per_responder(ReportContext(store, ["CN", "US"]))
    column = table.columns.index("price year")
    printed = [row[column] for row in table.rows if row[column]]
    assert printed and set(printed) <= years

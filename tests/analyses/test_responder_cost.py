"""Cost per responder pairs price and response rate by product, indication and country."""

from __future__ import annotations

from cartatlas.analyses.responder_cost import cost_per_responder, usable_prices
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
        prices = usable_prices(store, ["CN", "US"])
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


def _expected_pairings() -> dict[tuple[str, str], tuple[int, int]]:
    """(study, country) → (readout year, price year), recomputed from the CSV rows: the study's
    readout is dated by the first approval in that country for its product, indication and line
    (else indication); the price is the latest of that product and indication (its line not
    contradicting the study's) recorded by then, else the earliest later one."""
    from tests.golden import plain

    approvals = [a for a in plain.rows("approvals") if a["approval_date"]]
    prices = [
        p
        for p in plain.rows("prices")
        if p["kind"] in {"list", "WAC", "insurance_negotiated"}
        and p["year"]
        and "low reliability" not in p["note"].lower()
    ]
    expected = {}
    for study in plain.rows("studies"):
        if study["registrational"].lower() != "true":
            continue
        for country in ("CN", "US"):
            mine = [
                a
                for a in approvals
                if (a["product_id"], a["country"], a["indication"])
                == (study["product_id"], country, study["indication"])
            ]
            same_line = [a for a in mine if a["line_of_therapy"] == study["line_of_therapy"]]
            dates = sorted(a["approval_date"] for a in (same_line or mine))
            if not dates:
                continue
            readout = int(dates[0][:4])
            years = {
                int(p["year"])
                for p in prices
                if (p["product_id"], p["country"]) == (study["product_id"], country)
                and plain.price_indication(p) == study["indication"]
                and p["line_of_therapy"] in ("", study["line_of_therapy"])
            }
            before = [y for y in years if y <= readout]
            later = [y for y in years if y > readout]
            if before or later:
                expected[(study["study_id"], country)] = (
                    readout,
                    max(before) if before else min(later),
                )
    return expected


def test_each_trial_is_paired_with_the_price_of_its_own_era(evidence_store):
    """ZUMA-7 (axi-cel, second-line LBCL, FDA 2022) was divided into the 2018 price; every
    paired price is now the one in force at the approval the trial supported (or the nearest
    later), of the same product, indication and country, and the report names it."""
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections.cost import _cost_per_responder

    expected = _expected_pairings()
    with open_store(evidence_store, read_only=True) as store:
        frame = cost_per_responder(store, ["CN", "US"])
        table = _cost_per_responder(ReportContext(store, ["CN", "US"]))
    paired = frame[frame["price_year"].notna()]
    got = {
        (r.study_id, r.country): (int(r.readout_approval[:4]), int(r.price_year))
        for r in paired.itertuples()
    }
    listed = set(zip(frame["study_id"], frame["country"], strict=True))
    assert got == {k: v for k, v in expected.items() if k in listed}
    assert got[("ZUMA-7", "US")] == (2022, 2022) and got[("ZUMA-1", "US")] == (2017, 2017)
    zuma7 = paired.set_index("study_id").loc["ZUMA-7"]
    assert zuma7["price_usd"] == 399000 and zuma7["indication"] == "LBCL"
    rows = {row[3].split(" (")[0]: row for row in table.rows}
    why = table.columns.index("why this price")
    assert rows["ZUMA-7"][table.columns.index("price year")] == "2022"
    assert rows["ZUMA-7"][why] == "latest recorded by the 2022 US approval"
    assert ": nearest later, " in rows["Inati-cel pivotal phase 2 in adult R/R B-ALL"][why]


def test_a_source_standing_for_both_rate_and_approval_is_cited_once(evidence_store):
    """ZUMA-5 (FL): the FDA page is both the pooled rate's source (the label row, IRC 49/81) and
    the approval that dates it; the sources cell cited it twice ("[45] [45]")."""
    from cartatlas.report.context import ReportContext
    from cartatlas.report.sections.cost import _cost_per_responder
    from tests.golden import plain

    (rate,) = [
        o["source_url"]
        for o in plain.rows("outcomes")
        if o["study_id"] == "ZUMA-5" and o["endpoint"] == "CR" and o["analysis"] == "label"
    ]
    approvals = {
        a["source_url"]
        for a in plain.rows("approvals")
        if a["product_id"] == "axicabtagene-ciloleucel"
        and a["agency"] == "FDA"
        and a["indication"] == "FL"
    }
    assert rate in approvals
    with open_store(evidence_store, read_only=True) as store:
        table = _cost_per_responder(ReportContext(store, ["CN", "US"]))
    trial, sources = table.columns.index("trial (conducted in)"), len(table.columns) - 1
    (row,) = [r for r in table.rows if r[trial].startswith("ZUMA-5")]
    cites = row[sources].split()
    assert cites and len(cites) == len(set(cites))
    assert all(len(r[sources].split()) == len(set(r[sources].split())) for r in table.rows)

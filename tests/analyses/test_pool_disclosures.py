"""What a haematologist needs beside a pooled complete-response rate, recomputed straight from
the CSV rows and asserted on the CLI, the report (which the dashboard's question page renders)
and the API:

- a myeloma cohort left out of the CR pool because it prints only a stringent CR (CARTITUDE-1,
  the largest US pivotal trial: sCR 65/97) is named with the floor its sCR sets;
- the API names the cohorts left out (no such row, or secondary pages only) as the CLI and the
  report do;
- the "What differs besides country" table counts each line of therapy, assessor and
  denominator over the pooled cohorts, unstated ones included, so "IRC" never stands for a pool
  in which most cohorts had no independent review;
- where a pool mixes endpoints (B-ALL: CR/CRi where the paper reports it, else CR), the same
  table and the caveat beside the country difference count each country's cohorts per endpoint
  (the B-ALL pool gave "93% in CN vs 89% in US" with the mix said only per study).
"""

from __future__ import annotations

import html
import json
import warnings

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import success
from cartatlas.store import open_store
from cartatlas.web.app import create_app
from tests.golden import plain

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

DEEPER = ["sCR", "MRD_neg_CR"]  # sCR first where a cohort prints both
NAMES = {"sCR": "sCR", "MRD_neg_CR": "MRD-negative CR"}


def _floors(indication: str, countries: list[str]) -> list[tuple[str, str, int, int]]:
    """(study, country, events, n) of each whole-cohort sCR or MRD-negative CR row of a cohort
    conducted in ``countries`` with no CR row at all (CR/CRi too in B-ALL): not read on a
    secondary page, sCR first, then the primary analysis (plain.ANALYSIS)."""
    return [f[:4] for f in _floors_with_code(indication, countries)]


def _floors_with_code(
    indication: str, countries: list[str]
) -> list[tuple[str, str, int, int, str]]:
    studies = {
        s["study_id"]: s
        for s in plain.rows("studies")
        if s["indication"] == indication
        and s["country_of_conduct"] in countries
        and not s["overlaps_with"]
        and s["population_group"] in ("", "standard")
    }
    outcomes = [o for o in plain.rows("outcomes") if o["study_id"] in studies]
    with_cr = {o["study_id"] for o in outcomes if o["endpoint"] in ("CR", "CR_CRi")}
    found = {}
    for o in outcomes:
        if (
            o["endpoint"] not in DEEPER
            or o["study_id"] in with_cr
            or o["source_kind"] == "secondary"
            or o["subgroup"]
        ):
            continue
        rank = (DEEPER.index(o["endpoint"]), plain.ANALYSIS.index(o["analysis"]))
        if o["study_id"] not in found or rank < found[o["study_id"]][0]:
            found[o["study_id"]] = (rank, o)
    return sorted(
        (s, studies[s]["country_of_conduct"], int(o["events"]), int(o["n"]), o["endpoint"])
        for s, (_, o) in found.items()
    )


def _said(floor: tuple) -> str:
    study, country, events, n = floor[:4]
    code = floor[4] if len(floor) > 4 else "sCR"
    return f"at least {round(100 * events / n)}% in {study} ({country}; {NAMES[code]} {events}/{n})"


@pytest.fixture(scope="module")
def section(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        return success.build(ReportContext(store, ["CN", "US"]))


@pytest.fixture(scope="module")
def api(evidence_store):
    with TestClient(create_app(evidence_store)) as client:
        yield client


def test_floors_recomputed_from_the_csv():
    floors = _floors("MM", ["CN", "US"])
    assert ("CARTITUDE-1", "US", 65, 97) in floors  # the US pivotal trial, 67% sCR
    assert all(f[1] in ("CN", "US") for f in floors)


def test_cli_names_each_floor(evidence_store):
    expected = _floors("MM", ["CN", "US"])
    runner = CliRunner()
    args = ["--db", evidence_store, "meta", "--indication", "MM", "--endpoint", "CR"]
    document = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    got = sorted(
        (f["study_id"], f["country"], f["events"], f["n"])
        for f in document["complete_response_floors"]
    )
    assert got == expected
    text = " ".join(runner.invoke(app, [*args, "--wide"]).stdout.split())
    assert all(_said(f) in text for f in expected)


def test_report_and_api_name_each_floor(section, api):
    expected = _floors("MM", ["CN", "US"])
    paragraphs = " ".join(getattr(block, "text", "") for block in section.blocks)
    assert all(_said(f) in paragraphs for f in expected)
    body = api.get("/api/meta", params={"indication": "MM", "endpoint": "CR"}).json()
    got = sorted(
        (f["study_id"], f["country"], f["events"], f["n"]) for f in body["complete_response_floors"]
    )
    assert got == expected
    assert body["floor_rule"]
    # no stringent CR outside myeloma: no floor, no rule
    lbcl = api.get("/api/meta", params={"indication": "LBCL", "endpoint": "CR"}).json()
    assert lbcl["complete_response_floors"] == [] and lbcl["floor_rule"] is None


def test_api_names_the_cohorts_left_out(api):
    body = api.get("/api/meta", params={"indication": "LBCL", "endpoint": "CR"}).json()
    expected = [f"{s} ({c})" for c in ("CN", "US") for s in plain.secondary_only("LBCL", "CR", c)]
    assert sorted(body["secondary_only"]) == sorted(expected) and expected
    mm = api.get("/api/meta", params={"indication": "MM", "endpoint": "CR"}).json()
    assert "CARTITUDE-1 (US; reports ORR, sCR)" in mm["left_out"]


def _tally(values: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        key = value or "not stated"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _cell(cell: str) -> dict[str, int]:
    """ "IRC 2, not stated 5" -> {"IRC": 2, "not stated": 5}."""
    return {name: int(count) for name, count in (p.rsplit(" ", 1) for p in cell.split(", "))}


def _differences(section, indication: str, what: str = "complete response") -> list:
    """The "What differs besides country" table of ``indication`` for the cohorts pooled for
    ``what``: the one that follows its "Rates by country of conduct" table."""
    found, current = [], None
    for block in section.blocks:
        title = getattr(block, "title", "")
        if title.startswith("Rates by country of conduct, "):
            current = title.removeprefix("Rates by country of conduct, ")
        elif current == indication and title.endswith(f"(studies pooled for {what})"):
            found.append(block)
    return found


DIFFERENCES = [(i, "CR") for i in ("LBCL", "MM", "B-ALL")]
# ORR: every indication whose ORR the two countries both report, so a difference is tested
DIFFERENCES += [(i, "ORR") for i in ("LBCL", "MM", "MCL")]
WHAT = {"CR": "complete response", "ORR": "overall response"}


def test_orr_differences_cover_every_tested_orr_pair():
    """The ORR pairs above are exactly those with pooled cohorts on both sides."""
    both = [
        i
        for i in ("LBCL", "B-ALL", "MM", "FL", "MCL")
        if all(plain.selected(i, "ORR", c) for c in ("CN", "US"))
    ]
    assert both == [i for i, e in DIFFERENCES if e == "ORR"]


@pytest.mark.parametrize(("indication", "endpoint"), DIFFERENCES, ids="-".join)
def test_differences_table_counts_every_cohort(section, indication, endpoint):
    """Line, assessor and denominator of each pooled cohort, read from the CSV rows the simple
    route selects, counted per country: the table's cells give the same counts, unstated ones
    included, and add up to the pooled cohorts. ORR too, where the countries' ORR is compared
    (MCL: an IRC-read US label review against a Chinese cohort with no assessor stated)."""
    studies = {s["study_id"]: s for s in plain.rows("studies")}
    [table] = _differences(section, indication, WHAT[endpoint])
    columns = table.columns
    rows = {row[0]: row for row in table.rows}
    for country in ("CN", "US"):
        pooled = {s for s, _, _ in plain.selected(indication, endpoint, country)}
        chosen = {
            s: o for s, o in plain.chosen_rows(indication, endpoint, country).items() if s in pooled
        }
        row = rows[country]
        assert row[columns.index("real-world cohorts")].endswith(f" of {len(pooled)}")
        assert _cell(row[columns.index("line of therapy")]) == _tally(
            [studies[s]["line_of_therapy"] for s in pooled]
        )
        assert _cell(row[columns.index("response assessor")]) == _tally(
            [o["assessor"] for o in chosen.values()]
        )
        assert _cell(row[columns.index("denominator")]) == _tally(
            [o["denominator"] for o in chosen.values()]
        )
    if (indication, endpoint) == ("LBCL", "CR"):  # misled: independent review in some cohorts
        assessed = _cell(rows["US"][columns.index("response assessor")])
        assert assessed.get("IRC", 0) < sum(assessed.values()) and "not stated" in assessed


def test_same_product_names_the_floor_on_every_surface(evidence_store, section, api):
    """cilta-cel, CR: the US row rests on a real-world cohort, while its US pivotal trial prints
    only sCR; each surface gives that trial's floor beside the like-for-like comparison."""
    product = "ciltacabtagene-autoleucel"
    products = {s["study_id"]: s["product_id"] for s in plain.rows("studies")}
    expected = [f for f in _floors("MM", ["CN", "US"]) if products[f[0]] == product]
    assert [f[0] for f in expected] == ["CARTITUDE-1"]
    cli = CliRunner().invoke(
        app, ["--db", evidence_store, "same-product", "--product", "cilta-cel", "--format", "json"]
    )
    rows = json.loads(cli.stdout)
    for study, country, events, n in expected:
        [row] = [r for r in rows if r["endpoint"] == "CR" and r["country"] == country]
        assert _said((study, country, events, n)) in row["cr_floor"]
    note = " ".join(
        getattr(b, "note", "") or ""
        for b in section.blocks
        if getattr(b, "title", "") == f"Same product in both countries: {product}"
    )
    assert all(_said(f) in note for f in expected)
    body = api.get("/api/meta/same-product", params={"product": product}).json()
    [cr] = [c for c in body["comparisons"] if c["indication"] == "MM" and c["endpoint"] == "CR"]
    got = [
        (f["study_id"], f["country"], f["events"], f["n"]) for f in cr["complete_response_floors"]
    ]
    assert got == expected


def test_b_all_mrd_negative_floors_recomputed_from_the_csv():
    """Spain's only standard B-ALL cohort and one of Britain's print only an MRD-negative CR."""
    assert ("CART19-BE-01", "ES", 27, 38, "MRD_neg_CR") in _floors_with_code("B-ALL", ["ES"])
    assert ("ALLCAR19", "GB", 17, 20, "MRD_neg_CR") in _floors_with_code("B-ALL", ["GB"])


@pytest.mark.parametrize("pair", [["ES", "US"], ["GB", "US"]], ids=["ES-US", "GB-US"])
def test_b_all_floors_on_every_surface(pair, evidence_store, api):
    expected = _floors_with_code("B-ALL", pair)
    assert expected
    args = ["--db", evidence_store, "meta", "--indication", "B-ALL", "--countries", ",".join(pair)]
    runner = CliRunner()
    document = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    got = sorted(
        (f["study_id"], f["country"], f["events"], f["n"], f["code"])
        for f in document["complete_response_floors"]
    )
    assert got == expected
    text = " ".join(runner.invoke(app, [*args, "--wide"]).stdout.split())
    assert all(_said(f) in text for f in expected)
    body = api.get(
        "/api/meta", params={"indication": "B-ALL", "endpoint": "CR", "countries": pair}
    ).json()
    assert (
        sorted(
            (f["study_id"], f["country"], f["events"], f["n"], f["code"])
            for f in body["complete_response_floors"]
        )
        == expected
    )
    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, pair))
    paragraphs = " ".join(getattr(block, "text", "") for block in section.blocks)
    assert all(_said(f) in paragraphs for f in expected)
    # a country with no pooled B-ALL rate keeps its floor in the short answer (the overview's)
    pooled = {c for c in pair if plain.selected("B-ALL", "CR", c)}
    for floor in expected:
        short = f"{floor[1]} B-ALL: complete response {_said(floor)}"
        assert (short in section.answer) == (floor[1] not in pooled)
    page = api.get(
        "/meta", params={"indication": "B-ALL", "endpoint": "CR", "countries": pair}
    ).text
    for study, _, events, n, code in expected:
        cells = f"<td>{study}</td>"
        assert cells in page and f"<td>{NAMES[code]}</td><td>{events} / {n}</td>" in page
        assert f"<td>{100 * events / n:.1f}%</td>" in page


def _endpoint_tally(indication: str, country: str) -> dict[str, int]:
    """The endpoint of each pooled cohort's chosen row, counted, as printed ("CR/CRi", "CR")."""
    pooled = {s for s, _, _ in plain.selected(indication, "CR", country)}
    chosen = plain.chosen_rows(indication, "CR", country)
    return _tally(
        [{"CR_CRi": "CR/CRi"}.get(chosen[s]["endpoint"], chosen[s]["endpoint"]) for s in pooled]
    )


@pytest.mark.parametrize("indication", ["LBCL", "MM", "B-ALL"])
def test_a_pool_mixing_endpoints_counts_them_per_country(section, api, indication):
    """Report table, caveat sentence and dashboard page give each country's endpoint counts
    where the pool mixes CR/CRi and CR, and say nothing of endpoints where it does not."""
    tallies = {c: _endpoint_tally(indication, c) for c in ("CN", "US")}
    mixed = len({code for t in tallies.values() for code in t}) > 1
    [table] = _differences(section, indication)
    statement = next(
        str(b.text)
        for b in section.blocks
        if str(getattr(b, "text", "")).startswith("**") and f"({indication})" in str(b.text)
    )
    page = " ".join(api.get("/q/success?a=CN&b=US").text.split())
    if not mixed:
        assert "endpoint (cohorts)" not in table.columns and "endpoints" not in statement
        return
    assert indication == "B-ALL"
    column = table.columns.index("endpoint (cohorts)")
    for country, tally in tallies.items():
        [row] = [r for r in table.rows if r[0] == country]
        assert _cell(row[column]) == tally
        said = ", ".join(f"{code} {tally[code]}" for code in ("CR/CRi", "CR") if code in tally)
        assert f", endpoints {said}" in statement
        assert f", endpoints {said}" in page
    assert "CR/CRi also counts remissions without full blood-count recovery" in statement


def test_dashboard_shows_the_orr_differences_beside_the_orr_test(api):
    """The dashboard's success page is built by the report's section: the MCL ORR difference
    (p = 0.08) has its assessor and denominator counts beside it there too."""
    page = " ".join(html.unescape(api.get("/q/success?a=CN&b=US").text).split())
    title = "What differs besides country (studies pooled for overall response)"
    assert page.count(title) == sum(1 for _, e in DIFFERENCES if e == "ORR")
    assert "IRC 1" in page.split("Rates by country of conduct, MCL", 1)[1].split(title, 2)[1]


@pytest.mark.parametrize("indication", ["LBCL", "B-ALL", "MM", "FL", "MCL"])
def test_every_pooled_orr_is_listed_with_its_source_kind(section, indication):
    """The ORR rates stood in the rates table with no study list and no source (MCL's US 85.3%
    rests on a news page's copy of the label): each pooled cohort is listed with events / n,
    news rows marked, as the CR cohorts are."""
    tables = [
        b
        for b in section.blocks
        if getattr(b, "title", "") == f"Studies behind the rates: ORR in {indication}"
    ]
    cohorts = [
        (country, s, e, n)
        for country in ("CN", "US")
        for s, e, n in plain.selected(indication, "ORR", country)
    ]
    if not cohorts:
        assert not tables
        return
    [table] = tables
    assert len(table.rows) == len(cohorts)
    kinds = {
        s: o["source_kind"]
        for country in ("CN", "US")
        for s, o in plain.chosen_rows(indication, "ORR", country).items()
    }
    for (country, study, events, n), row in zip(sorted(cohorts), table.rows, strict=True):
        assert row[0] == country and row[4] == f"{events}/{n}"
        assert row[-1].endswith("news (weak source)") == (kinds[study] == "news")

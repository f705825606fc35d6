"""Safety (question 7) and regulatory safety actions, recomputed from safety.csv and
regulatory_actions.csv by a plain route and asserted in the report section and the dashboard page.

Each safety cell states events/n, its exact (Clopper–Pearson) 95% CI, and whether the source
counted neurologic events (a broader category) rather than ICANS, and "≈" before a count derived
from a printed percentage; the grading column names each
cell's own system, so a CRS grading is never read as the ICANS one, and the analysis column each
cell's data cut where a row's cells differ (ZUMA-1: the label's 108 patients, a later cut's
101). Each regulatory action is listed with its date and kind, and a news or secondary source is
marked weak.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import rules_and_payers
from cartatlas.report.sections import safety as safety_section
from cartatlas.store import open_store
from tests.golden import plain

INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
BANDS = {"CRS": ("CRS",), "ICANS": ("ICANS", "neurotoxicity")}
EEA_SAMPLE = {"ES"}


def _text(page: str) -> str:
    """A page as its reader sees it: markup gone (a cell wraps its tokens in nowrap spans),
    entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _listed(study: dict[str, str], countries: set[str], own: bool) -> bool:
    """Conducted in one of ``countries``; unless ``own``, also a multinational trial that
    treated patients in one of them or whose treating countries are not recorded."""
    if study["country_of_conduct"] in countries:
        return True
    if own or study["country_of_conduct"] != "multinational":
        return False
    treated = {c for c in study["countries"].split("|") if c}
    return not treated or bool(treated & countries)


def _multinational(countries: set[str]) -> set[str]:
    """Names of the multinational cohorts the tables list for ``countries``."""
    return {
        s["name"]
        for s in plain.rows("studies")
        if _listed(s, countries, own=False) and s["country_of_conduct"] == "multinational"
    } & set(_cells(countries))


def _cells(
    countries: set[str], indications: tuple = INDICATIONS, own: bool = False
) -> dict[str, list[str]]:
    """study name -> the cells the safety table must show for it (plain route); ``own``: only
    cohorts conducted in ``countries`` (what a country's count and comparison take)."""
    studies = {
        s["study_id"]: s
        for s in plain.rows("studies")
        if s["indication"] in indications and _listed(s, countries, own) and not s["overlaps_with"]
    }
    best: dict[tuple, tuple] = {}
    for line, row in enumerate(plain.rows("safety")):
        if row["study_id"] not in studies:
            continue
        for event, codes in BANDS.items():
            if row["event"] in codes:
                rank = (
                    row["source_kind"] == "secondary",
                    codes.index(row["event"]),
                    plain._pos(row["analysis"], plain.ANALYSIS),
                    plain._pos(row["source_kind"], plain.STRENGTH),
                    line,
                )
                key = (row["study_id"], event, row["grade"])
                if key not in best or rank < best[key][0]:
                    best[key] = (rank, row)
    cells: dict[str, list[str]] = {}
    for (study, _, _), (_, row) in best.items():
        events, n = int(row["events"]), int(row["n"])
        low, high = plain.clopper_pearson(events, n)
        count = ("≈" if row["events_derived"] == "true" else "") + f"{events}/{n}"
        cell = f"{_pct(events / n)} ({count}; {100 * low:.0f}–{100 * high:.0f}%)"
        cell += " NE" if row["event"] == "neurotoxicity" else ""
        cells.setdefault(studies[study]["name"], []).append(
            (cell, row["grading"] or "not stated", row["analysis"].replace("_", " "))
        )
    return cells


# CN-US is the default pair; the multinational pivotal trials it lists (ZUMA-1, JULIET,
# KarMMa, ...) were missing from its tables until they were listed apart.
@pytest.mark.parametrize("countries", [["CN", "US"], ["IN", "ES"], ["CN", "US", "IN", "ES"]])
def test_safety_cells_with_exact_ci_and_grading(evidence_store, evidence_client, countries):
    with open_store(evidence_store, read_only=True) as store:
        section = safety_section.build(ReportContext(store, countries))
    page = _text(
        evidence_client.get(
            "/q/safety?" + "&".join(f"{k}={c}" for k, c in zip("abcd", countries, strict=False))
        ).text
    )
    rows = [row for block in section.blocks if hasattr(block, "rows") for row in block.rows]
    expected = _cells(set(countries))
    assert len(rows) == len(expected)
    for name, cells in expected.items():
        row = next(r for r in rows if r[1].startswith(name + " ("))
        gradings = {g for _, g, _ in cells}
        analyses = {a for _, _, a in cells}
        for cell, grading, analysis in cells:
            assert cell in row[2:6], (name, cell, row)
            assert cell in page
            assert grading in row[6]
            if len(gradings) > 1:  # each cell's own system is named, not one for the row
                assert ": " in row[6]
            # each cell's data cut: ZUMA-1's CRS (label, 108) beside its neurotoxicity ≥3
            # (longer follow up, 101) is said, not left to the n in the cells
            assert analysis in row[7], (name, row[7])
        assert (row[7] in analyses) == (len(analyses) == 1), (name, row[7])
    multinational = _multinational(set(countries))
    for row in rows:
        listed_apart = any(row[1].startswith(name + " (") for name in multinational)
        assert row[0].startswith("multinational") == listed_apart, row[:2]
    if set(countries) & {"US"}:
        assert {"ZUMA-1", "JULIET", "KarMMa", "ZUMA-7"} <= multinational
        # the dashboard's CRS chart draws the cohorts the tables list, multinational apart
        assert "ZUMA-1 (LBCL)" in page and '"multinational"' in page
    for name in multinational:
        assert name in section.answer.split("Multinational trials")[1]
    for country in countries:
        reporting = _cells({country}, own=True)
        absent = f"no data (no cohort conducted in {country} reports CRS or ICANS)"
        assert (absent in section.answer) == (not reporting)
        if reporting:
            n = len(reporting)
            said = f"{n} cohort{'' if n == 1 else 's'} report{'s' if n == 1 else ''} CRS or ICANS"
            assert f"{country}: {said}" in section.answer
    paragraphs = [b.text for b in section.blocks if hasattr(b, "text")]
    for indication in INDICATIONS:
        present = [c for c in countries if _cells({c}, (indication,), own=True)]  # pair order
        said = next((p for p in paragraphs if p.startswith(f"**{indication}**")), None)
        if not _cells(set(countries), (indication,)):
            assert said is None
        elif not present:
            assert "no compared country has a cohort of its own" in said
        elif len(present) == 1:
            assert f"only {present[0]} has cohorts reporting CRS or ICANS" in said
        elif "grading only" not in said:
            assert f"the studies of {', '.join(present)} do not share" in said


def _actions(countries: list[str]) -> list[dict[str, str]]:
    wanted = set(countries) | ({"EU"} if EEA_SAMPLE & set(countries) else set())
    return [r for r in plain.rows("regulatory_actions") if r["country"] in wanted]


@pytest.mark.parametrize("countries", [["CN", "US"], ["ES", "US"], ["IN", "JP"]])
def test_regulatory_actions_dated_and_weak_sources_marked(
    evidence_store, evidence_client, countries
):
    with open_store(evidence_store, read_only=True) as store:
        section = rules_and_payers.regulatory(ReportContext(store, countries))
    page = html.unescape(
        evidence_client.get(f"/q/regulatory?a={countries[0]}&b={countries[1]}").text
    )
    actions = _actions(countries)
    if not actions:
        assert section.answer.startswith("No data") or "No data" in section.answer
        return
    table = section.blocks[-1]
    assert len(table.rows) == len(actions)
    for action in actions:
        said = f"{action['action_date']} {action['agency']} ({action['country']}) "
        said += action["action"].replace("_", " ").replace("rems", "REMS")  # REMS: an acronym
        assert said in section.answer and said in page
        row = next(
            r
            for r in table.rows
            if r[1] == action["action_date"]
            and r[2] == action["action"].replace("_", " ").replace("rems", "REMS")
            and r[0].startswith(action["agency"])
        )
        weak = action["source_kind"] in ("news", "secondary")
        assert ("(weak source)" in row[-1]) == weak, (action["source_url"], row[-1])
    for country in countries:
        acted = {a["country"] for a in actions}
        if country not in acted and not (country in EEA_SAMPLE and "EU" in acted):
            assert country in section.answer.split("No data", 1)[-1]


@pytest.mark.parametrize("product", ["ciltacabtagene-autoleucel", "lisocabtagene-maraleucel"])
def test_safety_command_rates_cis_and_words(evidence_store, product):
    """`cartatlas safety`: every safety.csv row of the product's studies with its exact CI; a
    table says "not stated" for a missing grading and "derived" for a count the source does not
    print."""
    from typer.testing import CliRunner

    from cartatlas.cli import app

    studies = {s["study_id"] for s in plain.rows("studies") if s["product_id"] == product}
    expected = [r for r in plain.rows("safety") if r["study_id"] in studies]
    runner = CliRunner()
    args = ["--db", evidence_store, "safety", "--product", product]
    shown = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--format", "csv"]).stdout)))
    assert len(shown) == len(expected)
    want = sorted(
        (r["study_id"], r["event"], r["grade"], r["grading"], int(r["n"]), int(r["events"]))
        for r in expected
    )
    got = sorted(
        (r["study"], r["event"], r["grade"], r["grading"], int(r["n"]), int(r["events"]))
        for r in shown
    )
    assert got == want
    for row in shown:
        low, high = plain.clopper_pearson(int(row["events"]), int(row["n"]))
        assert row["ci95"] == f"{100 * low:.1f}–{100 * high:.1f}"
    table = " ".join(runner.invoke(app, [*args, "--wide"]).output.split())
    if any(not r["grading"] for r in expected):
        assert "not stated" in table
    if any(r["events_derived"] == "true" for r in expected):
        assert re.search(r"(?<![\w])derived\b", table), "a derived count says 'derived'"
    assert "True" not in table

"""Survival rows of pivotal trials added for issue #15 (TRANSFORM's primary analysis and 3-year
follow-up, CARTITUDE-4's second overall-survival interim, ZUMA-3's 3- and 4-year OS, the RELIANCE
follicular-lymphoma cohort's median PFS and 24-month OS, LUMMICAR STUDY 1's phase 1 median PFS and
3-year OS, LEGEND-2's 4-year median PFS and 5-year PFS and OS), recomputed
from the words of each row's own quote by a plain route — a regular expression per printed
figure, not the checker — and asserted on survival.csv, the CLI (``durability``), the API
(``/api/survival``), the report's durability tables and the dashboard's durability page.

A median printed as "not reached" must be stored as ``not_reached`` with no value, and an
interval bound printed as "not reached" / "not evaluable" must stay empty."""

from __future__ import annotations

import csv
import io
import re

from typer.testing import CliRunner

from cartatlas.cli import app
from tests.golden import plain

NR = "not reached"

# (study, endpoint, statistic, landmark, arm, analysis) -> (pattern on the quote, ci_low, ci_high)
# The pattern's one group is the printed value; NR where the quote says the median was not reached.
ROWS = {
    ("TRANSFORM", "EFS", "landmark", "36", "car-t", "longer_follow_up"): (
        r"event-free survival was .*?rates at 36 months were (\d+)% vs \d+%",
        "",
        "",
    ),
    ("TRANSFORM", "EFS", "landmark", "36", "control", "longer_follow_up"): (
        r"event-free survival was .*?rates at 36 months were \d+% vs (\d+)%",
        "",
        "",
    ),
    ("TRANSFORM", "PFS", "median", "", "car-t", "longer_follow_up"): (
        r"Median progression-free survival was (not reached) \(95% CI = 12\.6 months to not",
        "12.6",
        "",
    ),
    ("TRANSFORM", "PFS", "median", "", "control", "longer_follow_up"): (
        r"in the liso-cel group vs ([\d.]+) months \(95% CI = 4\.3–8\.6 months\)",
        "4.3",
        "8.6",
    ),
    ("TRANSFORM", "OS", "median", "", "car-t", "longer_follow_up"): (
        r"Median overall survival was (not reached) in either group",
        "",
        "",
    ),
    ("TRANSFORM", "OS", "median", "", "control", "longer_follow_up"): (
        r"Median overall survival was (not reached) in either group",
        "",
        "",
    ),
    ("TRANSFORM", "PFS", "median", "", "car-t", "primary"): (
        r"median progression-free survival \(PFS\) was (NR) for liso-cel",
        "",
        "",
    ),
    ("TRANSFORM", "PFS", "median", "", "control", "primary"): (
        r"median progression-free survival \(PFS\) was NR for liso-cel vs ([\d.]+) months for SOC",
        "",
        "",
    ),
    ("TRANSFORM", "OS", "median", "", "car-t", "primary"): (
        r"Median overall survival \(OS\) was (NR) for liso-cel",
        "",
        "",
    ),
    ("TRANSFORM", "OS", "median", "", "control", "primary"): (
        r"Median overall survival \(OS\) was NR for liso-cel vs ([\d.]+) months for SOC",
        "",
        "",
    ),
    ("CARTITUDE-4", "OS", "median", "", "car-t", "longer_follow_up"): (
        r"median overall survival was (not reached) \(95% CI = not evaluable to not evaluable\) "
        r"in the cilta-cel group",
        "",
        "",
    ),
    ("CARTITUDE-4", "OS", "median", "", "control", "longer_follow_up"): (
        r"vs (not reached) \(95% CI = 37\.7 months to not evaluable\) in the standard-of-care",
        "37.7",
        "",
    ),
    ("ZUMA-3", "OS", "landmark", "36", "car-t", "longer_follow_up"): (
        r"The KM estimate of OS at 3 years was (\d+)% \(n=54; 95% CI: 32, 59\)",
        "32",
        "59",
    ),
    ("ZUMA-3", "OS", "landmark", "48", "car-t", "longer_follow_up"): (
        r"The KM estimate of OS at 4 years was (\d+)% \(n=54; 95% CI: 28, 55\)",
        "28",
        "55",
    ),
    ("RELIANCE-FL", "PFS", "median", "", "car-t", "longer_follow_up"): (
        r"median progression-free survival \(PFS\) was (not reached) "
        r"\(95% CI 8\.97-NR\) for relma-cel",
        "8.97",
        "",
    ),
    ("RELIANCE-FL", "OS", "landmark", "24", "car-t", "longer_follow_up"): (
        r"At 24 months, (\d+)% of patients survived after relma-cel infusion",
        "",
        "",
    ),
    ("LUMMICAR-1", "PFS", "median", "", "car-t", "longer_follow_up"): (
        r"The median progression-free survival \(PFS\) was (\d+) months",
        "",
        "",
    ),
    ("LUMMICAR-1", "OS", "landmark", "36", "car-t", "longer_follow_up"): (
        r"the three-year overall survival \(OS\) rate was ([\d.]+)%",
        "",
        "",
    ),
    # LEGEND-2 (LCAR-B38M, China): the 4-year report's median PFS, the 5-year report's rates
    ("Zhao2022-LEGEND2-4y", "PFS", "median", "", "car-t", "longer_follow_up"): (
        r"The median progression-free survival was ([\d.]+) months",
        "",
        "",
    ),
    ("Zhao2022-LEGEND2-4y", "PFS", "landmark", "60", "car-t", "longer_follow_up"): (
        r"The 5-year progression-free survival \(PFS\) and overall survival \(OS\) rates were "
        r"([\d.]+)% and [\d.]+%",
        "",
        "",
    ),
    ("Zhao2022-LEGEND2-4y", "OS", "landmark", "60", "car-t", "longer_follow_up"): (
        r"The 5-year progression-free survival \(PFS\) and overall survival \(OS\) rates were "
        r"[\d.]+% and ([\d.]+)%",
        "",
        "",
    ),
}
PRODUCTS = {
    "TRANSFORM": "lisocabtagene-maraleucel",
    "CARTITUDE-4": "ciltacabtagene-autoleucel",
    "ZUMA-3": "brexucabtagene-autoleucel",
    "RELIANCE-FL": "relmacabtagene-autoleucel",
    "LUMMICAR-1": "zevorcabtagene-autoleucel",
    "Zhao2022-LEGEND2-4y": None,  # an academic construct: asked for by its indication
}


def _key(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(
        row[c] for c in ("study_id", "endpoint", "statistic", "landmark_months", "arm", "analysis")
    )


def _expected() -> dict[tuple[str, ...], tuple[str, str, str]]:
    """(value or "not reached", ci_low, ci_high) read from each row's quote."""
    rows = {_key(r): r for r in plain.rows("survival") if _key(r) in ROWS}
    assert set(rows) == set(ROWS), set(ROWS) - set(rows)
    found = {}
    for key, (pattern, low, high) in ROWS.items():
        match = re.search(pattern, rows[key]["source_quote"])
        assert match, key
        printed = match.group(1)
        found[key] = (NR if printed in ("NR", NR) else printed, low, high)
    return found


def test_rows_hold_what_their_quote_prints():
    rows = {_key(r): r for r in plain.rows("survival") if _key(r) in ROWS}
    for key, (value, low, high) in _expected().items():
        row = rows[key]
        if value == NR:
            assert (row["not_reached"], row["value"]) == ("true", ""), key
        else:
            assert float(row["value"]) == float(value) and row["not_reached"] != "true", key
        assert (row["ci_low"], row["ci_high"]) == (low, high), key


def test_api_and_cli_show_the_rows(evidence_store, evidence_client):
    expected = _expected()
    indications = {r["study_id"]: r["indication"] for r in plain.rows("studies")}
    for study, product in PRODUCTS.items():
        query = ("product", product) if product else ("indication", indications[study])
        served = evidence_client.get("/api/survival", params=dict([query])).json()["items"]
        mine = {k: v for k, v in expected.items() if k[0] == study}
        for key, (value, low, high) in mine.items():
            hits = [r for r in served if _served_key(r) == key]
            assert len(hits) == 1, key
            hit = hits[0]
            assert bool(hit["not_reached"]) == (value == NR), key
            if value != NR:
                assert hit["value"] == float(value), key
            assert _bound(hit["ci_low"]) == low and _bound(hit["ci_high"]) == high, key
        args = ["--db", evidence_store, "durability", f"--{query[0]}", query[1], "--format", "csv"]
        lines = list(csv.reader(io.StringIO(CliRunner().invoke(app, args).stdout)))
        for (_, endpoint, statistic, months, arm, analysis), (value, low, high) in mine.items():
            text = _cell(value, low, high, statistic)
            assert any(
                line[:1] == [study]
                and line[3:5] == [arm, endpoint]
                and line[5].startswith(f"{months}-month" if months else "median")
                and line[6] == text
                and line[8] == analysis
                for line in lines
            ), (study, endpoint, statistic, arm, analysis, text)


def _served_key(row: dict) -> tuple[str, ...]:
    months = row.get("landmark_months")
    return (
        row["study_id"],
        row["endpoint"],
        row["statistic"],
        "" if months is None else str(int(months)),
        row["arm"],
        row["analysis"],
    )


def _bound(value: object) -> str:
    return "" if value is None else f"{float(value):g}"


def _cell(value: str, low: str, high: str, statistic: str) -> str:
    """The CLI's cell: "6.2 (4.3–8.6)", "not reached (12.6–NE)", "46%"."""
    shown = value if value == NR else f"{float(value):g}" + ("%" if statistic == "landmark" else "")
    if not low and not high:
        return shown
    return f"{shown} ({low or 'NE'}–{high or 'NE'})"


def _table_cells_expected() -> list[tuple[str, str, str, str, str]]:
    """(study ID, study as the tables name it, measure, value cell, analysis) for each CAR-T-arm
    row: the report's and the dashboard's durability tables show the CAR-T arm only, and name a
    study by its name in studies.csv with its product ("TRANSFORM (lisocabtagene-maraleucel)"),
    or by its name alone when it has none (LEGEND-2)."""
    studies = {r["study_id"]: r["name"] for r in plain.rows("studies")}
    expected = []
    for (study, endpoint, statistic, months, arm, analysis), (
        value,
        low,
        high,
    ) in _expected().items():
        if arm != "car-t":
            continue
        product = PRODUCTS[study]
        name = f"{studies[study]} ({product})" if product else studies[study]
        measure = f"{months}-month {endpoint}" if months else f"median {endpoint} (months)"
        expected.append((study, name, measure, _cell(value, low, high, statistic), analysis))
    return expected


def _shows(cells: list[list[str]], name: str, measure: str, text: str, analysis: str) -> bool:
    return any(
        row[1] == name
        and row[2] == measure
        and row[3] == text
        and row[5] == analysis.replace("_", " ")
        for row in cells
    )


def test_report_durability_tables_show_the_car_t_rows(evidence_store):
    from cartatlas.report.context import ReportContext
    from cartatlas.report.model import Table
    from cartatlas.report.sections import durability
    from cartatlas.store import open_store

    with open_store(evidence_store, read_only=True) as store:
        section = durability.build(ReportContext(store, ["CN", "US"]))
    cells = [row for b in section.blocks if isinstance(b, Table) for row in b.rows]
    for _, *expected in _table_cells_expected():
        assert _shows(cells, *expected), expected
    assert not any("(nan)" in row[1] or "(None)" in row[1] for row in cells)


def test_dashboard_durability_page_shows_the_car_t_rows(evidence_client):
    from tests.web.page_tables import captioned_rows

    page = evidence_client.get("/q/durability", params={"a": "CN", "b": "US"}).text
    indications = {r["study_id"]: r["indication"] for r in plain.rows("studies")}
    for study, name, measure, text, analysis in _table_cells_expected():
        caption = f"Durability, {indications[study]}: CAR-T arm, per study (95% CI where printed)"
        # the page keeps a value and its CI on one line with a span; compare the text only
        cells = [[re.sub(r"<[^>]+>", "", c) for c in row] for row in captioned_rows(page, caption)]
        assert _shows(cells, name, measure, text, analysis), (
            name,
            measure,
            text,
        )


_WORD_COUNTS = {"Seventy-four": 74}


def test_legend2_rows_carry_the_patients_and_follow_up_their_quote_prints():
    """n and follow-up of the LEGEND-2 rows, read from the words of each quote ("Seventy-four
    participants …", "median follow-up of 65.4 months"), not from the checker."""
    rows = [r for r in plain.rows("survival") if r["study_id"] == "Zhao2022-LEGEND2-4y"]
    assert len(rows) == 3
    for row in rows:
        quote = row["source_quote"]
        [words] = re.findall(r"(\S+) participants", quote)
        follow_up = re.search(r"median follow-up (?:was|of) ([\d.]+) months", quote).group(1)
        assert int(row["n"]) == _WORD_COUNTS[words], row
        assert float(row["follow_up_months"]) == float(follow_up), row

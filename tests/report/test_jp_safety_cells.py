"""Japan's safety cells in the JP–CN comparison, recomputed from safety.csv by the plain route and
asserted on the CLI (``safety``), the API (``/api/safety``), the report section and the dashboard.

J201 (axi-cel in Japan) prints its CRS grades and its neurologic events in words ("1 case of
grade 4", "No neurologic events occurred"); these cells showed "—" until such counts were
recorded, so the test also pins that Japan has them.
"""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import safety as safety_section
from cartatlas.store import open_store
from tests.golden import plain
from tests.report.test_safety_regulatory_cells import _cells, _text

PAIR = ["JP", "CN"]


def _jp_rows() -> dict[tuple[str, str, str], tuple[int, int]]:
    """(study, event, grade) -> (events, n) of every safety.csv row of a study conducted in JP."""
    studies = {s["study_id"] for s in plain.rows("studies") if s["country_of_conduct"] == "JP"}
    return {
        (r["study_id"], r["event"], r["grade"]): (int(r["events"]), int(r["n"]))
        for r in plain.rows("safety")
        if r["study_id"] in studies
    }


def test_japan_has_j201_grade_3_crs_and_neurologic_events():
    rows = _jp_rows()
    assert rows[("J201-axicel-Japan", "CRS", "3plus")] == (1, 16)
    assert rows[("J201-axicel-Japan", "neurotoxicity", "any")] == (0, 16)
    assert rows[("J201-axicel-Japan", "neurotoxicity", "3plus")] == (0, 16)


def test_cli_and_api_show_japan_safety_rows(evidence_store, evidence_client):
    expected = _jp_rows()
    served = evidence_client.get("/api/safety", params={"country": "JP"}).json()["items"]
    got = {(r["study_id"], r["event"], r["grade"]): (r["events"], r["n"]) for r in served}
    assert got == expected
    for product in {_product(study) for study, _, _ in expected}:
        args = ["--db", evidence_store, "safety", "--product", product, "--format", "csv"]
        shown = csv.DictReader(io.StringIO(CliRunner().invoke(app, args).stdout))
        cli = {
            (r["study"], r["event"], r["grade"]): (int(r["events"]), int(r["n"]))
            for r in shown
            if r["country"] == "JP"
        }
        assert cli == {k: v for k, v in expected.items() if _product(k[0]) == product}
        for row in (r for r in served if _product(r["study_id"]) == product):
            low, high = plain.clopper_pearson(row["events"], row["n"])
            assert abs(row["ci_low"] - 100 * low) <= 0.05 + 1e-9
            assert abs(row["ci_high"] - 100 * high) <= 0.05 + 1e-9


def _product(study_id: str) -> str:
    return next(s["product_id"] for s in plain.rows("studies") if s["study_id"] == study_id)


def test_report_and_dashboard_show_japan_safety_cells(evidence_store, evidence_client):
    with open_store(evidence_store, read_only=True) as store:
        section = safety_section.build(ReportContext(store, PAIR))
    page = _text(evidence_client.get("/q/safety?a=JP&b=CN").text)
    rows = [row for block in section.blocks if hasattr(block, "rows") for row in block.rows]
    expected = _cells({"JP"}, own=True)
    assert expected, "Japan must report CRS or ICANS"
    for name, cells in expected.items():
        row = next(r for r in rows if r[0] == "JP" and r[1].startswith(name + " ("))
        for cell, *_ in cells:
            assert cell in row[2:6], (name, cell, row)
            assert cell in page
    assert "0% (0/16; 0–21%) NE" in page and "6% (1/16; 0–30%)" in page
    listed = _cells(set(PAIR))  # every cohort the tables list, multinational ones too
    for row in rows:  # a cell without a row is "—", explained as no data, never a 0%
        name = next(n for n in listed if row[1].startswith(n + " ("))
        assert sum(c != "—" for c in row[2:6]) == len(listed[name]), row
    notes = {b.note for b in section.blocks if hasattr(b, "rows")}
    assert notes and all("—: no data (" in note for note in notes)
    for block in section.blocks:  # each table lists the pair's own cohorts in its order, JP first
        own = [r[0] for r in getattr(block, "rows", []) if not r[0].startswith("multinational")]
        assert own == sorted(own, key=PAIR.index), own
    n = len(expected)
    assert f"JP: {n} cohort{'' if n == 1 else 's'} report" in section.answer

"""Rows read on a restating page that now cite the paper the number comes from (issue #14).

A review or a later paper may restate a trial's result; the row can then carry the paper's DOI
only when the paper itself prints the same number for the same analysis. Here the rate is
recomputed from the raw events and n and must equal the rate the paper's abstract prints (written
out below, as the curation log records where it was read), the row must name the page the quote
was read on, and the CLI, the API and the report must show the row with the paper's address. A
row whose number the paper's stored text does not print (ELIANA grade-3 neurological events)
keeps no DOI.
"""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import safety
from cartatlas.store import open_store

ELIANA_NEJM = "10.1056/NEJMoa1709866"
ELIANA_PRINTED_PERCENT = 40.0  # "Neurologic events occurred in 40% of patients" (abstract)
ZUMA5_BLOOD = "10.1182/blood.2023021243"


def _rows(table: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _eliana_neuro(grade: str) -> dict[str, str]:
    hits = [
        r
        for r in _rows("safety")
        if (r["study_id"], r["event"], r["grade"], r["analysis"])
        == ("ELIANA", "neurotoxicity", grade, "primary")
    ]
    assert len(hits) == 1, grade
    return hits[0]


def test_eliana_neurological_events_cite_the_nejm_paper_of_the_same_analysis():
    row = _eliana_neuro("any")
    assert (row["doi"], row["source_kind"]) == (ELIANA_NEJM, "journal")
    assert row["source_url"] == f"https://doi.org/{ELIANA_NEJM}"
    assert "authorea.com" in row["retrieved_from"], "the review the quote was read on is kept"
    assert 100 * int(row["events"]) / int(row["n"]) == ELIANA_PRINTED_PERCENT
    # The same paper backs the ELIANA response rows: the same 75 infused patients.
    same_paper = [r for r in _rows("outcomes") if r["doi"] == ELIANA_NEJM]
    assert same_paper and {r["n"] for r in same_paper} == {row["n"]}
    assert {r["pmid"] for r in same_paper} == {row["pmid"]}
    assert "Tisagenlecleucel in Children and Young Adults" in row["note"]


def test_eliana_grade_3_neurological_events_keep_no_doi_the_paper_was_not_read_for():
    row = _eliana_neuro("3plus")
    assert not row["doi"] and not row["pmid"]
    assert row["source_kind"] == "secondary"


def test_zuma5_study_row_cites_the_paper_its_result_rows_cite():
    [study] = [r for r in _rows("studies") if r["study_id"] == "ZUMA-5"]
    assert (study["doi"], study["source_kind"]) == (ZUMA5_BLOOD, "journal")
    assert study["source_url"] == f"https://doi.org/{ZUMA5_BLOOD}"
    assert study["registry_ids"] in study["source_quote"]
    results = [r for r in _rows("survival") if r["study_id"] == "ZUMA-5" and r["doi"]]
    assert {(r["doi"], r["pmid"]) for r in results} == {(study["doi"], study["pmid"])}
    # The quote names no country: the country comes from the registry's site list.
    assert study["country_source"] == "registry"


def test_cli_and_api_show_the_eliana_row_with_the_papers_address(evidence_store, evidence_client):
    result = CliRunner().invoke(
        app,
        ["--db", evidence_store, "safety", "--product", "tisagenlecleucel", "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    lines = [
        line
        for line in result.output.splitlines()
        if line.startswith("ELIANA,") and ",neurotoxicity,any," in line
    ]
    assert len(lines) == 1
    assert ",75,30,40.0," in lines[0]
    assert f"https://doi.org/{ELIANA_NEJM} [journal]" in lines[0]
    assert "weak" not in lines[0]

    items = evidence_client.get(
        "/api/safety", params={"product": "tisagenlecleucel", "event": "neurotoxicity"}
    ).json()["items"]
    eliana = [i for i in items if i["study_id"] == "ELIANA" and i["grade"] == "any"]
    assert len(eliana) == 1
    assert (eliana[0]["n"], eliana[0]["events"]) == (75, 30)
    assert eliana[0]["source_url"] == f"https://doi.org/{ELIANA_NEJM}"

    study = evidence_client.get("/api/studies/ZUMA-5").json()["study"]
    assert study["source_url"] == f"https://doi.org/{ZUMA5_BLOOD}"
    assert study["country_of_conduct"] == "US"


def test_report_safety_table_cites_the_nejm_paper_for_eliana_neurological_events(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        section = safety.build(ctx)
    table = next(b for b in section.blocks if getattr(b, "title", "") == "CRS and ICANS, B-ALL")
    [row] = [r for r in table.rows if r[1].startswith("ELIANA ")]
    assert "(30/75;" in row[table.columns.index("ICANS any")]
    [paper] = [r for r in ctx.refs.items if r.url == f"https://doi.org/{ELIANA_NEJM}"]
    assert (paper.doi, paper.pmid) == (ELIANA_NEJM, "29385370")
    assert f"[[{paper.number}]]" in row[table.columns.index("source")]

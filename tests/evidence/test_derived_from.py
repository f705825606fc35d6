"""``derived_from``: what a weak result row without DOI or PMID restates (issue #14).

`kb check` requires it on such a row, and `kb sources` splits its count of them by it, so the
journal papers still to be identified (the gap issue #14 counts) are told apart from meeting
abstracts, approval data and pages that do not say. The split is recomputed here from the CSV
files with the csv module alone and compared with every output format.
"""

from __future__ import annotations

import csv
import io
import json
import re

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.checks import check_evidence
from cartatlas.evidence.reading import BUNDLED_DIR
from tests.evidence.test_source_rules import _with, messages

runner = CliRunner()

RESULT_TABLES = ("studies", "outcomes", "safety", "survival", "comparisons")
DERIVATIONS = ("journal", "conference_abstract", "approval", "unnamed")
NEWS = {"source_url": "https://news.example.org/zuma-1", "source_kind": "news", "doi": ""}


def test_a_weak_result_row_without_identifier_must_say_what_it_derives_from(evidence_dir):
    assert messages(evidence_dir(**_with("outcomes", 0, **NEWS))) == [
        "outcomes.csv, row at line 2: derived_from: the source is a news page that names no DOI "
        "or PMID; say what its value derives from, as the row's quote, note and page show it: "
        "journal, conference_abstract, approval (a regulator's, the label's or the company's "
        "data behind an approval) or unnamed (the page does not say)"
    ]


def test_a_weak_row_that_says_what_it_derives_from_passes(evidence_dir):
    assert messages(evidence_dir(**_with("outcomes", 0, derived_from="journal", **NEWS))) == []


def test_a_weak_row_with_a_pmid_needs_no_derivation(evidence_dir):
    assert messages(evidence_dir(**_with("outcomes", 0, pmid="30518502", **NEWS))) == []


def test_a_weak_price_row_needs_no_derivation(evidence_dir):
    """Prices are not study results: the rule is about papers behind a result."""
    news = {"source_url": "https://news.example.org/price", "source_kind": "news"}
    assert messages(evidence_dir(**_with("prices", 0, **news))) == []


def test_a_bad_derivation_names_the_nearest_valid_value(evidence_dir):
    folder = evidence_dir(**_with("safety", 0, derived_from="jounal", **NEWS))
    assert messages(folder) == [
        "safety.csv, row at line 2: derived_from: 'jounal' is not what a value derives from; "
        "write one of journal, conference_abstract, approval, unnamed (empty means not "
        "stated); did you mean 'journal'?"
    ]


def test_a_derivation_is_kept_on_the_checked_row(evidence_dir):
    evidence = check_evidence(evidence_dir(**_with("outcomes", 0, derived_from="approval", **NEWS)))
    assert evidence.rows["outcomes"][0].get("derived_from") == "approval"


def _split_from_csv() -> dict[str, dict[str, int]]:
    """Per result table, the weak rows without DOI or PMID counted by derived_from, read with
    the csv module alone (every bundled row passes `kb check`, so all of them count)."""
    split = {}
    for name in RESULT_TABLES:
        with (BUNDLED_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            weak = [
                row
                for row in csv.DictReader(handle)
                if row["source_kind"] in ("news", "secondary") and not (row["doi"] or row["pmid"])
            ]
        assert all(row["derived_from"] in DERIVATIONS for row in weak), name
        split[name] = {d: sum(row["derived_from"] == d for row in weak) for d in DERIVATIONS}
    split["all tables"] = {d: sum(s[d] for s in split.values()) for d in DERIVATIONS}
    return split


def _column(derivation: str) -> str:
    return f"weak_no_identifier_{derivation}"


def test_kb_sources_splits_the_weak_rows_without_identifier_like_the_csv_files():
    expected = _split_from_csv()
    result = runner.invoke(app, ["kb", "sources", "--format", "csv"])
    assert result.exit_code == 0, result.output
    printed = {row["table"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    result = runner.invoke(app, ["kb", "sources", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {row["table"]: row for row in json.loads(result.stdout)}
    for name, split in expected.items():
        assert int(printed[name]["weak_no_identifier"]) == sum(split.values()), name
        assert listed[name]["weak_no_identifier"] == sum(split.values()), name
        for derivation, count in split.items():
            assert printed[name][_column(derivation)] == str(count), (name, derivation)
            assert listed[name][_column(derivation)] == count, (name, derivation)
    assert printed["prices"][_column("journal")] == ""  # not a table of study results


def test_kb_sources_table_names_the_split_and_the_journal_gap_of_issue_14():
    split = _split_from_csv()["all tables"]
    total = sum(split.values())
    journal = split["journal"]
    results = sum(_split_from_csv()[name]["journal"] for name in ("outcomes", "safety"))
    result = runner.invoke(app, ["kb", "sources"])
    assert result.exit_code == 0, result.output
    said = re.sub(r"\s+", " ", result.output)
    assert (
        f"weak no identifier: {total} result rows rest on news or secondary pages and name no "
        f"DOI or PMID. What their values come from: a journal paper {journal}, a conference "
        f"abstract {split['conference_abstract']}, approval data (regulator, label or company "
        f"release) {split['approval']}, not said by the page {split['unnamed']}. The {journal} "
        f"journal-derived rows ({results} of them outcome or safety rows) are the ones still to be "
        "cited at their source"
    ) in said
    table = said.split("table: all tables")[1]
    for derivation, count in split.items():
        assert f"weak no identifier {derivation.replace('_', ' ')}: {count}" in table


def test_the_split_counts_every_value_the_schema_accepts():
    from cartatlas.evidence.schema import DERIVED_FROM
    from cartatlas.evidence.source_strength import DERIVATIONS

    assert tuple(DERIVED_FROM) == DERIVATIONS

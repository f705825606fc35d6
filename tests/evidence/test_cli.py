"""``kb load`` then the listing commands, through the real CLI on a real DuckDB file."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from tests.evidence.conftest import VALID

runner = CliRunner()


@pytest.fixture
def loaded(tmp_path, evidence_dir):
    db = str(tmp_path / "store.duckdb")
    result = runner.invoke(app, ["--db", db, "kb", "load", "--dir", str(evidence_dir())])
    assert result.exit_code == 0, result.output
    return db


def test_products_csv_lists_approvals_with_local_brand(loaded):
    result = runner.invoke(app, ["--db", loaded, "products", "--country", "US", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["product"], r["brand"], r["indication"], r["date"], r["kind"]) for r in rows] == [
        ("axicabtagene-ciloleucel", "Yescarta", "LBCL", "2017-10-18", "full")
    ]


def test_products_in_a_country_without_approvals_says_no_data(loaded):
    result = runner.invoke(app, ["--db", loaded, "products", "--country", "JP"])
    assert result.exit_code == 0
    assert "no data (no approvals recorded for JP in the evidence base)" in result.output


@pytest.mark.parametrize(
    "key", ["axicabtagene-ciloleucel", "axi-cel", "Yescarta", "Yikaida", "Axicabtagene Ciloleucel"]
)
def test_outcomes_accepts_id_inn_alias_and_brand(loaded, key):
    result = runner.invoke(app, ["--db", loaded, "outcomes", "--product", key, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    orr = next(r for r in rows if r["endpoint"] == "ORR")
    assert (orr["n"], orr["events"], orr["percent"]) == (101, 83, 82.2)
    # Clopper-Pearson exact interval for 83/101, as R's binom.test(83, 101) gives 0.7325-0.8909.
    assert orr["ci95"] == "73.3–89.1"
    assert orr["source"] == "https://doi.org/10.1016/S1470-2045(18)30864-7 [journal]"
    cr = next(r for r in rows if r["endpoint"] == "CR")
    assert (cr["events"], cr["events_derived"]) == (55, True)


def test_safety_lists_grading_system(loaded):
    result = runner.invoke(
        app, ["--db", loaded, "safety", "--product", "axi-cel", "--format", "csv"]
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {(r["event"], r["grade"], r["grading"], r["events"]) for r in rows} == {
        ("CRS", "any", "Lee2014", "94"),
        ("CRS", "3plus", "Lee2014", "13"),
    }


def test_unknown_product_names_the_known_ones(loaded):
    result = runner.invoke(app, ["--db", loaded, "outcomes", "--product", "kymriah"])
    assert result.exit_code == 2
    assert "no product called 'kymriah'; known products: axicabtagene-ciloleucel" in result.output


def test_listing_before_load_says_how_to_fix(tmp_path):
    result = runner.invoke(
        app, ["--db", str(tmp_path / "empty.duckdb"), "products", "--country", "US"]
    )
    assert result.exit_code == 2
    assert "run `cartatlas kb load`" in result.output


def test_load_rejects_bad_rows_loads_the_rest_and_exits_1(tmp_path, evidence_dir):
    bad = [dict(VALID["prices"][0], currency="RMB")]
    folder = evidence_dir(prices=bad)
    db = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["--db", db, "kb", "load", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "prices.csv, row at line 2: currency" in result.output
    listing = runner.invoke(app, ["--db", db, "products", "--country", "US", "--format", "csv"])
    assert "axicabtagene-ciloleucel" in listing.stdout


def test_cartatlas_db_variable_selects_the_store(tmp_path, evidence_dir, monkeypatch):
    db = tmp_path / "from-env.duckdb"
    monkeypatch.setenv("CARTATLAS_DB", str(db))
    result = runner.invoke(app, ["kb", "load", "--dir", str(evidence_dir())])
    assert result.exit_code == 0
    assert db.exists()


def test_coverage_lists_each_approved_product_indication_and_its_gaps(loaded):
    result = runner.invoke(app, ["--db", loaded, "kb", "coverage", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["product"], r["indication"]) for r in rows] == [("axicabtagene-ciloleucel", "LBCL")]
    # The fixture's only study is not flagged registrational, so every cell is a gap.
    assert rows[0]["registrational study"] == "no data"
    assert rows[0]["CRS ≥3"] == "—"


def test_unknown_product_on_the_bundled_evidence_names_the_known_ones(evidence_store):
    # The bundled products include one without an INN (pCAR-19B): lookup must still work.
    result = runner.invoke(app, ["--db", evidence_store, "outcomes", "--product", "nope"])
    assert result.exit_code == 2
    assert "pcar-19b" in result.output


def test_kb_sources_counts_rows_per_kind_and_table_like_the_csv_files():
    from cartatlas.evidence.reading import BUNDLED_DIR

    result = runner.invoke(app, ["kb", "sources", "--format", "csv"])
    assert result.exit_code == 0, result.output
    printed = {row["table"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    total = 0
    for path in BUNDLED_DIR.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            kinds = [row["source_kind"] for row in csv.DictReader(handle)]
        total += len(kinds)
        row = printed[path.stem]
        assert int(row["total"]) == len(kinds)
        for kind in set(kinds):
            assert int(row[kind]) == kinds.count(kind), (path.stem, kind)
    assert int(printed["all tables"]["total"]) == total


def test_kb_sources_counts_weak_result_rows_without_an_identifier_from_the_csv_files():
    """The #14 gap in one number: result rows on news or secondary pages with no DOI or PMID."""
    from cartatlas.evidence.reading import BUNDLED_DIR

    result = runner.invoke(app, ["kb", "sources", "--format", "csv"])
    printed = {
        row["table"]: row["weak_no_identifier"]
        for row in csv.DictReader(io.StringIO(result.stdout))
    }
    total = 0
    for name in ("studies", "outcomes", "safety", "survival", "comparisons"):
        with (BUNDLED_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            count = sum(
                1
                for row in csv.DictReader(handle)
                if row["source_kind"] in ("news", "secondary")
                and not row["doi"]
                and not row["pmid"]
            )
        assert printed[name] == str(count), name
        total += count
    assert printed["approvals"] == ""  # not a table of study results
    assert printed["all tables"] == str(total)


def test_kb_sources_on_a_small_folder(evidence_dir):
    result = runner.invoke(app, ["kb", "sources", "--dir", str(evidence_dir()), "--format", "csv"])
    rows = {row["table"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows["approvals"]["regulator"], rows["prices"]["company_release"]) == ("1", "1")
    total = sum(len(table_rows) for table_rows in VALID.values())
    assert (rows["outcomes"]["journal"], rows["all tables"]["total"]) == ("2", str(total))

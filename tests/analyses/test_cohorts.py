"""Cohort counts per country: what `meta` pools for CR or ORR, recomputed from the data files."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

from typer.testing import CliRunner

from cartatlas.analyses.cohorts import cohort_counts
from cartatlas.cli import app
from cartatlas.evidence.reading import BUNDLED_DIR as DATA_DIR
from cartatlas.store import open_store

RESPONSE_CODES = {
    "LBCL": {"CR", "ORR"},
    "B-ALL": {"CR", "CR_CRi", "ORR"},
    "MM": {"CR", "ORR"},
    "MCL": {"CR", "ORR"},
}
NATIONAL = ["DE", "ES", "FR", "GB", "IT", "JP"]


def _real_world_studies() -> set[str]:
    with (DATA_DIR / "studies.csv").open(encoding="utf-8", newline="") as handle:
        return {row["study_id"] for row in csv.DictReader(handle) if row["real_world"] == "true"}


def _expected_from_files(
    countries: tuple[str, ...] = ("CN", "US"),
) -> dict[tuple[str, str], set[str]]:
    """The counting rule restated over the raw CSV files, independently of the SQL path."""
    with (DATA_DIR / "outcomes.csv").open(encoding="utf-8", newline="") as handle:
        codes = defaultdict(set)
        for row in csv.DictReader(handle):
            # a row read only on a secondary page never counts towards a pool
            if row["n"] and row["events"] and row["source_kind"] != "secondary":
                codes[row["study_id"]].add(row["endpoint"])
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    with (DATA_DIR / "studies.csv").open(encoding="utf-8", newline="") as handle:
        for study in csv.DictReader(handle):
            indication = study["indication"]
            if (
                indication in RESPONSE_CODES
                and study["country_of_conduct"] in countries
                and not study["overlaps_with"]
                and codes[study["study_id"]] & RESPONSE_CODES[indication]
            ):
                expected[(indication, study["country_of_conduct"])].add(study["study_id"])
    return expected


def test_counts_follow_the_pooling_rule(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        counts = cohort_counts(store, ["LBCL", "B-ALL", "MM"], ["CN", "US"])
    expected = _expected_from_files()
    real_world = _real_world_studies()
    assert len(counts) == 6
    for count in counts:
        assert set(count.study_ids) == expected[(count.indication, count.country)]
        assert count.cohorts == len(count.study_ids)
        assert count.real_world == len(real_world & set(count.study_ids))
    by_key = {(c.indication, c.country): c for c in counts}
    # A later report of a cohort (LEGEND-2 at four years) is never counted again, and a cohort
    # reporting only MRD-negative CR (PLAT-02 phase 2) gives no CR or ORR to pool.
    assert "Zhao2022-LEGEND2-4y" not in by_key[("MM", "CN")].study_ids
    assert "Zhao2018-LEGEND2" in by_key[("MM", "CN")].study_ids
    assert "PLAT02-Annesley2025" not in by_key[("B-ALL", "US")].study_ids


def test_cohorts_command_totals_per_country(evidence_store):
    result = CliRunner().invoke(app, ["--db", evidence_store, "cohorts", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    for country in ("CN", "US"):
        parts = [r for r in rows if r["country"] == country and r["indication"] != "all"]
        total = next(r for r in rows if r["country"] == country and r["indication"] == "all")
        assert len(parts) == 3
        assert total["cohorts"] == sum(r["cohorts"] for r in parts) > 0
        assert total["patients"] == sum(r["patients"] for r in parts)


def test_national_counts_follow_the_pooling_rule(evidence_store):
    """Issue 18: the national cohorts (four indications, six countries) by the same rule; France
    and the UK each have three since the LOC-network PCNSL and AMELIA cohorts, Germany since the
    Heidelberg HD-CAR-1 adult ALL trial."""
    indications = list(RESPONSE_CODES)
    with open_store(evidence_store, read_only=True) as store:
        counts = cohort_counts(store, indications, NATIONAL)
    expected = _expected_from_files(tuple(NATIONAL))
    for count in counts:
        assert set(count.study_ids) == expected[(count.indication, count.country)]
    per_country = {c: sum(len(expected[(i, c)]) for i in indications) for c in NATIONAL}
    assert per_country["FR"] >= 3 and per_country["GB"] >= 3 and per_country["DE"] >= 3
    assert "HDCAR1-ALL-Schubert2023" in expected[("B-ALL", "DE")]
    assert "LOC-PCNSL-CART-FR" in expected[("LBCL", "FR")]
    assert "AMELIA-AUTO3-Peds" in expected[("B-ALL", "GB")]


def test_indications_read_as_a_comma_list_or_repeated(evidence_store):
    """`--indication LBCL,MCL` is `--indication LBCL --indication MCL`, as `--countries` is."""
    runner = CliRunner()
    base = ["--db", evidence_store, "cohorts", "--countries", "FR,GB", "--format", "json"]
    listed = runner.invoke(app, [*base, "--indication", "LBCL,MCL"])
    repeated = runner.invoke(app, [*base, "--indication", "LBCL", "--indication", "MCL"])
    assert listed.exit_code == repeated.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == json.loads(repeated.stdout)
    assert {r["indication"] for r in json.loads(listed.stdout)} == {"LBCL", "MCL", "all"}

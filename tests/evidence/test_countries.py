"""Country of conduct read from registry site lists (``cartatlas kb countries``)."""

from __future__ import annotations

import csv
import shutil
from collections import Counter

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.countries import conduct_from_sites, country_audit, failures
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.store import open_store


def test_one_country_needs_four_fifths_of_the_sites() -> None:
    assert conduct_from_sites(Counter({"US": 4, "CA": 1})) == "US"
    assert conduct_from_sites(Counter({"US": 3, "CA": 1})) == "multinational"
    assert conduct_from_sites(Counter({"CN": 1})) == "CN"
    assert conduct_from_sites(Counter()) is None


def test_every_registry_based_country_agrees_with_the_shared_snapshot(full_store) -> None:
    with open(BUNDLED_DIR / "studies.csv", newline="", encoding="utf-8") as handle:
        based = {r["study_id"] for r in csv.DictReader(handle) if r["country_source"] == "registry"}
    with open_store(full_store, read_only=True) as store:
        rows = {row[0]: row for row in country_audit(store)}
    assert based, "the bundled evidence has registry-based countries"
    assert {rows[s][6] for s in based} == {"agrees"}
    # Countries curated from the papers themselves agree with the registries too, where both exist.
    assert not [r for r in rows.values() if r[6] == "DISAGREES"]
    assert rows["Raje2019-CRB401"][4:6] == ["US 9", "US"]
    assert rows["TRANSCEND-FL"][5] == "multinational"


def test_a_registry_country_the_registry_contradicts_fails(full_store, tmp_path) -> None:
    copy = tmp_path / "store.duckdb"
    shutil.copyfile(full_store, copy)
    with open_store(str(copy)) as store:
        store.execute(
            "UPDATE evidence_studies SET country_of_conduct = 'CN'"
            " WHERE study_id = 'Raje2019-CRB401'"
        )
        assert [r[0] for r in failures(country_audit(store))] == ["Raje2019-CRB401"]
    result = CliRunner().invoke(app, ["--db", str(copy), "kb", "countries", "--format", "csv"])
    assert result.exit_code == 1
    assert "Raje2019-CRB401,CN,registry,NCT02658929,US 9,US,DISAGREES" in result.output

"""Labels are computed once: `import` stores them when stale (and says so), readers use them, and
the frame built from stored labels equals the one built by classifying every record again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cartatlas.analyses.landscape.data import stored_trial_frame, trial_frame
from cartatlas.classify.sources import read_store
from cartatlas.classify.store import current_labels, labels_current, labels_frame
from cartatlas.cli import app
from cartatlas.store import open_store
from cartatlas.store.versions import data_version, registry_version

from .conftest import DATA

AUTOIMMUNE = sorted(DATA.glob("cart-autoimmune-*.jsonl.gz"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    if len(AUTOIMMUNE) < 2:
        pytest.skip(f"autoimmune snapshots not found under {DATA}")
    db = str(tmp_path_factory.mktemp("labels") / "store.duckdb")
    first = CliRunner().invoke(app, ["--db", db, "import", str(AUTOIMMUNE[0])])
    assert first.exit_code == 0, first.output
    return db, first.output


def test_import_stores_labels_and_says_so(imported):
    db, output = imported
    assert "classification labels were stale: labelled" in output
    with open_store(db, read_only=True) as store:
        assert labels_current(store)
        assert len(labels_frame(store)) == len(read_store_ids(store))


def read_store_ids(store):
    return [r.trial_id for r in read_store(store)]


def test_stored_frame_equals_classifying_again(imported):
    db, _ = imported
    with open_store(db, read_only=True) as store:
        stored = stored_trial_frame(store).sort_values("nct_id", ignore_index=True)
        again = trial_frame(read_store(store)).sort_values("nct_id", ignore_index=True)
    pd.testing.assert_frame_equal(stored, again)


def test_a_new_snapshot_makes_labels_stale_until_relabelled(imported, tmp_path):
    db, _ = imported
    with open_store(db, read_only=True) as store:
        before = (registry_version(store), data_version(store))
    second = CliRunner().invoke(app, ["--db", db, "import", str(AUTOIMMUNE[-1])])
    assert second.exit_code == 0, second.output
    assert "classification labels were stale" in second.output
    again = CliRunner().invoke(app, ["--db", db, "import", str(AUTOIMMUNE[-1])])
    assert "classification labels were stale" not in again.output  # nothing changed
    with open_store(db, read_only=True) as store:
        assert (registry_version(store), data_version(store)) != before
        assert labels_current(store)
        stored = current_labels(store)
    # Labels of other records (files) are printed, never stored: the store's stay current.
    files = CliRunner().invoke(app, ["--db", db, "classify", "--input", str(AUTOIMMUNE[0])])
    assert files.exit_code == 0, files.output
    with open_store(db, read_only=True) as store:
        assert labels_current(store)
        pd.testing.assert_frame_equal(current_labels(store), stored)


def test_records_read_in_small_batches_equal_one_read(imported, monkeypatch):
    """Columns and raw JSON are read a batch at a time (flat memory on a large store): a batch
    of 7 gives exactly the records one batch gives."""
    import cartatlas.classify.sources as sources

    db, _ = imported
    with open_store(db, read_only=True) as store:
        whole = list(read_store(store))
        monkeypatch.setattr(sources, "READ_BATCH", 7)
        batched = list(read_store(store))
    assert len(whole) > 7 and batched == whole


def test_a_store_with_clinicaltrials_gov_and_ictrp_records_is_labelled(tmp_path):
    """A ChiCTR record has no NCT number (NaN in the frame, which is truthy): its labels are
    keyed by its own trial ID, so relabelling a store that also holds ClinicalTrials.gov records
    no longer fails on a label column mixing NaN and NCT numbers."""
    from .conftest import FIXTURES

    if not FIXTURES:
        pytest.skip(f"API v2 fixtures not found under {DATA}")
    ictrp = Path(__file__).parents[1] / "fixtures" / "ictrp" / "ictrp-car-handmade.xml"
    db = str(tmp_path / "store.duckdb")
    ctgov = CliRunner().invoke(app, ["--db", db, "import", str(FIXTURES[0])])
    assert ctgov.exit_code == 0, ctgov.output
    both = CliRunner().invoke(app, ["--db", db, "import-ictrp", str(ictrp)])
    assert both.exit_code in (0, 1), both.output  # 1: the fixture's deliberately bad record
    assert "classification labels were stale: labelled" in both.output
    with open_store(db, read_only=True) as store:
        keys = set(labels_frame(store)["nct_id"])
        trial_ids = {r.trial_id for r in read_store(store)}
    assert keys == trial_ids
    assert FIXTURES[0].stem in keys and any(k.startswith("ChiCTR") for k in keys)

"""Labelling runs with the cyclic garbage collector paused; that is safe only while it makes no
reference cycles, which these tests check on every shared record (issue #20)."""

from __future__ import annotations

import gc

import pytest
from typer.testing import CliRunner

from cartatlas.classify.labels import classify_all, cycle_collector_paused
from cartatlas.classify.store import relabel
from cartatlas.cli import app
from cartatlas.store import open_store

from .conftest import DATA, SNAPSHOTS


def test_labelling_every_shared_record_leaves_no_cyclic_garbage(records):
    gc.collect()
    labels = classify_all(list(records.values()))
    del labels
    assert gc.collect() == 0


def test_relabelling_a_store_leaves_no_cyclic_garbage(tmp_path):
    if not SNAPSHOTS:
        pytest.skip(f"shared snapshots not found under {DATA}")
    db = str(tmp_path / "store.duckdb")
    imported = CliRunner().invoke(app, ["--db", db, "import", str(SNAPSHOTS[0])])
    assert imported.exit_code == 0, imported.output
    with open_store(db) as store:
        gc.collect()
        labelled = relabel(store, "2026-12-07T00:00:00Z")
        assert labelled > 100
        assert gc.collect() == 0


def test_the_collector_is_restored_after_labelling_and_after_an_error():
    assert gc.isenabled()
    classify_all([])
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycle_collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused():
    gc.disable()
    try:
        classify_all([])
        assert not gc.isenabled()
    finally:
        gc.enable()

"""Frames derived from the evidence alone are computed once per evidence version: a kept frame
is the one computed afresh, a caller cannot change it, new evidence gives a new one, and a
later process reads what an earlier one kept in the store."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cartatlas.analyses import evidence_kept
from cartatlas.analyses.approvals import approvals_frame
from cartatlas.analyses.cost import prices_frame
from cartatlas.analyses.durability import pooled_hazard_ratios, pooled_hazard_ratios_of
from cartatlas.analyses.study_rows import study_rows
from cartatlas.store import open_store


@pytest.fixture()
def copy(evidence_store, tmp_path) -> str:
    target = str(tmp_path / "copy.duckdb")
    shutil.copy(evidence_store, target)
    return target


@pytest.mark.parametrize(
    ("kept", "args"),
    [
        (approvals_frame, (["KR", "CN"],)),
        (approvals_frame, (["DE", "US"],)),
        (prices_frame, (["JP", "CN"],)),
        (study_rows, ("LBCL", "CR")),
        (study_rows, ("B-ALL", "CRS_any")),
    ],
)
def test_a_kept_frame_is_the_one_computed_afresh(evidence_store, kept, args) -> None:
    with open_store(evidence_store, read_only=True) as store:
        fresh = kept.__wrapped__(store, *args)
        first = kept(store, *args)
        first["scribbled"] = 1  # a caller's change stays with the caller's copy
        again = kept(store, *args)
    assert not fresh.empty
    pd.testing.assert_frame_equal(again, fresh)


def test_pooled_hazard_ratios_are_the_ones_pooled_afresh(evidence_store) -> None:
    from cartatlas.analyses.durability import comparisons_frame

    with open_store(evidence_store, read_only=True) as store:
        fresh = pooled_hazard_ratios(comparisons_frame.__wrapped__(store))
        kept = pooled_hazard_ratios_of(store)
    assert [(p.indication, p.endpoint, p.hr, p.ci) for p in kept] == [
        (p.indication, p.endpoint, p.hr, p.ci) for p in fresh
    ]


def test_new_evidence_is_read_not_the_kept_frame(copy) -> None:
    with open_store(copy) as store:
        before = approvals_frame(store, ["CN", "US"])
        store.execute("DELETE FROM evidence_approvals WHERE country = 'CN'")
        # a kb load records itself: the evidence version changes with it
        store.execute("INSERT INTO evidence_loads VALUES ('2099-01-01T00:00:00+00:00', 'x', 0, 0)")
        after = approvals_frame(store, ["CN", "US"])
    assert "CN" in set(before["country"])
    assert "CN" not in set(after["country"]) and not after.empty


def test_a_later_process_reads_what_was_kept_in_the_store(copy, monkeypatch) -> None:
    with open_store(copy) as store:
        first = approvals_frame(store, ["KR", "CN"])
        evidence_kept.keep_in(store)
    evidence_kept._KEPT.clear()  # as in a new process

    def recompute(*args, **kwargs):
        raise AssertionError("a kept frame was computed again")

    monkeypatch.setattr("cartatlas.analyses.approvals.one_per_approval", recompute)
    with open_store(copy, read_only=True) as store:
        evidence_kept.read_stored(store)
        again = approvals_frame(store, ["KR", "CN"])
    pd.testing.assert_frame_equal(again, first)

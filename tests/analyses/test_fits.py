"""Pooled fits are kept by their input: a pooling of unchanged evidence is read, not refitted,
in the same process and, through the store, in the next one (after new registry data)."""

from __future__ import annotations

import shutil

import pytest

import cartatlas.stats
from cartatlas.analyses import fits
from cartatlas.analyses.success_rates import pool_by_country
from cartatlas.store import open_store


def test_a_failure_the_input_decides_is_kept_and_raised_again() -> None:
    calls = []

    def fail() -> None:
        calls.append(1)
        raise ValueError("too few studies")

    key = ("test", "failure", 1)
    for _ in range(2):
        with pytest.raises(ValueError, match="too few studies"):
            fits.fitted(key, fail, (ValueError,))
    assert calls == [1]


def test_fits_kept_in_the_store_are_read_back_by_a_new_process(
    evidence_store, tmp_path, monkeypatch
) -> None:
    target = str(tmp_path / "copy.duckdb")
    shutil.copy(evidence_store, target)
    fits._FITS.clear()
    with open_store(target) as store:
        first = pool_by_country(store, "LBCL", "CR", ["CN", "US"])
        fits.keep_in(store)
    fits._FITS.clear()  # as in a new process

    def refit(*args, **kwargs):
        raise AssertionError("a kept pooling was fitted again")

    monkeypatch.setattr(cartatlas.stats, "meta_proportions", refit)
    with open_store(target, read_only=True) as store:
        fits.read_stored(store)
        again = pool_by_country(store, "LBCL", "CR", ["CN", "US"])
    assert again.summaries == first.summaries
    assert again.comparison == first.comparison
    assert again.method_note == first.method_note

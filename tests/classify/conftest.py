"""Shared data for the classifier tests: the shared ClinicalTrials.gov snapshots and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartatlas.classify.sources import read_api_v2

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "ctgov"
LABELS = Path(__file__).with_name("dev_labels.csv")
SNAPSHOTS = sorted(DATA.glob("cart-*-2026-08-22.jsonl.gz"))
FIXTURES = sorted((DATA / "api-v2-fixtures").glob("NCT*.json"))


@pytest.fixture(scope="session")
def records():
    """Every record of the 2026-08-22 snapshots and the API v2 fixtures, by NCT ID."""
    if not SNAPSHOTS:
        pytest.skip(f"shared snapshots not found under {DATA}")
    return {r.trial_id: r for r in read_api_v2(SNAPSHOTS + FIXTURES)}

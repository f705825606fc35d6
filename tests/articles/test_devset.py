"""Recall and precision of claim finding on the development set: real published pages about
CAR-T cost, outcomes and medical travel (tests/articles/devset/: URL, short excerpts, and the
hand-labelled checkable claims). A found claim matches a label when its sentence contains the
label's phrase and its metric is the label's. Goals: recall ≥ 80 %, precision ≥ 85 %."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from cartatlas.analyses.article.extract import extract
from cartatlas.analyses.article.names import load_products
from cartatlas.analyses.article.render import record
from cartatlas.analyses.article.structure import structure
from cartatlas.analyses.article.verdicts import CheckedClaim
from cartatlas.store import open_store

DEVSET = sorted((Path(__file__).parent / "devset").glob("*.yaml"))


def _scores(store) -> tuple[int, int, int, list[str]]:
    products = load_products(store)
    labelled = found = matched = 0
    misses = []
    for path in DEVSET:
        page = yaml.safe_load(path.read_text("utf-8"))
        items = structure(extract(page["excerpts"], products), store)
        predicted = Counter()
        for item in items:
            rec = record(CheckedClaim(item, None, ""))
            predicted[(rec["sentence"], rec["metric"])] += 1
        wanted = Counter()
        for label in page["labels"]:
            sentence = next((s for s, _ in predicted if label["sentence"] in s), label["sentence"])
            wanted[(sentence, label["metric"])] += 1
        for key, n in wanted.items():
            hit = min(n, predicted.get(key, 0))
            matched += hit
            if hit < n:
                misses.append(f"{path.stem}: missed {key[1]} in {key[0][:60]!r}")
        for key, n in predicted.items():
            if n > wanted.get(key, 0):
                misses.append(f"{path.stem}: extra {key[1]} in {key[0][:60]!r}")
        labelled += sum(wanted.values())
        found += sum(predicted.values())
    return labelled, found, matched, misses


def test_devset_has_at_least_five_real_pages():
    pages = [yaml.safe_load(p.read_text("utf-8")) for p in DEVSET]
    assert len(pages) >= 5
    assert all(p["url"].startswith("https://") for p in pages)
    assert all(len(p["excerpts"]) < 2500 for p in pages), "excerpts, not whole pages"


def test_devset_recall_and_precision(evidence_store, capsys):
    with open_store(evidence_store, read_only=True) as store:
        labelled, found, matched, misses = _scores(store)
    recall, precision = matched / labelled, matched / found
    with capsys.disabled():
        print(
            f"\ndevelopment set ({len(DEVSET)} pages): {labelled} labelled claims, {found} found, "
            f"{matched} matched; recall {recall:.0%}, precision {precision:.0%}"
        )
        for miss in misses:
            print("  " + miss)
    assert recall >= 0.80, misses
    assert precision >= 0.85, misses


@pytest.mark.parametrize("path", DEVSET, ids=lambda p: p.stem)
def test_devset_files_are_well_formed(path):
    page = yaml.safe_load(path.read_text("utf-8"))
    assert set(page) == {"url", "excerpts", "labels"}
    for label in page["labels"]:
        assert label["sentence"] in page["excerpts"]

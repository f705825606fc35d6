"""The ranking headlines use to pick the strongest source of a value."""

from __future__ import annotations

from typing import get_args

from cartatlas.evidence import source_strength as strength
from cartatlas.evidence.schema import SourceKind


def test_ranking_lists_every_kind_once():
    assert sorted(strength.RANKING) == sorted(get_args(SourceKind))


def test_regulator_beats_journal_beats_news_beats_secondary():
    order = ["secondary", "news", "journal", "regulator"]
    assert sorted(order, key=strength.rank) == ["regulator", "journal", "news", "secondary"]


def test_strongest_keeps_every_row_of_the_best_kind_in_order():
    rows = [
        {"id": 1, "source_kind": "news"},
        {"id": 2, "source_kind": "label"},
        {"id": 3, "source_kind": "secondary"},
        {"id": 4, "source_kind": "label"},
    ]
    best = strength.strongest(rows, lambda row: row["source_kind"])
    assert [row["id"] for row in best] == [2, 4]


def test_strongest_of_nothing_is_nothing():
    assert strength.strongest([], lambda row: row) == []


def test_weak_kinds_are_news_secondary_and_missing():
    assert [k for k in (*strength.RANKING, None) if strength.is_weak(k)] == [
        "news",
        "secondary",
        None,
    ]
    assert strength.label("news") == "news (weak source)"
    assert strength.label("company_release") == "company release"


def test_derivations_list_every_value_of_derived_from_once():
    from cartatlas.evidence.schema import DERIVED_FROM, DerivedFrom

    assert list(strength.DERIVATIONS) == list(get_args(DerivedFrom)) == list(DERIVED_FROM)

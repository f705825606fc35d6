"""Shortcuts the classifier takes for speed find exactly what the plain code they replace finds,
on every text of the shared snapshots (``test_labels_unchanged.py`` checks the labels)."""

from __future__ import annotations

import re

import pytest

from cartatlas.classify import cells, is_car, sponsor
from cartatlas.classify.matching import _SENTENCE_END, ALL_FIELDS, Hit
from cartatlas.classify.rules import present
from tests.classify.test_literals import every_rule


@pytest.fixture(scope="module")
def texts(records):
    found = {text for r in records.values() for _, text in r.texts(*ALL_FIELDS)}
    odd = ["xCARCAR-T", "CD19CAR, 4SCAR and CAAR-T;\nCAR", "OSCAR", "CA", "CAR"]
    return sorted(found) + odd


def test_car_tokens_equal_the_plain_finditer(texts):
    for text in texts:
        expected = [m.span() for m in is_car._CAR_TOKEN.finditer(text)]
        assert [m.span() for m in is_car._car_tokens(text)] == expected, text


def test_country_name_rule_matches_where_some_name_does(records):
    any_name, names = sponsor._country_names()
    plain = re.compile("|".join(pattern.pattern for pattern, _ in names), re.IGNORECASE)
    sponsors = {r.sponsor_name for r in records.values()} | {"Ministry of Health, Oman", "woman"}
    for name in sorted(sponsors):
        got = any_name.search(name)
        expected = plain.search(name)
        assert (got and got.span()) == (expected and expected.span()), name


def test_sentence_pieces_equal_plain_splitting(texts):
    for text in texts[::7]:
        for start in range(0, len(text), 37):
            hit = Hit("title", text, start, min(len(text), start + 5))
            head = text[max(0, start - 60) : start]
            assert hit.before() == _SENTENCE_END.split(head)[-1], (text, start)
            assert hit.after() == _SENTENCE_END.split(text[hit.end : hit.end + 60])[0]


def test_sentence_ends_equal_the_plain_pattern(texts):
    plain = re.compile(r"(?<=[.;!?])\s+(?=[A-Z(])|\n+")
    for text in texts:
        assert [m.span() for m in _SENTENCE_END.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text


def test_rules_find_non_ascii_words_in_either_case():
    """Rule words may hold non-ASCII letters (γ, ü): a text may spell them in upper case."""
    rules = every_rule() + [sponsor._country_names()[0]]
    for text in ("ΓΔ CAR-T cells", "γ δ T cells", "Universität TÜBINGEN", "MÜNCHEN", "RÉUNION"):
        for rule in rules:
            expected = [m.span() for m in re.compile(rule.pattern, rule.flags).finditer(text)]
            assert [m.span() for m in rule.finditer(text)] == expected, (rule.pattern, text)


def test_rules_find_case_sensitive_words_only_in_their_case():
    """A case-sensitive part's words are looked for in their exact case (``(?-i:RA)``)."""
    texts = ("RA patients", "ra patients", "Ra", "trial in RA.", "rheumatoid RA", "MuSK musk MUSK")
    for rule in every_rule():
        for text in texts:
            expected = [m.span() for m in re.compile(rule.pattern, rule.flags).finditer(text)]
            assert [m.span() for m in rule.finditer(text)] == expected, (rule.pattern, text)


def test_source_words_of_summaries_find_what_all_words_find(texts):
    """Cell-source checks read a summary's words from an automaton of their own words."""
    rules = [rule for _, pattern, about in cells._SOURCE_CHECKS for rule in (pattern, about)]
    for text in texts[::5]:
        for rule in rules:
            expected = [m.span() for m in rule.finditer(text, present(text))]
            got = [m.span() for m in rule.finditer(text, cells._source_words(text))]
            assert got == expected, (rule.pattern, text)

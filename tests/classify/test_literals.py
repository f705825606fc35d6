"""Rules run only where their words occur, and never miss a match: every rule, run the plain way
(``re.compile`` of its whole pattern) over texts of the shared snapshots, finds exactly what the
word-driven scans find. The plain scans are slow, so each test takes a regular sample of the
texts; ``test_labels_unchanged.py`` compares every label and reason of every record."""

from __future__ import annotations

import re

import pytest

from cartatlas.classify import cells, disease, is_car, products, sponsor, targets
from cartatlas.classify.literals import anchored, blank, folded, required
from cartatlas.classify.matching import ALL_FIELDS
from cartatlas.classify.rules import Rule, alternatives


@pytest.fixture(scope="module")
def texts(records):
    found = {text for r in records.values() for _, text in r.texts(*ALL_FIELDS)}
    found |= {r.sponsor_name for r in records.values()}
    # Case folding that str.lower does not do, one that changes the length, masking by spaces.
    odd = ["Multiple Myeloma (MM)", "ſolid tumour", "B-CELL LYMPHOMA", "T cel l", "İ CAR-T cells"]
    return sorted(found) + odd


def every_rule() -> list[Rule]:
    found = []
    for module in (cells, disease, is_car, products, sponsor, targets):
        for value in vars(module).values():
            if isinstance(value, Rule):
                found.append(value)
            elif isinstance(value, tuple):
                items = [item for item in value if isinstance(item, tuple)]
                found += [part for item in items for part in item if isinstance(part, Rule)]
    return found


def plain(rule: Rule) -> re.Pattern[str]:
    return re.compile(rule.pattern, rule.flags)


def test_every_rule_finds_what_its_plain_pattern_finds(texts):
    rules = every_rule()
    assert len(rules) > 100
    sample = texts[::20] + texts[-5:]  # the plain scans are slow: every twentieth text
    for rule in rules:
        whole = plain(rule)
        for text in sample:
            got = [m.span() for m in rule.finditer(text)]
            assert got == [m.span() for m in whole.finditer(text)], (rule.pattern, text)


def test_words_begin_within_reach_of_every_match(texts):
    for rule in every_rule():
        for part in alternatives(rule.pattern):
            branch = re.compile(part, rule.flags)
            words, reach = anchored(branch) or ((), None)
            if not words:
                continue
            for text in texts[::20]:
                for m in branch.finditer(text):
                    low = folded(m.group())
                    starts = [low.find(w) for w in words if w in low]
                    assert starts, (part, m.group())
                    assert reach is None or min(starts) <= reach, (part, m.group(), reach)


def _plain_masked_scan(rules, text):
    """The original rule loop: each pattern in turn, matches blanked with re.sub."""
    found, masked = [], text
    for index, (_, rule) in enumerate(rules):
        pattern = plain(rule)
        first = pattern.search(masked)
        if first:
            found.append((index, *first.span()))
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    return found


def test_disease_scan_equals_plain_scan(texts):
    for text in texts[::4] + texts[-5:]:
        expected = _plain_masked_scan(disease._ALL, text)
        assert list(disease._areas_in(text)) == expected, text


def test_cell_word_scan_equals_plain_scan(texts):
    for text in texts[::4] + texts[-5:]:
        start = plain(cells._NOT_A_PRODUCT).sub(lambda m: " " * len(m.group()), text)
        expected = [
            (cells._CELL_TYPES[i][0], s, e)
            for i, s, e in _plain_masked_scan(cells._CELL_TYPES, start)
        ]
        assert list(cells._cell_words_in(text)) == expected, text


def test_named_targets_equal_one_big_alternation(texts):
    full = re.compile(
        "|".join(
            f"(?P<t{i}>(?<![A-Za-z0-9])(?:{rx})(?![a-z]))"
            for i, rx in enumerate(targets.SYNONYMS.values())
        ),
        re.IGNORECASE,
    )
    names = list(targets.SYNONYMS)
    for text in texts[::4] + texts[-5:]:
        expected = [(m.start(), m.end(), names[int(m.lastgroup[1:])]) for m in full.finditer(text)]
        got = [t for t in targets._named_targets(text) if t[2] in names]
        assert got[: len(expected)] == expected, text


def test_known_products_equal_searching_every_product(texts):
    for text in texts[::4] + texts[-5:]:
        expected = [p for rule, p in products._PATTERNS if plain(rule).search(text)]
        assert [p for _, p in products.known_products(text)] == expected, text


def test_alternation_order_reach_and_blank():
    rule = Rule(r"ab|a|\bbc|xyz\d{0,20}q", re.I)
    assert [m.group() for m in rule.finditer("AB a bc xyz123q")] == ["AB", "a", "bc", "xyz123q"]
    assert rule.search("nothing") is None
    assert anchored(re.compile(r"\bT[\s-]?cells?")) == (frozenset({"cell"}), 2)
    assert required(re.compile(r"\w+")) is None
    assert alternatives(r"a(b|c)|[|]d|\|e") == ["a(b|c)", "[|]d", r"\|e"]
    assert blank("a bc d", [(2, 4)]) == "a    d"

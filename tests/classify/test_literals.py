"""The word prefilter never hides a match: every rule, run the plain way over every text of the
shared snapshots, finds exactly what the prefiltered scans find."""

from __future__ import annotations

import re

import pytest

from cartatlas.classify import cells, disease, products, targets
from cartatlas.classify.literals import blank, folded, prefilter, required
from cartatlas.classify.matching import ALL_FIELDS


@pytest.fixture(scope="module")
def texts(records):
    found = {text for r in records.values() for _, text in r.texts(*ALL_FIELDS)}
    found |= {r.sponsor_name for r in records.values()}
    # Case folding that str.lower does not do, and masking by spaces.
    return sorted(found) + ["Multiple Myeloma (MM)", "ſolid tumour", "B-CELL LYMPHOMA", "T cel l"]


def _plain_masked_scan(rules, text):
    """The original rule loop: each pattern in turn, matches blanked with re.sub."""
    found, masked = [], text
    for index, (_, pattern) in enumerate(rules):
        first = pattern.search(masked)
        if first:
            found.append((index, *first.span()))
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    return found


def test_required_words_are_in_every_match(texts):
    patterns = [p for _, p in disease._ALL] + [p for _, p in cells._CELL_TYPES]
    patterns += [p for p, _ in products._PATTERNS]
    patterns += [re.compile(part, re.IGNORECASE) for part in targets._NAMED_PARTS]
    for pattern in patterns:
        words = required(pattern)
        if not words:
            continue
        for text in texts:
            for m in pattern.finditer(text):
                assert any(w in folded(m.group()) for w in words), (pattern.pattern, m.group())


def test_disease_scan_equals_plain_scan(texts):
    for text in texts:
        expected = _plain_masked_scan(disease._ALL, text)
        assert list(disease._areas_in(text)) == expected, text


def test_cell_word_scan_equals_plain_scan(texts):
    for text in texts:
        start = cells._NOT_A_PRODUCT.sub(lambda m: " " * len(m.group()), text)
        expected = [
            (cells._CELL_TYPES[i][0], s, e)
            for i, s, e in _plain_masked_scan(cells._CELL_TYPES, start)
        ]
        assert list(cells._cell_words_in(text)) == expected, text


def test_named_targets_equal_one_big_alternation(texts):
    full = re.compile("|".join(targets._NAMED_PARTS), re.IGNORECASE)
    names = list(targets.SYNONYMS)
    for text in texts:
        expected = [(m.start(), m.end(), names[int(m.lastgroup[1:])]) for m in full.finditer(text)]
        got = [t for t in targets._named_targets(text) if t[2] in names]
        assert got[: len(expected)] == expected, text


def test_known_products_equal_searching_every_product(texts):
    for text in texts:
        expected = [p for pattern, p in products._PATTERNS if pattern.search(text)]
        assert [p for _, p in products.known_products(text)] == expected, text


def test_prefilter_and_blank():
    possible = prefilter([re.compile(r"myeloma|\bMM\b", re.I), re.compile(r"\w+"), re.compile("x")])
    assert possible("Multiple Myeloma") == {0, 1}
    assert possible("nothing") == {1}
    assert blank("a bc d", [(2, 4)]) == "a    d"

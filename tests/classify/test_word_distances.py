"""Rules try a match only at the starts their words allow (``literals.placed``): every match of
every alternative must have one of its words beginning between the nearest and the farthest
distance computed for it, or a start would be skipped and a label lost. An alternative runs only
in texts that hold a word of each set it needs (``literals.needed``): every text an alternative
matches in must hold one, or a match would be lost."""

from __future__ import annotations

import re

from cartatlas.classify.literals import EXACT, folded, needed, placed
from cartatlas.classify.matching import ALL_FIELDS
from cartatlas.classify.rules import alternatives
from tests.classify.test_literals import every_rule


def test_words_begin_between_nearest_and_farthest_distance(records):
    texts = sorted({text for r in records.values() for _, text in r.texts(*ALL_FIELDS)})
    folded_texts = [(text, folded(text)) for text in texts[::20]]
    for rule in every_rule():
        for part in alternatives(rule.pattern):
            branch = re.compile(part, rule.flags)
            words, near, reach = placed(branch) or ((), 0, None)
            if not words or reach is None:
                continue  # nothing to place: such alternatives are searched, not placed
            for text, low in folded_texts:
                if len(low) != len(text):
                    continue  # offsets differ: the rules search such texts plainly
                for m in branch.finditer(text):
                    assert any(
                        low.startswith(word, m.start() + distance)
                        for word in words
                        for distance in range(near, reach + 1)
                    ), (part, m.group(), near, reach)


def test_distances_of_simple_patterns():
    assert placed(re.compile(r"\bCAR[\s-]?T\b", re.I)) == (frozenset({"car"}), 0, 0)
    assert placed(re.compile(r"\bT[\s-]?cells?", re.I)) == (frozenset({"cell"}), 1, 2)
    assert placed(re.compile(r"x?abc|yabc")) == (frozenset({"abc", "yabc"}), 0, 1)
    assert placed(re.compile(r"a{2,5}bcd")) == (frozenset({"bcd"}), 2, 5)
    assert placed(re.compile(r"\w+foo")) == (frozenset({"foo"}), 1, None)


def test_texts_with_a_match_hold_a_word_of_every_needed_set(records):
    texts = sorted({text for r in records.values() for _, text in r.texts(*ALL_FIELDS)})
    sample = [(text, folded(text)) for text in texts[::10]]
    for rule in every_rule():
        for part in alternatives(rule.pattern):
            branch = re.compile(part, rule.flags)
            for words in needed(branch):
                exact = [w[len(EXACT) :] for w in words if w.startswith(EXACT)]
                loose = [w for w in words if not w.startswith(EXACT)]
                for text, low in sample:
                    if branch.search(text):
                        held = any(w in text for w in exact) or any(w in low for w in loose)
                        assert held, (part, sorted(words), text)


def test_needed_words():
    def of(pattern: str, flags: int = re.I) -> list[set[str]]:
        return [set(words) for words in needed(re.compile(pattern, flags))]

    # Each literal run is needed; single letters are not worth looking up.
    assert of(r"\bNK T[\s-]cells? expansion") == [{"nk"}, {"cell"}, {"expansion"}]
    # A case-sensitive part is needed in its exact case.
    assert of(r"(?-i:\bRA\b)") == [{EXACT + "RA"}]
    assert of(r"(?-i:MuSK)") == [{EXACT + "MuSK"}]
    # Look-arounds the match requires are needed too; negative ones are not.
    assert of(r"\b(APRIL|BAFF)(?=[\s-]*(?:ligand|based))(?!xyzw)") == [
        {"april", "baff"},
        {"ligand", "based"},
    ]
    # A group of alternatives: one word of each combination of their needed sets.
    assert of(r"(?:BCMA|cell maturation antigen)") == [
        {"bcma", "cell"},
        {"bcma", "maturation"},
        {"bcma", "antigen"},
    ]
    # Optional parts are not needed.
    assert of(r"large(?: lymphomas?)?") == [{"large"}]

"""Rules try a match only at the starts their words allow (``literals.placed``): every match of
every alternative must have one of its words beginning between the nearest and the farthest
distance computed for it, or a start would be skipped and a label lost."""

from __future__ import annotations

import re

from cartatlas.classify.literals import folded, placed
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

"""Skip rule patterns that cannot match a text, without changing what the rules find.

Every match of a pattern such as ``myeloma|plasmacytoma|(?-i:\\bMM\\b)`` contains one of the
words ``myeloma``, ``plasmacytoma`` or ``mm``. :func:`required` reads those words from the
compiled pattern's syntax tree; :func:`prefilter` finds all words of many patterns in one
Aho–Corasick pass over the lower-cased text and names the patterns that may match. A pattern
whose words are all absent cannot match, so skipping it leaves every label and reason exactly
as before — which is what lets the classifier run each field once instead of once per rule.

The words never hold whitespace or non-ASCII letters: whitespace because the disease rules
blank out earlier matches with spaces (a word is then still present in the original text), and
non-ASCII because case-insensitive matching maps a few of them onto ASCII letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import ahocorasick

try:  # Python ≥ 3.11 names the parser module privately; the structure is the same.
    from re import _constants as _c
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

Literals = frozenset[str] | None
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
#: Characters that case-insensitive matching equates with an ASCII letter but ``str.lower``
#: does not map to it (from the ``re`` compiler's equivalence table).
_FOLD = str.maketrans({"ı": "i", "ſ": "s"})


def required(pattern: re.Pattern[str]) -> Literals:
    """Words (lower case) of which every match of ``pattern`` contains at least one, or
    ``None`` when the pattern can match without any fixed word."""
    return _sequence(_sre.parse(pattern.pattern, pattern.flags))


def _plain(code: int) -> str | None:
    char = chr(code)
    return char.lower() if char.isascii() and not char.isspace() else None


def _sequence(items) -> Literals:
    """The most selective word set among the parts every match of a sequence goes through."""
    options: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        char = _plain(arg) if op == _c.LITERAL else None
        if char:
            run += char
            continue
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the letters on either side stay adjacent
        if run:
            options.append(frozenset((run,)))
            run = ""
        part = _item(op, arg)
        if part:
            options.append(part)
    if run:
        options.append(frozenset((run,)))
    return max(options, key=lambda words: min(map(len, words)), default=None)


def _item(op, arg) -> Literals:
    if op == _c.SUBPATTERN:
        return _sequence(arg[-1])
    if op == _ATOMIC:
        return _sequence(arg)
    if op in _REPEATS and arg[0] >= 1:
        return _sequence(arg[2])
    if op == _c.BRANCH:
        branches = [_sequence(branch) for branch in arg[1]]
        if all(branches):
            return frozenset().union(*branches)
    return None


@lru_cache(maxsize=16384)
def folded(text: str) -> str:
    """The form of ``text`` that the words are looked up in."""
    low = text.lower()
    return low if low.isascii() else low.translate(_FOLD)


def prefilter(patterns: Sequence[re.Pattern[str]]) -> Callable[[str], frozenset[int]]:
    """A function from a text to the indices of ``patterns`` that may match it."""
    always: set[int] = set()
    owners: dict[str, set[int]] = {}
    for index, pattern in enumerate(patterns):
        words = required(pattern)
        if not words:
            always.add(index)
            continue
        for word in words:
            owners.setdefault(word, set()).add(index)
    base = frozenset(always)
    if not owners:
        return lambda text: base
    automaton = ahocorasick.Automaton()
    for word, indices in owners.items():
        automaton.add_word(word, frozenset(indices))
    automaton.make_automaton()

    @lru_cache(maxsize=16384)
    def possible(text: str) -> frozenset[int]:
        found = set(base)
        for _, indices in automaton.iter(folded(text)):
            found |= indices
        return frozenset(found)

    return possible


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by as many spaces (what ``re.sub`` would give for the
    same, non-overlapping matches): how rules hide words an earlier rule has claimed."""
    parts, last = [], 0
    for start, end in spans:
        parts += (text[last:start], " " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)

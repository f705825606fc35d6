"""The fixed words every match of a rule pattern contains, read from its syntax tree.

Every match of a pattern such as ``myeloma|plasmacytoma|(?-i:\\bMM\\b)`` contains one of the
words ``myeloma``, ``plasmacytoma`` or ``mm``. :func:`required` reads those words from the
compiled pattern's syntax tree; :mod:`~.rules` looks them up in each text in one Aho–Corasick
pass and skips the patterns (and alternatives) whose words are absent. A pattern whose words
are all absent cannot match, so skipping it leaves every label and reason exactly as before.

The words never hold whitespace or non-ASCII letters: whitespace because the disease rules
blank out earlier matches with spaces (a word is then still present in the original text), and
non-ASCII because case-insensitive matching maps a few of them onto ASCII letters.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    found = anchored(pattern)
    return found[0] if found else None


def anchored(pattern: re.Pattern[str]) -> tuple[frozenset[str], int | None] | None:
    """:func:`required`'s words and how far after a match's start one of them can begin at
    most (``None``: unbounded), so a search can start just before the first word."""
    return _sequence(_sre.parse(pattern.pattern, pattern.flags))


def width(pattern: re.Pattern[str]) -> tuple[int, int]:
    """The shortest and longest length a match of ``pattern`` can have."""
    return _sre.parse(pattern.pattern, pattern.flags).getwidth()


def _plain(code: int) -> str | None:
    char = chr(code)
    return char.lower() if char.isascii() and not char.isspace() else None


Option = tuple[frozenset[str], int | None]
_UNBOUNDED = 1 << 30


def _sequence(items) -> Option | None:
    """The most selective word set among the parts every match of a sequence goes through,
    with the longest distance from the sequence's start to where that part begins."""
    options: list[Option] = []
    run, run_at, offset = "", 0, 0
    for op, arg in items:
        char = _plain(arg) if op == _c.LITERAL else None
        if char:
            if not run:
                run_at = offset
            run += char
            offset = _add(offset, 1)
            continue
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the letters on either side stay adjacent
        if run:
            options.append((frozenset((run,)), run_at))
            run = ""
        part = _item(op, arg)
        if part:
            options.append((part[0], _add(offset, part[1])))
        offset = _add(offset, _sre.SubPattern(items.state, [(op, arg)]).getwidth()[1])
    if run:
        options.append((frozenset((run,)), run_at))
    return max(options, key=lambda option: min(map(len, option[0])), default=None)


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None or a + b >= _UNBOUNDED else a + b


def _item(op, arg) -> Option | None:
    if op == _c.SUBPATTERN:
        return _sequence(arg[-1])
    if op == _ATOMIC:
        return _sequence(arg)
    if op in _REPEATS and arg[0] >= 1:
        return _sequence(arg[2])
    if op == _c.BRANCH:
        branches = [_sequence(branch) for branch in arg[1]]
        if all(branches):
            offsets = [at for _, at in branches]
            at = None if None in offsets else max(offsets)
            return frozenset().union(*(words for words, _ in branches)), at
    return None


@lru_cache(maxsize=16384)
def folded(text: str) -> str:
    """The form of ``text`` that the words are looked up in."""
    low = text.lower()
    return low if low.isascii() else low.translate(_FOLD)


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by as many spaces (what ``re.sub`` would give for the
    same, non-overlapping matches): how rules hide words an earlier rule has claimed."""
    parts, last = [], 0
    for start, end in spans:
        parts += (text[last:start], " " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)

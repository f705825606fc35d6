"""The fixed words every match of a rule pattern contains, read from its syntax tree.

Every match of a pattern such as ``myeloma|plasmacytoma|(?-i:\\bMM\\b)`` contains one of the
words ``myeloma``, ``plasmacytoma`` or ``mm``. :func:`required` reads those words from the
compiled pattern's syntax tree; :mod:`~.rules` looks them up in each text in one pass of an
RE2 set and skips the patterns (and alternatives) whose words are absent. A pattern whose words
are all absent cannot match, so skipping it leaves every label and reason exactly as before.

The words never hold whitespace, nor a non-ASCII letter that case-insensitive matching
equates with another (ſ and s, β and ϐ): whitespace because the disease rules blank out earlier
matches with spaces (a word is then still present in the original text), and such letters
because a text may spell them either way while the words are looked up lower-cased.
"""

from __future__ import annotations

import re

try:  # Characters that case-insensitive matching equates beyond upper and lower case.
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover - Python 3.10
    from sre_compile import _ignorecase_fixes as _EXTRA_CASES  # type: ignore[no-redef]

try:  # Python ≥ 3.11 names the parser module privately; the structure is the same.
    from re import _constants as _c
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

Literals = frozenset[str] | None
#: Words, and the shortest and longest distance from the start to where one of them begins.
Option = tuple[frozenset[str], int, int | None]
_UNBOUNDED = 1 << 30
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
#: Characters that case-insensitive matching equates with an ASCII letter but ``str.lower``
#: does not map to it (from the ``re`` compiler's equivalence table).
_FOLD = str.maketrans({"ı": "i", "ſ": "s"})
#: Marks a word (in :func:`needed`) that must occur in its exact case.
EXACT = "\x00"
#: Up to this many sets of words stand for a group of alternatives (see :func:`_item_needs`).
_COMBINED = 16
#: Up to this many spellings of a run of letters place a sequence (see :func:`_sequence`).
_SPELLINGS = 8


def required(pattern: re.Pattern[str]) -> Literals:
    """Words (lower case) of which every match of ``pattern`` contains at least one, or
    ``None`` when the pattern can match without any fixed word."""
    found = anchored(pattern)
    return found[0] if found else None


def anchored(pattern: re.Pattern[str]) -> tuple[frozenset[str], int | None] | None:
    """:func:`required`'s words and how far after a match's start one of them can begin at
    most (``None``: unbounded), so a search can start just before the first word."""
    found = placed(pattern)
    return (found[0], found[2]) if found else None


def placed(pattern: re.Pattern[str]) -> Option | None:
    """:func:`anchored`'s words with the shortest and the longest distance from a match's
    start to where one of them begins: when both are equal (``\\bCAR[\\s-]?T`` begins with its
    word), a word occurrence leaves one possible start instead of a range."""
    return _sequence(_sre.parse(pattern.pattern, pattern.flags))


def needed(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets of words of which a text must hold one each for ``pattern`` to match in it: one
    set for each run of letters and each group every match goes through, and for each
    look-around it requires. A word of a case-sensitive part (``(?-i:RA)``) is given in its
    exact case after :data:`EXACT`; the others in lower case, as :func:`placed` gives them.

    :func:`placed` gives the one set that places a match; these say whether one can exist at
    all (``\\bNK T[\\s-]cells?`` needs ``nk`` as well as the ``cell`` that places it)."""
    ignore = bool(pattern.flags & re.IGNORECASE)
    found = _needs(_sre.parse(pattern.pattern, pattern.flags), ignore)
    return tuple(dict.fromkeys(words for words in found if all(map(_telling, words))))


def _telling(word: str) -> bool:
    """Whether looking ``word`` up says enough to be worth it: not a single letter, which
    nearly every text holds. (Leaving out two- or three-letter words too was measured: the
    rules run in vain without them cost more than finding them.)"""
    return len(word.removeprefix(EXACT)) > 1


def _needs(items, ignore: bool) -> list[frozenset[str]]:
    found: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        char = _plain(arg) if op == _c.LITERAL else None
        if char:
            run += char if ignore else chr(arg)
            continue
        if op in _ZERO_WIDTH:
            if op == _c.ASSERT:  # a look-around: its words are in the text, beside the match
                found += _needs(arg[1], ignore)
            continue  # consumes nothing: the letters on either side stay adjacent
        if run:
            found.append(frozenset((run if ignore else EXACT + run,)))
            run = ""
        found += _item_needs(op, arg, ignore)
    if run:
        found.append(frozenset((run if ignore else EXACT + run,)))
    return found


def _item_needs(op, arg, ignore: bool) -> list[frozenset[str]]:
    if op == _c.SUBPATTERN:
        _, add, remove, items = arg
        return _needs(items, bool((ignore or add & re.IGNORECASE) and not remove & re.IGNORECASE))
    if op == _ATOMIC:
        return _needs(arg, ignore)
    if op in _REPEATS and arg[0] >= 1:
        return _needs(arg[2], ignore)
    if op == _c.BRANCH:
        # A branch that needs a and b, or one that needs c: the text holds a or c, and b or c.
        combined = [frozenset()]
        for sets in (_needs(branch, ignore) for branch in arg[1]):
            combined = [words | more for words in combined for more in sets]
            if len(combined) > _COMBINED:
                return []
        return combined
    return []


def width(pattern: re.Pattern[str]) -> tuple[int, int]:
    """The shortest and longest length a match of ``pattern`` can have."""
    return _sre.parse(pattern.pattern, pattern.flags).getwidth()


def _plain(code: int) -> str | None:
    """The letter a literal character is looked up as, or ``None`` when it cannot be one.

    A non-ASCII letter counts only when every character that matches it ignoring case lower-
    cases to that same one letter: not when ``re`` adds equivalents (β and ϐ, σ and ς)."""
    char = chr(code)
    if char.isspace():
        return None
    low = char.lower()
    if char.isascii():
        return low
    plain = len(low) == 1 and not {code, ord(low)} & _EXTRA_CASES.keys() and low == folded(low)
    return low if plain else None


def _sequence(items) -> Option | None:
    """The most selective word set among the parts every match of a sequence goes through,
    with the shortest and longest distance from the sequence's start to where it begins.

    A run of letters goes on through a part that spells a few letters in a few ways (``-?``,
    ``(?:α|a|alpha)``): ``U-?CAR`` is placed by ``u-car`` or ``ucar``, not by the ``car`` of
    every CAR-T text, ``FR(?:α|a|alpha)`` by ``frα`` or ``fra``, not by every ``from``."""
    options: list[Option] = []
    run: list[str] = []  # the spellings of the current run of letters
    run_near, run_far, near, far = 0, 0, 0, 0
    for op, arg in items:
        char = _plain(arg) if op == _c.LITERAL else None
        spellings = [char] if char else _spellings([(op, arg)]) if run else None
        if spellings and len(run or [""]) * len(spellings) <= _SPELLINGS:
            if not run:
                run_near, run_far = near, far
            run = [head + tail for head in run or [""] for tail in spellings]
        elif op in _ZERO_WIDTH:
            continue  # consumes nothing: the letters on either side stay adjacent
        else:
            if run:
                options.append((_shortest(run), run_near, run_far))
                run = []
            part = _item(op, arg)
            if part:
                options.append((part[0], near + part[1], _add(far, part[2])))
        shortest, longest = _sre.SubPattern(items.state, [(op, arg)]).getwidth()
        near, far = min(near + shortest, _UNBOUNDED), _add(far, longest)
    if run:
        options.append((_shortest(run), run_near, run_far))
    return max(options, key=_selective, default=None)


def _spellings(items) -> list[str] | None:
    """Every string that a part made of letters alone can match (``-?``, ``[ab]``,
    ``(?:c|de)``), lower-cased, or ``None`` for any other part or too many strings."""
    found = [""]
    for op, arg in items:
        if op == _c.LITERAL:
            options = [_plain(arg)]
        elif op == _c.IN:
            options = [_plain(code) if kind == _c.LITERAL else None for kind, code in arg]
        elif op == _c.BRANCH:
            branches = [_spellings(branch) for branch in arg[1]]
            options = None if None in branches else [s for spelled in branches for s in spelled]
        elif op in _REPEATS and arg[:2] == (0, 1):
            options = _spellings(arg[2])
            options = None if options is None else ["", *options]
        elif op == _c.SUBPATTERN and not arg[1] and not arg[2]:
            options = _spellings(arg[3])
        else:
            return None
        if options is None or None in options:
            return None
        found = [head + tail for head in found for tail in options]
        if len(found) > _SPELLINGS:
            return None
    return found


def _shortest(spellings: list[str]) -> frozenset[str]:
    """The words of a run's spellings, leaving out each that begins with another (an
    occurrence of ``cells`` is one of ``cell`` at the same place)."""
    return frozenset(
        word
        for word in spellings
        if not any(word.startswith(other) and other != word for other in spellings)
    )


def _selective(option: Option) -> tuple[bool, int, int]:
    """Which of a sequence's word sets places it best: first one that fixes the match's start
    (a word occurrence leaves one start to try, not a range: ``\\bcar\\s?t[\\s-]?cells?``
    by ``car`` rather than by ``cell`` at 4 to 6 characters, tried three times per ``cell``),
    unless its words are shorter than three letters (they occur nearly everywhere); then the
    longest shortest word, which occurs in fewer texts, up to six letters (longer ones are all
    rare); then the one nearest the start. The nearest keeps the alternatives of a group at one
    distance: ``folate receptor`` placed by ``receptor`` 7 characters in made its group
    (``FR(?:α|a|alpha)|folate receptor…|FOLR1``) try eight starts at every ``receptor`` of
    "chimeric antigen receptor"; by ``folate``, it tries one start per word."""
    words, near, far = option
    shortest = min(map(len, words))
    return (far == near and shortest >= 3, min(shortest, 6), -near)


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
            fars = [far for _, _, far in branches]
            return (
                frozenset().union(*(words for words, _, _ in branches)),
                min(near for _, near, _ in branches),
                None if None in fars else max(fars),
            )
    return None


def folded(text: str) -> str:
    """The form of ``text`` that the words are looked up in."""
    low = text.lower()
    if low.isascii() or ("ı" not in low and "ſ" not in low):
        return low  # nothing to translate (translating a long text costs ~0.1 ms)
    return low.translate(_FOLD)


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by as many spaces (what ``re.sub`` would give for the
    same, non-overlapping matches): how rules hide words an earlier rule has claimed."""
    parts, last = [], 0
    for start, end in spans:
        parts += (text[last:start], " " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)

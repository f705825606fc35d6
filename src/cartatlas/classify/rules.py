"""Rule patterns that run only where their words occur in a text.

A rule such as ``myeloma|plasmacytoma|(?-i:\\bMM\\b)`` is an alternation. Python's ``re`` tries
every alternative at every position of a text, which for the long alternations of the rule
tables costs up to a microsecond per character. A :class:`Rule` keeps each top-level
alternative as its own compiled pattern, with the words every match of it contains and the
nearest and farthest distance from the match's start at which such a word can begin
(:func:`~.literals.placed`). One pass of an RE2 set of all those words per text
(:func:`present`, cached) finds which words of every rule occur. A rule then tries only the
alternatives whose words occur.
When their words fix the possible starts within a few characters (``\\bCAR[\\s-]?T`` can only
start where ``car`` does), the rule is matched at those starts alone, in start order and at
one start in written order, which is the choice the alternation makes. Which words place
which alternatives is planned once per set of words present, and each word's occurrences are
found once for all the alternatives it places.
Otherwise each alternative searches from the first start its words allow, and their matches
are merged the way the alternation would have chosen them: the leftmost start wins, and at
the same start the alternative written first. No match can start anywhere else, so the
matches, labels and reasons are exactly those of the plain pattern
(``tests/classify/test_literals.py`` checks this on every text of the shared snapshots,
``tests/classify/test_labels_unchanged.py`` every label and reason).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import itemgetter, or_

import re2

from cartatlas.classify.literals import EXACT, folded, needed, placed, width

#: Bit of each word of every rule, in the order the rules registered them; a word that must
#: occur in its exact case is keyed with :data:`~.literals.EXACT` before it.
_BITS: dict[str, int] = {}
#: Bit of a lower-case word → ``(exact spelling, bit)`` of the exact words it stands for: an
#: exact word is looked for only where its lower-case form occurs.
_EXACT: dict[int, list[tuple[str, int]]] = {}
#: A word matcher (see :func:`_index`): the RE2 set, the bit of each of its words by number,
#: and the exact words each number stands for.
Index = tuple[re2.Set, list[int], dict[int, list[tuple[str, int]]]]
#: What :func:`present` looks words up with; built at its first call.
_matcher: Index | None = None
#: Up to this many possible starts before a word, each is tried with ``match``; beyond it one
#: ``search`` runs from the first possible start.
_STEPS = 8
#: Combinations of words a selector or a rule remembers its answer for.
_SEEN = 4096
#: Bytes the word matcher may use. RE2's set silently finds nothing when its DFA runs out of
#: memory; the rules' 1,700 words compile and find every word of every shared text from 1 MB
#: up, so 64 MB leaves a wide margin.
_MATCHER_MEMORY = 64 << 20


@dataclass(frozen=True, slots=True)
class Words:
    """The rule words that occur in one text: ``mask`` (their bits) and ``folded``, the text
    they were found in (``None`` when lower-casing changed its length, so that offsets in it
    are not offsets in the text)."""

    mask: int
    folded: str | None


def _mask(words: frozenset[str] | None) -> int:
    """The bits of ``words`` (0: no word is required, the alternative always runs)."""
    global _matcher
    mask = 0
    for word in words or ():
        if word not in _BITS:
            _BITS[word] = 1 << len(_BITS)
            if word.startswith(EXACT):
                key = _mask(frozenset((word[len(EXACT) :].lower(),)))
                _EXACT.setdefault(key, []).append((word[len(EXACT) :], _BITS[word]))
            _matcher = None  # a rule defined after the first scan: index again
            present.cache_clear()  # … and forget the words found without it
        mask |= _BITS[word]
    return mask


@lru_cache(maxsize=16384)
def present(text: str) -> Words:
    """The rule words that occur in ``text`` (any case; exact words in their case); cached,
    as rules ask for the words of the same text many times."""
    global _matcher
    if _matcher is None:
        _matcher = _index(_BITS)
    return _found(text, _matcher)


def part(words: Words, text: str) -> Words:
    """The words of ``text``, a part (a window, a sentence) of a text whose words are
    ``words``, without a word pass of its own: the whole's bits, as a part holds no word its
    whole lacks (those it lacks are merely looked for in vain, as in a masked copy, see
    :class:`Rule`), and the part's own folded form (lower-casing a part gives that part of
    the whole's lower case: only a Greek sigma's depends on the next letter, and no rule word
    holds one)."""
    low = folded(text)
    return Words(words.mask, low if len(low) == len(text) else None)


def scoped(rules: Sequence[Rule]) -> Callable[[str], Words]:
    """:func:`present` for texts that only ``rules`` read, cached: the words of those rules
    alone, from a matcher of them (a smaller set, whose DFA has fewer states to build and
    visit than that of all the rules' words)."""
    index = None

    @lru_cache(maxsize=16384)
    def words(text: str) -> Words:
        nonlocal index
        if index is None:
            union = reduce(or_, (rule.bits for rule in rules), 0)
            chosen = [word for word, bit in _BITS.items() if bit & union]
            keys = [word[len(EXACT) :].lower() for word in chosen if word.startswith(EXACT)]
            index = _index(chosen + keys)
        return _found(text, index)

    return words


def _index(words: Iterable[str]) -> Index:
    """A matcher that tells which of ``words`` occur in a text, by number, the bit of each
    number, and the exact words of each number's word. Exact words are left out of the set:
    they are looked for (with ``in``) where their lower-case form occurs.

    An RE2 set of the words as literals: its DFA reads a text once and reports each word that
    occurs once, however often it occurs (an Aho–Corasick iterator hands every occurrence to
    Python: about 290,000 for the store's 12,000 texts, against 176,000 distinct per text)."""
    options = re2.Options()
    options.literal = True
    options.max_mem = _MATCHER_MEMORY
    matcher = re2.Set.SearchSet(options)
    bits: list[int] = []
    exact: dict[int, list[tuple[str, int]]] = {}
    for word in dict.fromkeys(words):
        if not word.startswith(EXACT):
            number = matcher.Add(word)
            bits.append(_BITS[word])
            if _BITS[word] in _EXACT:
                exact[number] = _EXACT[_BITS[word]]
    matcher.Compile()
    return matcher, bits, exact


def _found(text: str, index: Index) -> Words:
    matcher, bits, exact = index
    low = folded(text)
    numbers = matcher.Match(low.encode()) or ()  # bytes: the wrapper's own encoding is slower
    mask = reduce(or_, map(bits.__getitem__, numbers), 0)
    for number in exact.keys() & numbers:  # by word number: no mask arithmetic per text
        for word, bit in exact[number]:
            if word in text:
                mask |= bit
    return Words(mask, low if len(low) == len(text) else None)


def alternatives(source: str) -> list[str]:
    """``source`` split at its top-level ``|`` (outside groups and character classes)."""
    parts, start, depth, index, in_class = [], 0, 0, 0, False
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1 + source.startswith("^", index + 1)
            index += source.startswith("]", index)  # a leading ']' is a literal
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(source[start:index])
            start = index + 1
        index += 1
    parts.append(source[start:])
    return parts


@dataclass(frozen=True, slots=True)
class _Needing:
    """Alternatives that placing words allow and that need other words: the ``union`` of
    those words' bits, the ``candidates``, and the plans by the needed words present."""

    union: int
    candidates: list[int]
    plans: dict[int, tuple]


class Rule:
    """A compiled rule pattern: ``finditer``/``search`` find what ``re.compile(source, flags)``
    finds, running only the alternatives whose words occur in the text, and only there.

    ``words`` (from :func:`present`) lets a caller that scans a masked copy of a text pass the
    words of the original: masking with spaces never adds a word, only removes some, and a
    position where a removed word was is merely tried in vain."""

    __slots__ = ("pattern", "flags", "mask", "bits", "_branches", "_needs", "_owners", "_always")
    __slots__ += ("_placing", "_plans")

    def __init__(self, source: str | Sequence[str], flags: int = 0) -> None:
        parts = [source] if isinstance(source, str) else list(source)
        whole = re.compile("|".join(parts), flags)
        self.pattern, self.flags = whole.pattern, whole.flags
        if len(parts) == 1:
            parts = alternatives(parts[0])
        branches = [re.compile(part, flags) for part in parts]
        if any(b.flags != whole.flags or width(b)[0] == 0 for b in branches):
            if not isinstance(source, str):
                raise ValueError(f"alternatives that cannot be searched apart: {parts}")
            branches = [whole]  # global inline flags or an empty match: keep it whole
        self._branches = []
        for branch in branches:
            words, near, reach = placed(branch) or ((), 0, None)
            spelled = tuple((_mask(frozenset((word,))), word) for word in sorted(words))
            # Placed: its words leave at most _STEPS possible starts each (see _starts).
            placed_ = bool(words) and reach is not None and reach - near <= _STEPS
            self._branches.append((branch, _mask(words), near, reach, spelled, placed_))
        # Every set of words an alternative needs, besides those that place it.
        self._needs = [tuple(_mask(words) for words in needed(b)) for b in branches]
        masks = [branch[1] for branch in self._branches]
        self.mask = 0 if not all(masks) else _union(masks)
        self._owners = _owners(masks)
        self._always = [index for index, mask in enumerate(masks) if not mask]
        self._placing = _union(masks)
        #: The bits of every word the rule looks at (see :func:`scoped`).
        self.bits = self._placing | _union([_union(needs) for needs in self._needs])
        self._plans: dict[int, tuple | _Needing] = {}

    def indexed(self, text: str, words: Words | None = None) -> Iterator[tuple[int, re.Match[str]]]:
        """``(alternative index, match)`` of every match, as ``finditer`` of the whole."""
        words = words or present(text)
        shared = words.mask & self._placing
        if self.mask and not shared:
            return iter(())  # none of the rule's words occurs: the common case, kept cheap
        return self._indexed(text, words, self._plan(words.mask, shared))

    def _indexed(self, text: str, words: Words, plan: tuple) -> Iterator[tuple[int, re.Match[str]]]:
        live, word, places = plan
        if not live:
            return iter(())
        low = words.folded
        if low is not None:
            if word is not None:
                return _word_matches(text, low, *word)
            if places is not None:
                return _matches_at(self._branches, text, _starts(places, low))
        if len(live) == 1:
            return ((live[0], m) for m in self._all(live[0], text, words))
        return _merged([(i, self._first(i, text, words)) for i in live])

    def may_match(self, words: Words) -> bool:
        """Whether a text with these words, or any part of it, can hold a match."""
        shared = words.mask & self._placing
        return not (self.mask and not shared) and bool(self._plan(words.mask, shared)[0])

    def finditer(self, text: str, words: Words | None = None) -> Iterator[re.Match[str]]:
        words = words or present(text)
        shared = words.mask & self._placing
        if self.mask and not shared:
            return iter(())  # as in indexed, without its calls: most texts end here
        plan = self._plan(words.mask, shared)
        if not plan[0]:
            return iter(())
        return map(itemgetter(1), self._indexed(text, words, plan))

    def search(self, text: str, words: Words | None = None) -> re.Match[str] | None:
        """The first match: the leftmost of the alternatives' first matches, and at the same
        start the alternative written first, as the alternation would choose."""
        words = words or present(text)
        shared = words.mask & self._placing
        if self.mask and not shared:
            return None
        live, word, places = self._plan(words.mask, shared)
        low = words.folded
        if live and low is not None:
            if word is not None:
                return next(_word_matches(text, low, *word), (None, None))[1]
            if places is not None:
                found = _matches_at(self._branches, text, _starts(places, low))
                return next(found, (None, None))[1]
        best = None
        for index in live:
            m = self._first(index, text, words)(0)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def _plan(self, mask: int, shared: int) -> tuple:
        """``(live, word, places)`` for a text whose words are ``mask`` (``shared``: those
        that place the rule's alternatives), planned once per set of them: ``live``, the
        alternatives that can match (one of their placing words occurs, and one word of each
        set they need); ``word``, the arguments of :func:`_word_matches` when one word places
        them all alike; ``places``, how :func:`_starts` finds their starts when their words
        place them all (else ``None``).

        Planned in two steps, so that the words of a long text, which few other texts share,
        are looked at only as far as they matter: the alternatives its placing words allow,
        and then the needed words of those alternatives alone."""
        step = self._plans.get(shared)
        if step is None:
            step = self._remember(shared, self._candidates(shared))
        if step.__class__ is not _Needing:
            return step  # the candidates need no other words
        needs = mask & step.union
        plan = step.plans.get(needs)
        if plan is None:
            plan = step.plans[needs] = self._planned(shared, needs, step.candidates)
        return plan

    def _remember(self, shared: int, candidates: list[int]) -> tuple | _Needing:
        """The plan for these placing words, or, when the candidates need other words, where
        to keep the plans by those words."""
        if len(self._plans) >= _SEEN:
            self._plans.clear()
        union = _union([need for i in candidates for need in self._needs[i]])
        step = _Needing(union, candidates, {}) if union else self._planned(shared, 0, candidates)
        self._plans[shared] = step
        return step

    def _candidates(self, shared: int) -> list[int]:
        found = set(self._always)
        while shared:
            bit = shared & -shared
            found.update(self._owners[bit])
            shared ^= bit
        return sorted(found)

    def _planned(self, shared: int, needs: int, candidates: list[int]) -> tuple:
        live = [i for i in candidates if all(need & needs for need in self._needs[i])]
        if not live or not self.mask:
            return live, None, None
        places = _plan(self._branches, live, shared)
        word = None
        if places is not None and len(places) == 1:
            (spelling, spots), spans = places[0], {(near, reach) for near, reach, _ in places[0][1]}
            if len(spans) == 1 and len(spots) == len(live):
                ((near, reach),) = spans
                if near == reach or len(live) == 1:
                    tried = tuple((i, self._branches[i][0]) for i in live)
                    word = (spelling, near, reach, tried)
        return live, word, places

    def _all(self, index: int, text: str, words: Words) -> Iterator[re.Match[str]]:
        branch, mask, near, reach, spelled, _ = self._branches[index]
        if not mask or reach is None or words.folded is None:
            return branch.finditer(text)
        found = _present_words(spelled, words)
        return _all_at(branch, text, words.folded, found, near, reach)

    def _first(self, index: int, text: str, words: Words) -> Callable:
        """``first(position)``: the alternative's first match starting at or after it."""
        branch, mask, near, reach, spelled, _ = self._branches[index]
        if not mask or reach is None or words.folded is None:
            return lambda position: branch.search(text, position)
        low, found = words.folded, _present_words(spelled, words)
        return lambda position: _first_at(branch, text, low, found, near, reach, position)


def _owners(masks: Sequence[int]) -> dict[int, list[int]]:
    """Bit of each word → the indices of the masks that hold it."""
    owners: dict[int, list[int]] = {}
    for index, mask in enumerate(masks):
        while mask:
            bit = mask & -mask
            owners.setdefault(bit, []).append(index)
            mask ^= bit
    return owners


def _starts(places: tuple, low: str) -> list[tuple[int, int]]:
    """``(start, alternative index)`` of every place where a live alternative can match,
    ascending: each occurrence in ``low`` of a word of ``places`` (from :func:`_plan`) leaves
    the starts ``near`` to ``reach`` before it."""
    starts: list[tuple[int, int]] = []
    for word, spots in places:
        at = low.find(word)
        while at >= 0:
            for near, reach, index in spots:
                if near == reach:
                    if at >= near:
                        starts.append((at - near, index))
                else:
                    starts += [(at - d, index) for d in range(near, min(reach, at) + 1)]
            at = low.find(word, at + 1)
    return sorted(set(starts))


def _matches_at(
    branches: list[tuple], text: str, starts: list[tuple[int, int]]
) -> Iterator[tuple[int, re.Match[str]]]:
    """``(index, match)`` of the alternatives tried at their ``starts`` only, each after the
    previous match's end. At one start the alternatives come in their written order, and one
    not listed there cannot match there, so the first that matches is the alternation's."""
    position = 0
    for start, index in starts:
        if start >= position:
            m = branches[index][0].match(text, start)
            if m:
                yield index, m
                position = m.end()


def _plan(branches: list[tuple], live: list[int], shared: int) -> tuple | None:
    """How :meth:`Rule._starts` finds the starts for one set of words present: each present
    word once, with the ``(near, reach, index)`` of every live alternative placed by it, or
    ``None`` when a live alternative cannot be placed."""
    places: dict[str, list[tuple[int, int, int]]] = {}
    for index in live:
        _, _, near, reach, spelled, placed_ = branches[index]
        if not placed_:
            return None
        for bit, word in spelled:
            if bit & shared:
                places.setdefault(word, []).append((near, reach, index))
    return tuple((word, tuple(found)) for word, found in places.items())


def _word_matches(
    text: str, low: str, word: str, near: int, reach: int, tried: tuple
) -> Iterator[tuple[int, re.Match[str]]]:
    """``(index, match)`` of the alternatives ``tried`` (in written order) at the starts the
    occurrences of ``word`` in ``low`` leave, ascending, each after the previous match's end:
    what :func:`_matches_at` gives for the same starts, without listing and sorting them."""
    position = 0  # no match may start before the previous one's end
    last = -1  # starts up to here were tried already
    at = low.find(word, near)
    while at >= 0:
        for start in range(max(at - reach, last + 1, position), at - near + 1):
            if start < position:
                continue  # inside the previous match
            for index, branch in tried:
                m = branch.match(text, start)
                if m:
                    yield index, m
                    position = m.end()
                    break
        last = at - near
        at = low.find(word, at + 1)


def _present_words(spelled: tuple[tuple[int, str], ...], words: Words) -> tuple[str, ...]:
    if len(spelled) == 1:
        return (spelled[0][1],)  # a live alternative of one word: that word is present
    return tuple(word for bit, word in spelled if bit & words.mask)


def _next_word(low: str, found: tuple[str, ...], position: int) -> int:
    """Where the first of ``found`` begins in ``low`` at or after ``position`` (-1: nowhere)."""
    if len(found) == 1:
        return low.find(found[0], position)
    starts = [at for at in (low.find(word, position) for word in found) if at >= 0]
    return min(starts) if starts else -1


def _first_at(
    branch: re.Pattern[str],
    text: str,
    low: str,
    found: tuple[str, ...],
    near: int,
    reach: int,
    position: int,
) -> re.Match[str] | None:
    """The first match starting at or after ``position``: a match contains one of the words
    ``found``, beginning from ``near`` to ``reach`` after the match's start, so only those
    starts are tried."""
    tried = position - 1  # starts up to here were tried already
    at = _next_word(low, found, position + near)
    while at >= 0:
        first = max(at - reach, tried + 1)
        if reach - near > _STEPS:
            return branch.search(text, first)
        for start in range(first, at - near + 1):
            m = branch.match(text, start)
            if m:
                return m
        tried = max(tried, at - near)
        at = _next_word(low, found, at + 1)
    return None


def _all_at(
    branch: re.Pattern[str], text: str, low: str, found: tuple[str, ...], near: int, reach: int
) -> Iterator[re.Match[str]]:
    position = 0
    while (m := _first_at(branch, text, low, found, near, reach, position)) is not None:
        yield m
        position = m.end()


def selector(masks: Sequence[int]) -> Callable[[Words], list[int]]:
    """A function from the words of a text to the indices (ascending) of ``masks`` that share
    a word with it; a mask of 0 (no word required) is always chosen. Visits only the words
    that occur, not every mask, so a table of a hundred rules costs what its few hits cost."""
    always = [index for index, mask in enumerate(masks) if not mask]
    owners = _owners(masks)
    # Answers by the words shared, ready for each single word: most texts share one, and the
    # same few combinations of the others recur (kept up to _SEEN, then started afresh).
    single = {bit: sorted({*always, *indices}) for bit, indices in owners.items()}
    seen = dict(single)
    union = _union(masks)

    def live(words: Words) -> list[int]:
        shared = words.mask & union
        if not shared:
            return always
        if shared in seen:
            return seen[shared]
        found = set(always)
        key = shared
        while shared:
            bit = shared & -shared
            found.update(owners[bit])
            shared ^= bit
        if len(seen) >= _SEEN:
            seen.clear()
            seen.update(single)
        seen[key] = sorted(found)
        return seen[key]

    return live


def _union(masks: Sequence[int]) -> int:
    union = 0
    for mask in masks:
        union |= mask
    return union


def _merged(live: list[tuple[int, Callable]]) -> Iterator[tuple[int, re.Match[str]]]:
    """Matches of several alternatives as their alternation gives them: at each step the
    leftmost next match, the earlier alternative on a tie, then on from its end (no
    alternative matches empty, see :class:`Rule`)."""
    ahead = [(index, first, first(0)) for index, first in live]
    position = 0
    while True:
        best = None
        for slot, (index, first, m) in enumerate(ahead):
            if m is not None and m.start() < position:
                m = first(position)
                ahead[slot] = (index, first, m)
            if m is not None and (best is None or m.start() < best[1].start()):
                best = (index, m)
        if best is None:
            return
        yield best
        position = best[1].end()

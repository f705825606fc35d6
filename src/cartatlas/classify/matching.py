"""Find words in a record's fields and quote them, so every label can say why it was given.

A label function asks for the first or all matches of a pattern in an ordered list of fields;
the order encodes trust (an intervention name says more about the product than a summary's
background paragraph). :func:`quote` renders the reason shown to users: ``field: '…words…'``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from cartatlas.classify.record import TrialRecord
from cartatlas.classify.rules import Rule

#: Fields that describe what the trial gives, most specific first.
PRODUCT_FIELDS = ("interventions", "title", "official_title", "arms", "keywords")
#: Free-text fields, read after the product fields.
TEXT_FIELDS = ("brief_summary", "detailed_description")
ALL_FIELDS = PRODUCT_FIELDS + ("conditions",) + TEXT_FIELDS

#: A sentence end: the whitespace between a closing mark (.;!?) and the next capital or
#: parenthesis, or a run of newlines. It finds what ``(?<=[.;!?])\s+(?=[A-Z(])|\n+`` finds, but
#: begins with ``\s``, so ``re`` skips to whitespace instead of trying both alternatives at
#: every character (2.4× faster over the store's summaries).
_SENTENCE_END = re.compile(r"\s(?:(?<=[.;!?]\s)\s*(?=[A-Z(])|(?<=\n)\n*)")
#: A sentence end holds one of these: text without them is one piece (checked before splitting).
_BREAK_CHARS = re.compile(r"[.;!?\n]")


class Hit(NamedTuple):
    """One match: the field it was found in, the whole field text and the match span (a
    named tuple: the rules make thousands per run, and a tuple is the cheapest to build)."""

    field: str
    text: str
    start: int
    end: int

    @property
    def words(self) -> str:
        return self.text[self.start : self.end]

    def before(self, width: int = 60) -> str:
        """Text just before the match, within the same sentence."""
        head = self.text[max(0, self.start - width) : self.start]
        if not _BREAK_CHARS.search(head):
            return head
        parts = _SENTENCE_END.split(head)
        return parts[-1] if parts else ""

    def after(self, width: int = 60) -> str:
        """Text just after the match, within the same sentence."""
        tail = self.text[self.end : self.end + width]
        return _SENTENCE_END.split(tail)[0] if _BREAK_CHARS.search(tail) else tail

    def sentence(self) -> str:
        """The sentence that holds the match."""
        ends = _sentence_ends(self.text)
        # The first sentence end that finishes after the match start closes its sentence.
        index = bisect_right(ends, self.start, key=lambda span: span[1])
        start = ends[index - 1][1] if index else 0
        return self.text[start : ends[index][0]] if index < len(ends) else self.text[start:]


@lru_cache(maxsize=4096)
def _sentence_ends(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the sentence breaks of ``text`` (hits in one text share them)."""
    return tuple(m.span() for m in _SENTENCE_END.finditer(text))


def hits(record: TrialRecord, pattern: Rule, fields: Iterable[str]) -> Iterator[Hit]:
    """Every match of ``pattern`` in ``fields``, in field order then text order."""
    for field, text in record.texts(*fields):
        for m in pattern.finditer(text):
            yield Hit(field, text, m.start(), m.end())


def first_hit(record: TrialRecord, pattern: Rule, fields: Iterable[str]) -> Hit | None:
    return next(hits(record, pattern, fields), None)


def quote(hit: Hit, width: int = 40) -> str:
    """``field: '…context…'`` around a hit, short enough for a table cell."""
    start = max(0, hit.start - width)
    end = min(len(hit.text), hit.end + width)
    snippet = " ".join(hit.text[start:end].split())
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(hit.text) else ""
    return f"{hit.field}: '{prefix}{snippet}{suffix}'"

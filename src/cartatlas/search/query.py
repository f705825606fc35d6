"""Turn what a patient or clinician types into an SQLite FTS5 query.

"r/r MM", "relapsed multiple myeloma" and "复发难治 骨髓瘤" all become
``("relapsed" OR "refractory" OR …) AND ("myeloma" OR "rrmm" OR …)``: known phrases and
abbreviations are recognised first (longest match wins), CAR targets by the classifier's own
spellings (``cartatlas.classify.targets.SYNONYMS``), Chinese terms inside unspaced text, and
words that say nothing in a CAR-trial search ("CAR-T", "therapy", "患者") are dropped. Every other
word is searched as typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from cartatlas.search.vocabulary import CITIES, CONCEPTS, STOPWORDS

_PUNCTUATION = re.compile(r"[\s\-/_,;:()\[\]{}\"“”‘’+&|!?，。；：、（）]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MAX_PHRASE_WORDS = 7


def normalise(text: str) -> str:
    """Lower case, full-width letters folded, punctuation as spaces: "B-ALL" → "b all"."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


@dataclass(frozen=True)
class Term:
    """One thing the query asks for: a trial must contain any of ``alternatives``."""

    name: str
    alternatives: tuple[str, ...]

    def fts(self) -> str:
        return "(" + " OR ".join(f'"{a}"' for a in self.alternatives) + ")"


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def all_terms(self) -> str | None:
        """Every term required (the first try)."""
        return " AND ".join(t.fts() for t in self.terms) or None

    @property
    def any_term(self) -> str | None:
        """Any term, ranked by how many match (when no trial has them all)."""
        return " OR ".join(t.fts() for t in self.terms) or None

    def meaning(self) -> str:
        return " AND ".join(t.name for t in self.terms)


@cache
def _phrases() -> dict[str, Term]:
    """Normalised phrase → the term it stands for (concepts, cities, countries)."""
    from cartatlas.inputs import _chinese_names

    table: dict[str, Term] = {}
    for name, concept in CONCEPTS.items():
        term = Term(name, tuple(dict.fromkeys(normalise(t) for t in concept.terms)))
        for phrase in (*concept.terms, *concept.typed):
            table.setdefault(normalise(phrase), term)
    for chinese, english in CITIES.items():
        table[chinese] = Term(english, (english,))
    import pycountry

    for chinese, code in _chinese_names().items():
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            english = normalise(getattr(country, "common_name", country.name))
            table.setdefault(normalise(chinese), Term(english, (english,)))
    return table


@cache
def _targets() -> tuple[tuple[re.Pattern[str], str], ...]:
    from cartatlas.classify.targets import SYNONYMS

    return tuple((re.compile(pattern, re.IGNORECASE), name) for name, pattern in SYNONYMS.items())


def _target(word: str) -> Term | None:
    for pattern, name in _targets():
        if pattern.fullmatch(word):
            spellings = (normalise(name), word, word.replace(" ", ""))  # claudin18.2 too
            return Term(name, tuple(dict.fromkeys(spellings)))
    return None


def _chinese(token: str) -> tuple[list[Term], str]:
    """Terms found in an unspaced Chinese token (longest first) and its Latin leftovers."""
    table = _phrases()
    longest = max(len(p) for p in table)
    found: list[Term] = []
    leftover: list[str] = []
    i = 0
    while i < len(token):
        for end in range(min(len(token), i + longest), i, -1):
            if _CJK.search(token[i:end]) and token[i:end] in table:
                found.append(table[token[i:end]])
                i = end
                break
        else:
            leftover.append(token[i] if not _CJK.match(token[i]) else " ")
            i += 1
    return found, "".join(leftover)


def _words(words: list[str]) -> list[Term]:
    """Terms for space-separated words: the longest known phrase or target name first, then each
    word as typed."""
    table = _phrases()
    terms: list[Term] = []
    i = 0
    while i < len(words):
        for end in range(min(len(words), i + _MAX_PHRASE_WORDS), i, -1):
            phrase = " ".join(words[i:end])
            term = table.get(phrase) or _target(phrase)
            if term:
                terms.append(term)
                i = end
                break
        else:
            word = words[i]
            i += 1
            if word not in STOPWORDS:
                terms.append(Term(word, (word,)))
    return terms


def parse(text: str) -> Query:
    """The FTS5 terms of a typed query (no terms: the query asks for nothing in particular)."""
    terms: list[Term] = []
    words: list[str] = []
    for token in normalise(text).split():
        if not _CJK.search(token):
            words.append(token)
            continue
        found, leftover = _chinese(token)
        terms += _words(words) + found
        words = leftover.split()
    terms += _words(words)
    return Query(tuple(dict.fromkeys(terms)))

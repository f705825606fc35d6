"""Sentences that state a figure no extractor reads ("China has 3 proton-therapy units").

A checker that lists only what it could read lets a reader take silence for agreement: every
sentence that states a number and yields no finding is listed as not checkable, with the kinds
of statement the checker does read. Numbers that are not figures are left out: years and dates,
identifiers (CD19, NCT04…, IL-6), citation markers, list numbers, and the number of a phase,
grade, stage, line, figure or table.
"""

from __future__ import annotations

import re

from cartatlas.analyses.article.extract import Finding
from cartatlas.analyses.article.parse_dates import YEAR, find_dates
from cartatlas.analyses.article.sentences import Sentence, split_sentences

#: What the checker reads, said where it lists a figure it did not read.
UNREAD_REASON = (
    "no rule reads this kind of figure; the checker reads response and safety rates, prices, "
    "relative costs, counts of approved products, of trials and of treatment centres, shares of "
    "the world's trials, approval dates and comparisons between countries"
)

# A number standing on its own: not inside an identifier (CD19, IL-6, NCT04…, v2.0, [12]) and
# not the start of a word (2L, 3rd, 4-1BB).
_NUMBER = re.compile(r"(?<![\w\-./\[])\d+(?:[.,]\d+)*(?![\w\-])")
_YEAR = re.compile(YEAR)
_LABEL_BEFORE = re.compile(
    r"\b(?:phase|phases|grade|grades|stage|stages|line|lines|figure|fig\.|table|version|"
    r"step|part|arm|cohort|level|type|chapter|section|no\.|number)\s*[≥>≤<]?\s*$",
    re.IGNORECASE,
)


def _is_figure(sentence: str, match: re.Match[str], dates: list[tuple[int, int]]) -> bool:
    start, end = match.span()
    if any(a <= start < b for a, b in dates):
        return False
    if _YEAR.fullmatch(match.group(0)) and not sentence[end:].lstrip().startswith("%"):
        return False
    if start == 0 and re.match(r"[.)]\s", sentence[end : end + 2]):
        return False  # a list or heading number ("3. Costs")
    return not _LABEL_BEFORE.search(sentence[:start])


def states_a_figure(sentence: Sentence) -> bool:
    """True when the sentence states at least one number that is a figure (see the module)."""
    text = sentence.text
    dates = [d.span for d in find_dates(text)]
    return any(_is_figure(text, m, dates) for m in _NUMBER.finditer(text))


def unread_figures(text: str, findings: list[Finding]) -> list[Finding]:
    """A "figure" finding (the whole sentence) for each sentence of ``text`` that states a figure
    and gave none of ``findings``; a question asserts nothing and is skipped, as by ``extract``."""
    read = {f.sentence.start for f in findings}
    return [
        Finding("figure", s, (s.start, s.end))
        for s in split_sentences(text)
        if s.start not in read and not s.text.endswith("?") and states_a_figure(s)
    ]

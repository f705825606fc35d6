"""Small formatting helpers the section builders share."""

from __future__ import annotations

import math

import pandas as pd

from cartatlas.missing import is_missing
from cartatlas.report.model import References, Table
from cartatlas.rounding import half_up

#: The line-of-therapy codes the Approvals and Cost tables print, in words a patient's family
#: can read: "2L" and "3L+" were never spelt out.
LINES_OF_THERAPY = (
    "Lines of therapy: 2L is the second line (the treatment after a first one failed or the "
    "disease came back), 3L+ the third line or later, 2L+ the second line or later, and so on; "
    "r/r: relapsed (the disease came back) or refractory (it did not respond)."
)


def pct(value: float | None, digits: int = 0) -> str:
    """A proportion as a percentage, rounded half up as a paper prints it (13/16: 81.3%)."""
    if value is None or math.isnan(value):
        return "no data"
    return f"{half_up(100 * value, digits):.{digits}f}%"


def interval(low: float, high: float) -> str:
    return f"{100 * low:.0f}–{100 * high:.0f}%"


def cite_row(refs: References, row: object) -> str:
    """The marker for a row (namedtuple or dict) with ``source_url`` and maybe doi / pmid."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    doi, pmid = get("doi"), get("pmid")
    return refs.cite(
        get("source_url"),
        doi=None if is_missing(doi) else doi,
        pmid=None if is_missing(pmid) else pmid,
    )


def cite_marked(refs: References, row: object) -> str:
    """``cite_row`` followed by the source's kind when it is news or a secondary page, so a
    detail table marks the rows no headline rests on ("[[4]] secondary (weak source)")."""
    from cartatlas.evidence.source_strength import is_weak, label

    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    kind = get("source_kind")
    return cite_row(refs, row) + (f" {label(kind)}" if is_weak(kind) else "")


def frame_table(title: str, frame: pd.DataFrame, note: str = "") -> Table:
    rows = [["" if is_missing(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
    return Table(title, [str(c) for c in frame.columns], rows, note)


def tied_past_cut(ranked: list[tuple[str, int]], shown: int) -> list[str]:
    """The names past the first ``shown`` of ``ranked`` (most first) that have as many as the
    last one shown: a list cut inside a tie ranks some above others that have as many."""
    if len(ranked) <= shown:
        return []
    last = ranked[shown - 1][1]
    return [name for name, n in ranked[shown:] if n == last]

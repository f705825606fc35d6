"""How strong each kind of source is, so headlines rest on the strongest source of a value.

Every evidence row names the kind of its canonical source (``source_kind``). When several rows
give the same value (an approval, a response rate, a price), a headline — the report's lead
text, a dashboard card, a claim's verdict — uses the rows of the strongest kind; news and
secondary rows stay in the detail tables, marked, and only stand behind a headline when nothing
stronger exists (and then the headline says so).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import pandas as pd

    from cartatlas.evidence.schema import Sourced

#: Strongest first. Regulators and labels are the agency's own words; a peer-reviewed paper is
#: the primary scientific record; an HTA body re-analyses the record; a registry entry and a
#: conference abstract are primary but unreviewed or preliminary; a company release is primary
#: for its own facts (approval, launch price) but selective about results; news reports others'
#: words; secondary pages (aggregators, blogs, medical-travel sites) copy news or papers.
RANKING: tuple[str, ...] = (
    "regulator",
    "label",
    "journal",
    "hta_body",
    "registry",
    "conference_abstract",
    "company_release",
    "news",
    "secondary",
)

#: Kinds that may appear in detail tables but never stand alone behind a headline when a
#: stronger source exists.
WEAK: frozenset[str] = frozenset({"news", "secondary"})

#: The kind that never stands behind a headline number, even when nothing stronger exists: the
#: headline then says ``SECONDARY_ONLY`` and the row stays in the detail tables, marked.
SECONDARY = "secondary"

#: What a headline says for a value that only secondary pages give.
SECONDARY_ONLY = "no data (only secondary sources)"

#: Kinds that may support an approval on their own (news only as a second source).
APPROVAL_KINDS: frozenset[str] = frozenset({"regulator", "label", "company_release"})

#: Kinds whose sources are papers, which must be cited by DOI or PMID.
PAPER_KINDS: frozenset[str] = frozenset({"journal", "conference_abstract"})

#: Tables of study results (the rows a paper stands behind), where a weak row without a DOI or
#: PMID marks a paper that could not be identified.
RESULT_TABLES: frozenset[str] = frozenset(
    {"studies", "outcomes", "safety", "survival", "comparisons"}
)

#: The ``kb sources`` column that counts them.
UNIDENTIFIED = "weak_no_identifier"

#: What such a row's value derives from (its ``derived_from``, required there by ``kb check``),
#: in the order ``kb sources`` splits the count: journal first, since a journal paper has a DOI
#: or PMID a later pass can find (issue #14); a meeting abstract, approval data and a page that
#: does not say may have none to find. The values of ``schema.DERIVED_FROM``, kept here so that
#: counting needs no schema import (``tests/evidence/test_derived_from.py`` checks they agree).
DERIVATIONS: tuple[str, ...] = ("journal", "conference_abstract", "approval", "unnamed")

Item = TypeVar("Item")


def rank(kind: str | None) -> int:
    """0 for the strongest kind; an unknown or missing kind ranks below every known one."""
    return RANKING.index(kind) if kind in RANKING else len(RANKING)


def is_weak(kind: str | None) -> bool:
    """True for news and secondary sources (and for a missing kind)."""
    return kind is None or kind in WEAK


def is_secondary(kind: str | None) -> bool:
    """True for a secondary page (aggregator, blog, medical-travel site): such a row may be
    listed in a detail table, marked, but no headline number rests on it."""
    return kind == SECONDARY


def on_secondary_pages(rows: pd.DataFrame) -> pd.Series:
    """Which rows of a frame (with a ``source_kind`` column) come from a secondary page: a
    boolean series, to keep (``~``) or to list them (:func:`is_secondary`, row-wise)."""
    return rows["source_kind"] == SECONDARY


def strongest(items: Iterable[Item], kind: Callable[[Item], str | None]) -> list[Item]:
    """The items whose source kind ranks best, in their given order (empty in, empty out).

    ``kind`` reads the source kind of an item, e.g. ``lambda row: row["source_kind"]``.
    """
    items = list(items)
    if not items:
        return []
    best = min(rank(kind(item)) for item in items)
    return [item for item in items if rank(kind(item)) == best]


def label(kind: str | None) -> str:
    """The kind as readers see it next to a reference: 'journal', 'news (weak source)', …"""
    text = (kind or "unknown").replace("_", " ")
    return f"{text} (weak source)" if is_weak(kind) else text


def kind_counts(rows_by_table: dict[str, list[str | None]]) -> list[list[object]]:
    """One row per table — its name, the count of rows per kind (strongest first), the total —
    then a row of totals; ``rows_by_table`` maps a table to its rows' source kinds."""
    table = [
        [name, *(kinds.count(kind) for kind in RANKING), len(kinds)]
        for name, kinds in rows_by_table.items()
    ]
    totals = [sum(row[i] for row in table) for i in range(1, len(RANKING) + 2)]  # type: ignore[misc]
    return [*table, ["all tables", *totals]]


def lacks_identifier(record: Sourced) -> bool:
    """Whether a row rests on a news or secondary page and names no DOI or PMID: a result whose
    paper (or abstract) the curators could not identify, so a reviewer cannot check it at the
    source."""
    return is_weak(record.source_kind) and not record.doi and not record.pmid


def unidentified(records: Iterable[Sourced]) -> int:
    """How many of ``records`` lack an identifier (:func:`lacks_identifier`)."""
    return sum(1 for record in records if lacks_identifier(record))


def unidentified_by_derivation(records: Iterable[Sourced]) -> dict[str, int]:
    """The rows lacking an identifier counted by what their value derives from, every kind of
    :data:`DERIVATIONS` present (0 when none). ``kb check`` rejects such a row that does not say,
    so over checked rows the counts add up to :func:`unidentified`."""
    counts = Counter(
        getattr(record, "derived_from", None) for record in records if lacks_identifier(record)
    )
    return {derivation: counts[derivation] for derivation in DERIVATIONS}

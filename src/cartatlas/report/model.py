"""What a report is made of, independent of how it is rendered (HTML, PDF, Markdown).

Text may carry citation markers ``[[n]]`` that point into the report's numbered references; each
renderer turns them into its own kind of link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CITATION = re.compile(r"\[\[(\d+)\]\]")


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Figure:
    title: str
    svg: str  # a complete <svg> document
    caption: str
    data: Table | None = None  # the numbers behind the figure
    slug: str = "figure"


@dataclass
class Paragraph:
    text: str


Block = Table | Figure | Paragraph


@dataclass
class Section:
    key: str
    title: str
    answer: str  # the short plain-language answer the section opens with
    blocks: list[Block] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


@dataclass
class Reference:
    number: int
    label: str
    url: str | None = None
    doi: str | None = None
    pmid: str | None = None
    kind: str | None = None  # the source's kind (evidence source_kind), shown next to it

    @property
    def kind_label(self) -> str:
        """'journal', 'company release', 'news (weak source)', …; empty when not known."""
        from cartatlas.evidence.source_strength import label

        return label(self.kind) if self.kind else ""


class References:
    """The report's numbered reference list; citing the same source twice reuses its number."""

    def __init__(self) -> None:
        self.items: list[Reference] = []
        self._index: dict[str, int] = {}

    def cite(
        self, url: str | None, label: str = "", doi: str | None = None, pmid: str | None = None
    ) -> str:
        """Return the marker ``[[n]]`` for this source, adding it on first use."""
        key = url or label
        if key not in self._index:
            number = len(self.items) + 1
            self.items.append(
                Reference(number, label or (url or ""), url, doi or None, pmid or None)
            )
            self._index[key] = number
        return f"[[{self._index[key]}]]"

    def merge(self, references: list[Reference]) -> dict[int, int]:
        """Cite ``references`` (another list's, in its order) here: their numbers there → here."""
        numbers = {}
        for ref in references:
            marker = self.cite(ref.url, ref.label, ref.doi, ref.pmid)
            numbers[ref.number] = int(CITATION.fullmatch(marker)[1])
        return numbers

    def add_kinds(self, kinds: dict[str, str]) -> None:
        """Give each cited source its kind, looked up by URL (``queries.source_kinds``)."""
        for ref in self.items:
            if ref.url in kinds:
                ref.kind = kinds[ref.url]


@dataclass
class Report:
    title: str
    countries: list[str]
    generated: str
    data_note: str
    sections: list[Section]
    references: References

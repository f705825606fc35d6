"""Report parts that read only the evidence: computed once per evidence load, then read back.

Most of a first report build — the pooled rates with their forest plots, durability, approvals,
cost, coverage, safety and regulation — reads only the curated evidence and the countries,
while the registry sections change with every snapshot. So those parts are kept in the store
(:mod:`cartatlas.store.derived`) under the evidence version and the code version: ``kb load``
computes them for the default pair of countries, and a report on any registry data then builds
only the parts that read the registry. Any ``kb load`` or code change gives a new version, so
new evidence rows always show.

A part cites its sources into a reference list of its own, so its citation markers do not
depend on what was cited before it. Reading a part cites its references into the report in
their order and renumbers its markers: a source first cited here gets the report's next
number, one cited before keeps its number — the numbers a build in one go gives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from cartatlas.report.model import (
    CITATION,
    Figure,
    Paragraph,
    Reference,
    References,
    Section,
    Table,
)
from cartatlas.store import Store, derived
from cartatlas.store.versions import evidence_code_version

if TYPE_CHECKING:
    from cartatlas.report.context import ReportContext

T = TypeVar("T")
NAME = "report-part"
_MODEL = (Section, Table, Figure, Paragraph)


@dataclass
class Parts:
    """The kept parts of one store: read from it, or built in this run (``built``, to keep)."""

    store: Store
    version: str
    built: dict[str, tuple[str, tuple[object, list[Reference]]]] = field(default_factory=dict)

    @classmethod
    def of(cls, store: Store) -> Parts:
        return cls(store, evidence_code_version(store))


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def sites_version(ctx: ReportContext) -> str:
    """Changes with the registry sites of the evidence's studies (``ctx.site_counts``), what the
    parts that assign multinational trials to a country read besides the evidence."""
    counts = sorted((study, sorted(sites.items())) for study, sites in ctx.site_counts.items())
    return _digest(ctx.has_registry, counts)


def part(ctx: ReportContext, name: str, build: Callable[[], T], also: str = "") -> T:
    """``build()``, which must read nothing but the evidence, ``ctx.countries`` and what
    ``also`` is the version of (e.g. :func:`sites_version`); read from the store when kept there
    (``ctx.parts``; without it, simply built)."""
    kept = ctx.parts
    if kept is None:
        return build()
    key = f"{NAME}:{name}:{','.join(ctx.countries)}"
    version = _digest(kept.version, also) if also else kept.version
    found = kept.built.get(key, (None, derived.MISSING))
    if found[0] != version:
        found = (version, derived.load(kept.store, key, version))
    if found[1] is derived.MISSING:
        found = (version, _built_apart(ctx, build))
        kept.built[key] = found
    value, references = found[1]
    return renumbered(value, ctx.refs.merge(references))  # type: ignore[return-value]


def _built_apart(ctx: ReportContext, build: Callable[[], T]) -> tuple[T, list[Reference]]:
    """``build()`` citing into a reference list of its own, and that list."""
    shared, ctx.refs = ctx.refs, References()
    try:
        return build(), ctx.refs.items
    finally:
        ctx.refs = shared


def renumbered(value: object, numbers: dict[int, int]) -> object:
    """``value`` (report blocks, text, or lists and tuples of them) with each citation marker
    ``[[n]]`` turned into ``[[numbers[n]]]``; a new value, the given one is left as it was.
    Objects other than the report's own (a pooling kept beside the blocks) are returned as
    they are: only report text carries markers."""
    if all(old == new for old, new in numbers.items()):
        return value
    if isinstance(value, str):
        return CITATION.sub(lambda m: f"[[{numbers[int(m[1])]}]]", value)
    if isinstance(value, list | tuple):
        return type(value)(renumbered(item, numbers) for item in value)
    if isinstance(value, _MODEL) and is_dataclass(value):
        changes = {f.name: renumbered(getattr(value, f.name), numbers) for f in fields(value)}
        return replace(value, **changes)
    return value


def keep(store: Store, parts: Parts) -> None:
    """Store the parts built in this run (``store`` writable)."""
    for key, (version, value) in parts.built.items():
        derived.save(store, key, version, value)

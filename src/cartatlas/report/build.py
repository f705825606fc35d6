"""Assemble the report from its sections."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

from cartatlas.analyses.claims import EXAMPLE, ClaimsFile, load_claims
from cartatlas.evidence.queries import source_kinds
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Report, Section
from cartatlas.report.parts import Parts, keep, part
from cartatlas.report.sections import (
    access,
    approvals,
    claims,
    cost,
    durability,
    registry_views,
    rules_and_payers,
    safety,
    side_by_side,
    success,
)
from cartatlas.store import Store

#: Sections that read only the evidence and the countries: kept in the store (:mod:`~.parts`).
EVIDENCE_ONLY: dict[str, Callable[[ReportContext], Section]] = {
    "durability": durability.build,
    "approvals": approvals.build,
    "cost": cost.build,
    "coverage": rules_and_payers.coverage,
    "safety": safety.build,
    "regulation": rules_and_payers.regulatory,
}


def build_report(
    store: Store,
    countries: list[str],
    claims_file: ClaimsFile | None,
    progress: Callable[[str, int], None] | None = None,
    kept: Parts | None = None,
) -> Report:
    """Every section in the order of the questions; sections without data say so.
    ``progress(step, steps)`` hears each section as it starts (for a progress bar). ``kept``:
    the store's evidence-only parts, read where kept and added to where built."""
    return report_for(ReportContext(store, countries, parts=kept), claims_file, progress)


def keep_parts(
    store: Store, countries: list[str], progress: Callable[[str, int], None] | None = None
) -> int:
    """Compute the report's parts that read no more than the evidence and the registry sites
    of its studies (:mod:`~.parts`; the latter only once the store holds registry data) for
    ``countries`` and keep them in ``store`` (writable), as ``kb load`` and ``import`` do; the
    number of parts computed (0 when all were kept)."""
    from cartatlas.analyses import kept_values

    kept = Parts.of(store)
    ctx = ReportContext(store, countries, parts=kept)
    kept_values.read_stored(store)

    def success_parts() -> None:
        pools = success.pooled(ctx)
        if ctx.has_registry:  # the part that reads registry sites waits for them (import)
            success.sited(ctx, pools)

    builds: list[tuple[str, Callable[[], object]]] = [
        ("success rates", success_parts),
        *((name, lambda name=name: evidence_section(ctx, name)) for name in EVIDENCE_ONLY),
        ("claims check", lambda: claims.evidence_verdicts(ctx, load_claims(EXAMPLE))),
    ]
    for name, build in builds:
        if progress:
            progress(name, len(builds))
        build()
    keep(store, kept)
    kept_values.keep_in(store)
    return len(kept.built)


def evidence_section(ctx: ReportContext, name: str) -> Section:
    """The section ``name`` of :data:`EVIDENCE_ONLY`, read from the store where kept."""
    return part(ctx, name, lambda: EVIDENCE_ONLY[name](ctx))


def report_for(
    ctx: ReportContext,
    claims_file: ClaimsFile | None,
    progress: Callable[[str, int], None] | None = None,
) -> Report:
    """The report of one context (several reports may share a context's registry frames)."""
    countries = ctx.countries

    def kept(name: str) -> Callable[[], Section]:
        return lambda: evidence_section(ctx, name)

    steps: list[tuple[str, Callable[[], Section]]] = [
        ("success rates", lambda: success.build(ctx)),
        ("durability", kept("durability")),
        ("approvals", kept("approvals")),
        ("cost", kept("cost")),
        ("coverage", kept("coverage")),
        ("access", lambda: access.build(ctx)),
        ("trial types", lambda: registry_views.types(ctx)),
        ("trial activity", lambda: registry_views.activity(ctx)),
        ("safety", kept("safety")),
        ("regulation", kept("regulation")),
        ("outlook", lambda: registry_views.outlook(ctx)),
    ]
    if len(countries) > 2:
        steps.insert(0, ("side by side", lambda: side_by_side.build(ctx)))
    if claims_file is not None:
        steps.append(("claims check", lambda: claims.build(ctx, claims_file)))
    sections = []
    for name, build in steps:
        if progress:
            progress(name, len(steps))
        sections.append(build())
    ctx.refs.add_kinds(source_kinds(ctx.store))
    data_note = (
        f"Registry data: snapshot {ctx.snapshot_dates}."
        if ctx.has_registry
        else "No registry data loaded; registry sections say how to load it."
    )
    return Report(
        title=f"CAR-T in {' vs '.join(countries)}",
        countries=countries,
        generated=generated_now(),
        data_note=data_note,
        sections=sections,
        references=ctx.refs,
    )


def generated_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def report_name(countries: list[str], claims: Path) -> str:
    """The store's name for a built report: its countries and the claims file's content."""
    digest = hashlib.sha256(claims.read_bytes()).hexdigest()[:16]
    return f"report:{','.join(countries)}:{digest}"


def keep_report(
    target: str, name: str, version: str, built: Report, parts: Parts | None = None
) -> None:
    """Store a built report so the next run on the same data reads it (:mod:`~.derived`), the
    evidence-only ``parts`` it built, and the model fits behind it, which later builds on other
    data versions reuse (:mod:`cartatlas.analyses.fits`).

    The report reads a read-only store; keeping it needs a writable one, which another
    process (``cartatlas serve``, an import) may hold: then the report is simply not kept."""
    from cartatlas.analyses import kept_values
    from cartatlas.store import StoreBusy, open_store
    from cartatlas.store.derived import save

    try:
        with open_store(target) as store:
            save(store, name, version, built)
            if parts is not None:
                keep(store, parts)
            kept_values.keep_in(store)
    except StoreBusy:
        return

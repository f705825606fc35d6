"""Assemble the report from its sections."""

from __future__ import annotations

import datetime as dt

from cartatlas.analyses.claims import ClaimsFile
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Report
from cartatlas.report.sections import (
    access,
    approvals,
    claims,
    cost,
    registry_views,
    safety,
    success,
)
from cartatlas.store import Store


def build_report(store: Store, countries: list[str], claims_file: ClaimsFile | None) -> Report:
    """Every section in the order of the questions; sections without data say so."""
    ctx = ReportContext(store, countries)
    sections = [
        success.build(ctx),
        approvals.build(ctx),
        cost.build(ctx),
        access.build(ctx),
        registry_views.types(ctx),
        registry_views.activity(ctx),
        safety.build(ctx),
        registry_views.outlook(ctx),
    ]
    if claims_file is not None:
        sections.append(claims.build(ctx, claims_file))
    data_note = (
        f"Registry data: snapshot {ctx.snapshot_dates}."
        if ctx.has_registry
        else "No registry data loaded; registry sections say how to load it."
    )
    return Report(
        title=f"CAR-T in {' vs '.join(countries)}",
        countries=countries,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        data_note=data_note,
        sections=sections,
        references=ctx.refs,
    )

"""``cartatlas durability``: survival of a product's studies and its randomized hazard ratios."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from cartatlas.evidence.source_strength import label
from cartatlas.inputs import InputError
from cartatlas.missing import is_missing
from cartatlas.output import Format, console, emit
from cartatlas.store import StoreMissing, open_store

if TYPE_CHECKING:
    import pandas as pd

out = console(markup=True)
err = console(stderr=True, markup=True)

SURVIVAL_COLUMNS = [
    "study",
    "country",
    "indication",
    "arm",
    "endpoint",
    "statistic",
    "months_or_%",
    "follow_up_months",
    "analysis",
    "source_kind",
    "source_url",
]
COMPARISON_COLUMNS = [
    "study",
    "indication",
    "endpoint",
    "primary",
    "analysis",
    "HR (95% CI)",
    "p",
    "crossover_%",
    "status",
    "source_kind",
    "source_url",
]


def survival_table(frame: pd.DataFrame) -> list[list]:
    from cartatlas.analyses.durability import median_text

    rows = []
    for row in frame.to_dict("records"):
        what = (
            f"{int(row['landmark_months'])}-month rate"
            if row["statistic"] == "landmark"
            else "median (months)"
        )
        rows.append(
            [
                row["study_id"],
                row["country_of_conduct"] or "not stated",
                row["indication"],
                row["arm"],
                row["endpoint"],
                what,
                median_text(row),
                _blank(row["follow_up_months"]),
                row["analysis"],
                label(row["source_kind"]),
                row["source_url"],
            ]
        )
    return rows


def comparison_table(frame: pd.DataFrame) -> list[list]:
    rows = []
    for row in frame.to_dict("records"):
        hr = _blank(row["hr"])
        if hr and _blank(row["ci_low"]):
            hr = f"{hr} ({row['ci_low']:g}–{row['ci_high']:g})"
        rows.append(
            [
                row["study_id"],
                row["indication"],
                row["endpoint"],
                "yes" if row["primary_endpoint"] else "no",
                row["analysis"],
                hr or "not reported",
                row["p_value"] or "",
                _blank(row["crossover_percent"]),
                row["status"],
                label(row["source_kind"]),
                row["source_url"],
            ]
        )
    return rows


def _blank(value: object) -> str:
    return "" if is_missing(value) else f"{value:g}"


def durability(
    ctx: typer.Context,
    product: Annotated[
        str | None, typer.Option("--product", help="Product ID, INN, alias or brand (axi-cel).")
    ] = None,
    indication: Annotated[str | None, typer.Option(help="Indication (LBCL, MM, B-ALL, …).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Median PFS/OS/EFS/DOR and landmark rates per study, and randomized hazard ratios vs
    standard of care (pooled over all products' trials where two or more share an indication
    and endpoint). Medians are never pooled."""
    from cartatlas.analyses import durability as d
    from cartatlas.cli import db_target
    from cartatlas.evidence import queries

    try:
        with open_store(db_target(ctx), read_only=True) as store:
            product_id = queries.resolve_product(store, product) if product else None
            queries.require_loaded(store)
            indication = queries.resolve_indication(store, indication) if indication else None
            survival = d.survival_frame(store, product_id, indication)
            comparisons = d.comparisons_frame(store, product_id, indication)
            # pooled over every product's trials in the indications shown, not just this product
            shared = d.comparisons_frame(store, None, indication)
            shown = set(survival["indication"]) | set(comparisons["indication"])
            unrecorded = d.missing_hazard_ratios(store, shown)
    except (StoreMissing, queries.EvidenceNotLoaded, queries.UnknownProduct, InputError) as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    what = " ".join(filter(None, [product_id, indication])) or "all products"
    if survival.empty and comparisons.empty:
        err.print(f"no data: no survival or hazard-ratio rows recorded for {what}")
        raise typer.Exit(0)
    emit(SURVIVAL_COLUMNS, survival_table(survival), fmt, title=f"Survival, {what}")
    if not comparisons.empty:
        emit(
            COMPARISON_COLUMNS,
            comparison_table(comparisons),
            fmt,
            title=f"Randomized CAR-T vs standard of care, {what} (HR < 1 favours CAR-T)",
        )
    if fmt is Format.table:
        out.print(d.MEDIANS_NOT_POOLED)
        shown = set(comparisons["indication"])
        shared = shared[shared["indication"].isin(shown)]
        pools = d.pooled_hazard_ratios(shared)
        for pooled in pools:
            low, high = pooled.ci
            plow, phigh = pooled.pi
            out.print(
                escape(
                    f"Pooled HR, {pooled.indication} {pooled.endpoint} "
                    f"({', '.join(pooled.rows['study_id'])}): {pooled.hr:.2f} "
                    f"(95% CI {low:.2f}–{high:.2f}; prediction interval {plow:.2f}–{phigh:.2f}; "
                    f"I² = {pooled.result.i2:.0f}%; {d.POOLING_METHOD}; {pooled.caveat})."
                )
            )
        if not comparisons.empty:
            out.print(d.POOLING_CAVEAT)
        if unrecorded:
            out.print(escape(d.missing_hazard_ratios_said(unrecorded)))
        if left_out := d.left_out_unpooled(shared, pools):
            out.print(escape(f"{d.LEFT_OUT_LEAD}: {'; '.join(left_out)}."))


def register(app: typer.Typer) -> None:
    app.command()(durability)

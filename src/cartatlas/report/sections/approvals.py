"""2. Approvals: products, indications and dates by agency, and the lag between countries."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.approvals import approval_lag, approvals_frame
from cartatlas.report.context import ReportContext
from cartatlas.report.figures import timeline
from cartatlas.report.model import Figure, Section, Table
from cartatlas.report.sections.common import cite_row, missing


def _text(value: object, empty: str = "") -> str:
    return empty if missing(value) else str(value)


def _brand(brands: str | None, country: str) -> str:
    for brand in (brands or "").split("|"):
        code, _, name = brand.partition(":")
        if code.strip() == country:
            return name.strip()
    return ""


def build(ctx: ReportContext) -> Section:
    frame = approvals_frame(ctx.store, ctx.countries)
    if frame.empty:
        return Section(
            "approvals",
            "Approvals",
            f"No data: no approvals are recorded for {', '.join(ctx.countries)}.",
        )
    rows = [
        [
            r.country,
            r.agency,
            r.product_id,
            _brand(r.brands, r.country),
            r.targets,
            r.indication,
            _text(r.line_of_therapy),
            _text(r.approval_date, "no data"),
            _text(r.kind, "not stated"),
            cite_row(ctx.refs, r),
        ]
        for r in frame.itertuples()
    ]
    table = Table(
        "Approvals",
        [
            "country",
            "agency",
            "product",
            "brand",
            "targets",
            "indication",
            "line",
            "date",
            "kind",
            "source",
        ],
        rows,
    )
    counts = frame.groupby("country")["product_id"].nunique()
    # The first dated approval, shown at the precision its source gives (2021-06, not 2021-06-01).
    firsts = frame.dropna(subset=["date"]).sort_values("date").groupby("country").first()
    answer_parts = [
        f"{counts.get(c, 0)} CAR-T products approved in {c}"
        + (f" (first: {firsts.loc[c, 'approval_date']})" if c in firsts.index else "")
        for c in ctx.countries
    ]
    answer = "; ".join(answer_parts) + "."
    blocks: list = []
    if len(ctx.countries) >= 2:
        a, b = ctx.countries[:2]
        lag = approval_lag(frame, a, b)
        lag_rows = [
            [
                r["target"],
                r["indication"],
                _text(r[f"product_id_{a}"]),
                _text(r[f"approval_date_{a}"]),
                _text(r[f"product_id_{b}"]),
                _text(r[f"approval_date_{b}"]),
                "" if pd.isna(r["lag_months"]) else f"{r['lag_months']:+.0f}",
            ]
            for _, r in lag.iterrows()
        ]
        median = lag["lag_months"].dropna().median()
        if not pd.isna(median):
            later, earlier = (b, a) if median > 0 else (a, b)
            answer += (
                f" Where both countries approved the same target for the same indication, "
                f"the first approval in {later} came a median of {abs(median):.0f} "
                f"months after the first in {earlier}."
            )
        blocks.append(
            Table(
                f"Lag between first approvals, {a} → {b} (per target and indication)",
                [
                    "target",
                    "indication",
                    f"first in {a}",
                    "date",
                    f"first in {b}",
                    "date",
                    "lag (months)",
                ],
                lag_rows,
                note="Positive lag: the second country approved later. Empty: "
                "approved in one country only.",
            )
        )
    blocks.insert(
        0,
        Figure(
            "Timeline of approvals",
            timeline(frame, ctx.countries),
            "Each marker is one approval of a product for an indication.",
            data=table,
            slug="approvals-timeline",
        ),
    )
    caveats = [
        "Approval dates come from agency or company announcements; where a source gives "
        "only a month, the date is placed at the start of that month for ordering.",
        "'kind' is left empty where no source states whether an approval was full, "
        "accelerated or conditional.",
    ]
    return Section("approvals", "Approvals", answer, blocks, caveats)

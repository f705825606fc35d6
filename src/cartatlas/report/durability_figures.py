"""Figures for durability, randomized hazard ratios and regulatory actions (SVG text).

Same conventions as ``report.figures``: a bare matplotlib ``Figure``, text kept as text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartatlas.analyses.study_labels import hazard_ratio_label, landmark_label
from cartatlas.report.figures import PALETTE, styled, svg
from cartatlas.wording import in_words

MARKERS = {"OS": "o", "PFS": "s", "EFS": "D", "DOR": "^"}
AXIS = (0.05, 20.0)  # hazard-ratio axis of the forest plot


def landmark_plot(rows: pd.DataFrame, names: dict[str, str], lines: dict[str, str]) -> str:
    """Landmark rates (%) of the CAR-T arm against months since treatment: one colour per
    study, one marker per endpoint, vertical bars for the printed 95% CIs; each series named
    by its product, study and line of therapy (``names``: ``study_labels``; ``lines``:
    ``study_lines``)."""
    studies = list(dict.fromkeys(rows["study_id"]))
    colors = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(studies)}
    with styled() as figure:
        fig = figure(figsize=(7.5, 3.6))
        ax = fig.add_subplot()
        for (study, endpoint), part in rows.groupby(["study_id", "endpoint"], sort=False):
            part = part.sort_values("landmark_months")
            x = part["landmark_months"].to_numpy(float)
            y = part["value"].to_numpy(float)
            low = part["ci_low"].to_numpy(float)
            high = part["ci_high"].to_numpy(float)
            has_ci = ~np.isnan(low) & ~np.isnan(high)
            ax.errorbar(
                x[has_ci],
                y[has_ci],
                yerr=[y[has_ci] - low[has_ci], high[has_ci] - y[has_ci]],
                fmt="none",
                ecolor=colors[study],
                elinewidth=1,
                capsize=2,
            )
            ax.plot(
                x,
                y,
                marker=MARKERS.get(endpoint, "o"),
                color=colors[study],
                linestyle="-" if len(x) > 1 else "none",
                linewidth=0.8,
                label=landmark_label(names, study, endpoint, lines),
                clip_on=False,  # a rate of 100 % sits on the top edge: drawn whole, not halved
            )
        ax.set_xlabel("months after infusion or randomization")
        ax.set_ylabel("alive / event-free / in response (%)")
        ax.set_ylim(0, 100)
        ax.set_xticks([6, 12, 18, 24, 30, 36, 48, 60])
        ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.grid(axis="y", linewidth=0.3, alpha=0.5)
        return svg(fig)


def hazard_ratio_forest(trials: pd.DataFrame, pooled: list, names: dict[str, str]) -> str:
    """Hazard ratios (log axis) with 95% CIs per trial and endpoint, pooled diamonds below
    each group that has one; HR < 1 favours CAR-T. Each trial named by its product and study
    (``names``: ``study_labels``)."""
    lines: list[tuple[str, float, float, float, str]] = []
    for (indication, endpoint), part in trials.groupby(["indication", "endpoint"], sort=True):
        for row in part.itertuples():
            lines.append(
                (
                    hazard_ratio_label(names, row.study_id, endpoint, indication),
                    row.hr,
                    row.ci_low,
                    row.ci_high,
                    "trial",
                )
            )
        for p in pooled:
            if (p.indication, p.endpoint) == (indication, endpoint):
                low, high = p.ci
                lines.append((f"Pooled {endpoint}, {indication}", p.hr, low, high, "pooled"))
    with styled() as figure:
        fig = figure(figsize=(7.5, 0.3 * len(lines) + 1.0))
        ax = fig.add_subplot()
        for i, (_label, hr, low, high, kind) in enumerate(reversed(lines)):
            # intervals wider than the axis are clipped; the printed numbers are the real ones
            lo, hi = max(low, AXIS[0]), min(high, AXIS[1])
            if kind == "pooled":
                ax.fill([lo, hr, hi, hr], [i, i + 0.3, i, i - 0.3], color=PALETTE[1], zorder=3)
            else:
                ax.plot([lo, hi], [i, i], color=PALETTE[0], linewidth=1.2)
                ax.plot([hr], [i], "s", color=PALETTE[0], markersize=5)
            ax.text(
                1.02,
                i,
                f"{hr:.2f} ({low:.2f}–{high:.2f})",
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
            )
        ax.axvline(1.0, color="grey", linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.set_xlim(*AXIS)
        ax.set_yticks(range(len(lines)))
        ax.set_yticklabels([line[0] for line in reversed(lines)], fontsize=8)
        ax.set_xlabel("hazard ratio (log scale; < 1 favours CAR-T)")
        return svg(fig)


def actions_timeline(actions: pd.DataFrame) -> str:
    """One row per agency, a marker per dated action, labelled with its kind."""
    frame = actions[actions["action_date"].str.len() > 4].copy()  # year-only: table only
    frame["when"] = [_date(d) for d in frame["action_date"]]
    agencies = list(dict.fromkeys(frame.sort_values("when")["agency"]))
    with styled() as figure:
        fig = figure(figsize=(7.5, 0.6 * len(agencies) + 1.2))
        ax = fig.add_subplot()
        for i, agency in enumerate(agencies):
            part = frame[frame["agency"] == agency].sort_values("when")
            ax.scatter(part["when"], [i] * len(part), color=PALETTE[i % len(PALETTE)], zorder=3)
            for j, row in enumerate(part.itertuples()):
                ax.annotate(
                    in_words(row.action),
                    (row.when, i),
                    xytext=(0, 8 if j % 2 == 0 else -12),
                    textcoords="offset points",
                    fontsize=7,
                    ha="center",
                )
        ax.set_yticks(range(len(agencies)))
        ax.set_yticklabels(agencies)
        ax.set_ylim(-0.8, len(agencies) - 0.2)
        import matplotlib.dates as mdates

        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        ax.grid(axis="x", linewidth=0.3, alpha=0.5)
        return svg(fig)


def _date(value: str) -> pd.Timestamp:
    """Partial dates sit at the start of their month or year, for placement only."""
    parts = [int(p) for p in str(value).split("-")] + [1, 1]
    return pd.Timestamp(parts[0], parts[1], parts[2])

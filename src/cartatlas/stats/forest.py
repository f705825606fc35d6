"""Forest plot of a pooled proportion, written as SVG, PNG or PDF.

Layout follows the convention of R's meta::forest: study, events and sample size on the left;
the interval plot in the middle on the proportion scale; the proportion with its interval and
the study weight on the right. Studies are squares sized by weight with Clopper-Pearson
intervals (exact, so they never leave [0, 1] and do not depend on the chosen measure); pooled
estimates are diamonds spanning their back-transformed confidence interval, with the prediction
interval as a bar beneath. With subgroups each group gets its own block, diamond and
heterogeneity line, followed by the overall result and the tests for subgroup differences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .results import MetaResult
from .tau2 import ESTIMATORS

__all__ = ["forest_plot", "forest_targets"]

_STUDY = "#2F5D8C"
_POOLED = "#1A1A1A"
_SUBGROUP = "#6B6B6B"
_PREDICTION = "#B03A2E"
_GRID = "#D9D9D9"
_ROW_INCHES = 0.24
_WIDTH = 10.0  # inches, with labels that fit the label column
_LABEL_INCHES = 2.5  # the label column, up to the events column's numbers
_CHAR_INCHES = 0.6 * 8.5 / 72  # an average DejaVu Sans character at 8.5 pt
_SCALES = {"PLO": "logit", "PAS": "arcsine", "PFT": "Freeman-Tukey", "PR": "raw proportion"}
_METHODS = {
    "CE": "common effect",
    "GLMM": "binomial-normal GLMM",
    **{m: f"{m} estimate of tau\N{SUPERSCRIPT TWO}" for m in ESTIMATORS},
}
_TESTS = {
    "z": "z test",
    "t": "t test",
    "knha": "Knapp-Hartung",
    "adhoc": "Knapp-Hartung (factor ≥ 1)",
}


@dataclass
class _Row:
    kind: str  # "header", "study", "pooled", "prediction", "note", "blank"
    label: str = ""
    events: str = ""
    n: str = ""
    est: float = math.nan
    low: float = math.nan
    high: float = math.nan
    weight: float = math.nan
    bold: bool = False
    color: str = _POOLED


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _heterogeneity(res: MetaResult) -> str:
    if res.k < 2:
        return "Heterogeneity: not applicable (k = 1)"
    return f"Heterogeneity: $I^2$ = {res.i2:.0f}%, $\\tau^2$ = {res.tau2:.3g}, {_p(res.q_p)}"


def _count(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:g}"


def _study_rows(res: MetaResult, idx: np.ndarray, level: float) -> list[_Row]:
    s = res.studies
    low, high = s.exact_ci(level)
    return [
        _Row(
            "study",
            s.labels[i],
            _count(s.events[i]),
            _count(s.n[i]),
            float(s.proportions[i]),
            float(low[i]),
            float(high[i]),
            float(s.weights[i]),
            color=_STUDY,
        )
        for i in idx
    ]


def _pooled_rows(res: MetaResult, label: str, color: str, bold: bool, weight: float) -> list[_Row]:
    bt = res.backtransformed()
    rows = [
        _Row(
            "pooled",
            label,
            _count(res.studies.events.sum()),
            _count(res.studies.n.sum()),
            bt.estimate,
            bt.ci_low,
            bt.ci_high,
            weight if not np.all(np.isnan(res.studies.weights)) else math.nan,
            bold=bold,
            color=color,
        )
    ]
    if not math.isnan(bt.pi_low):
        rows.append(_Row("prediction", "Prediction interval", low=bt.pi_low, high=bt.pi_high))
    rows.append(_Row("note", _heterogeneity(res)))
    return rows


def _layout(res: MetaResult, common_tau2_test: bool = True) -> list[_Row]:
    level = res.level
    rows: list[_Row] = []
    # Short enough to stay clear of the events column.
    names = {"CE": "Common effect", "GLMM": "Random effects, GLMM"}
    model = names.get(res.method, "Random effects")
    if res.subgroups is None:
        rows += _study_rows(res, np.arange(res.k), level)
        rows.append(_Row("blank"))
        rows += _pooled_rows(res, f"{model} (k = {res.k})", _POOLED, bold=True, weight=100.0)
        return rows
    groups = np.asarray(res.studies.groups, dtype=object)
    for name, sub in res.subgroups.groups.items():
        rows.append(_Row("header", str(name), bold=True))
        idx = np.flatnonzero(groups == name)
        # Weights are those of the overall analysis, so the column adds up across groups.
        rows += _study_rows(res, idx, level)
        subtotal = float(res.studies.weights[idx].sum())
        rows += _pooled_rows(sub, f"Subtotal (k = {sub.k})", _SUBGROUP, False, subtotal)
        rows.append(_Row("blank"))
    rows += _pooled_rows(res, f"{model} (k = {res.k})", _POOLED, bold=True, weight=100.0)
    sg = res.subgroups
    separate = (
        f"$\\chi^2_{{{sg.q_between_df}}}$ = {sg.q_between:.2f}, "
        f"{_p(sg.q_between_p)} (separate $\\tau^2$)"
    )
    if not common_tau2_test:
        rows.append(_Row("note", f"Test for subgroup differences: {separate}"))
        return rows
    if sg.qm_distribution == "F":
        common = f"$F_{{{sg.qm_df[0]},{sg.qm_df[1]:g}}}$ = {sg.qm:.2f}"
    else:
        common = f"$\\chi^2_{{{sg.qm_df[0]}}}$ = {sg.qm:.2f}"
    rows.append(
        _Row(
            "note",
            f"Subgroup differences: {separate}; {common}, {_p(sg.qm_p)} (common $\\tau^2$)",
        )
    )
    return rows


def _diamond(ax, y: float, est: float, low: float, high: float, color: str) -> None:
    half = 0.32
    ax.add_patch(
        Polygon(
            [(low, y), (est, y + half), (high, y), (est, y - half)],
            closed=True,
            facecolor=color,
            edgecolor=color,
            linewidth=0.8,
            zorder=3,
        )
    )


def _x_range(rows: list[_Row]) -> tuple[float, float]:
    lows = [r.low for r in rows if r.kind in ("study", "pooled", "prediction")]
    highs = [r.high for r in rows if r.kind in ("study", "pooled", "prediction")]
    low, high = np.nanmin(lows), np.nanmax(highs)
    pad = 0.04 * max(high - low, 0.05)
    return max(min(0.0, low), low - pad), min(max(1.0, high), high + pad)


def forest_plot(
    result: MetaResult,
    path: str | Path | None = None,
    *,
    title: str | None = None,
    xlabel: str = "Proportion",
    percent: bool = False,
    dpi: int = 200,
    common_tau2_test: bool = True,
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Draw the forest plot of ``result``; with ``path``, also write it there (see
    :func:`forest_targets`: .svg, .png or .pdf as named; both .svg and .png without extension).

    ``percent`` labels the axis and intervals in percent. With subgroups both tests for a
    difference are printed, as meta::forest does; ``common_tau2_test=False`` prints only the
    Q-test with a separate τ² per subgroup, for a page whose text reports that one (two
    p-values side by side leave a reader unable to tell which is the answer). ``names``: the
    name to print for a study label ("Yescarta (axi-cel) — ZUMA-1" for "ZUMA-1"); the label
    column, and the figure with it, widens to fit the longest name.
    """
    rows = [
        replace(row, label=names.get(row.label, row.label))
        if names and row.kind == "study"
        else row
        for row in _layout(result, common_tau2_test)
    ]
    # the label column widens by what its longest label needs; the columns right of it move
    longest = max(
        (len(r.label) for r in rows if r.kind in ("header", "study", "pooled")), default=0
    )
    extra = max(0.0, longest * _CHAR_INCHES - _LABEL_INCHES)
    width = _WIDTH + extra

    def across(fraction: float) -> float:
        """A position drawn for a 10-inch figure, on this one (right of the labels: moved)."""
        inches = fraction * _WIDTH
        return (inches + (extra if inches > _LABEL_INCHES else 0.0)) / width

    show_weight = not np.all(np.isnan(result.studies.weights))
    n_rows = len(rows)
    height = 1.3 + _ROW_INCHES * (n_rows + 1) + (0.35 if title else 0.0)
    scale = 100.0 if percent else 1.0
    unit = "%" if percent else ""
    digits = 1 if percent else 3

    # A bare Figure (no pyplot): no global backend or figure-manager state is touched.
    with mpl.rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": 8.5,
            "svg.fonttype": "none",
            "axes.linewidth": 0.8,
        }
    ):
        fig = Figure(figsize=(width, height))
        top = 1 - (0.5 + (0.35 if title else 0.0)) / height
        bottom = 0.75 / height
        ax = fig.add_axes((across(0.42), bottom, 0.30 * _WIDTH / width, top - bottom))
        ys = np.arange(n_rows)[::-1].astype(float)
        ax.set_ylim(-0.7, n_rows - 0.3)
        x_low, x_high = _x_range(rows)
        ax.set_xlim(x_low, x_high)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * scale:g}{unit}"))
        ax.set_yticks([])
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(xlabel + (" (%)" if percent and "%" not in xlabel else ""))
        ax.tick_params(axis="x", length=3, width=0.8)
        overall = result.backtransformed()
        ax.axvline(overall.estimate, color=_GRID, linestyle=(0, (4, 3)), linewidth=0.8, zorder=0)

        max_weight = np.nanmax(result.studies.weights) if show_weight else 1.0

        def to_fig(y: float) -> float:
            return ax.transData.transform((0, y))[1] / fig.bbox.height

        columns = {
            key: across(at)
            for key, at in {
                "label": 0.02,
                "events": 0.30,
                "n": 0.37,
                "estimate": 0.745,
                "weight": 0.97,
            }.items()
        }
        indent = 0.015 * _WIDTH / width
        header_y = to_fig(n_rows - 0.3) + 0.18 / height
        for key, text, ha in (
            ("label", "Study", "left"),
            ("events", "Events", "right"),
            ("n", "Total", "right"),
            ("estimate", f"Proportion [{result.level:.0%} CI]", "left"),
            ("weight", "Weight", "right"),
        ):
            if key == "weight" and not show_weight:
                continue
            fig.text(columns[key], header_y, text, ha=ha, va="center", fontweight="bold")
        fig.add_artist(
            Line2D(
                [across(0.02), across(0.97)], [header_y - 0.1 / height] * 2, color="#808080", lw=0.6
            )
        )

        for y, row in zip(ys, rows, strict=True):
            fy = to_fig(y)
            weight = "bold" if row.bold else "normal"
            if row.kind in ("header", "study", "pooled"):
                fig.text(columns["label"], fy, row.label, ha="left", va="center", fontweight=weight)
            if row.kind in ("study", "pooled"):
                fig.text(
                    columns["events"], fy, row.events, ha="right", va="center", fontweight=weight
                )
                fig.text(columns["n"], fy, row.n, ha="right", va="center", fontweight=weight)
                ci = (
                    f"{row.est * scale:.{digits}f} [{row.low * scale:.{digits}f}, "
                    f"{row.high * scale:.{digits}f}]"
                )
                fig.text(
                    columns["estimate"],
                    fy,
                    ci,
                    ha="left",
                    va="center",
                    fontweight=weight,
                    family="DejaVu Sans Mono",
                )
                if show_weight and not math.isnan(row.weight):
                    fig.text(
                        columns["weight"],
                        fy,
                        f"{row.weight:.1f}%",
                        ha="right",
                        va="center",
                        fontweight=weight,
                    )
            if row.kind == "study":
                ax.plot(
                    [row.low, row.high],
                    [y, y],
                    color="#404040",
                    lw=0.9,
                    zorder=2,
                    solid_capstyle="butt",
                    clip_on=False,
                )
                size = 4 + 10 * math.sqrt(row.weight / max_weight) if show_weight else 6
                ax.plot(
                    row.est,
                    y,
                    marker="s",
                    markersize=size,
                    color=row.color,
                    markeredgewidth=0,
                    zorder=3,
                    clip_on=False,
                )
            elif row.kind == "pooled":
                _diamond(ax, y, row.est, row.low, row.high, row.color)
            elif row.kind == "prediction":
                fig.text(
                    columns["label"] + indent,
                    fy,
                    row.label,
                    ha="left",
                    va="center",
                    color=_PREDICTION,
                )
                pi = f"[{row.low * scale:.{digits}f}, {row.high * scale:.{digits}f}]"
                fig.text(
                    columns["estimate"],
                    fy,
                    " " * (digits + 3) + pi,
                    ha="left",
                    va="center",
                    color=_PREDICTION,
                    family="DejaVu Sans Mono",
                )
                ax.plot(
                    [row.low, row.high],
                    [y, y],
                    color=_PREDICTION,
                    lw=2.2,
                    zorder=2,
                    solid_capstyle="butt",
                )
                for x in (row.low, row.high):
                    ax.plot([x, x], [y - 0.18, y + 0.18], color=_PREDICTION, lw=1.0, zorder=2)
            elif row.kind == "note":
                fig.text(
                    columns["label"] + indent,
                    fy,
                    row.label,
                    ha="left",
                    va="center",
                    color="#404040",
                    fontsize=7.5,
                )

        footnote = (
            f"Pooled on the {_SCALES[result.measure]} scale ({_METHODS[result.method]}; "
            f"{_TESTS[result.test]}) and back-transformed to proportions. "
            "Study intervals: Clopper-Pearson exact."
        )
        fig.text(
            across(0.02),
            0.18 / height,
            footnote,
            ha="left",
            va="bottom",
            fontsize=7,
            color="#606060",
        )
        if title:
            fig.text(
                across(0.02),
                1 - 0.22 / height,
                title,
                ha="left",
                va="top",
                fontsize=11,
                fontweight="bold",
            )
        for target in forest_targets(path) if path is not None else []:
            target.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(target, dpi=dpi)
    return fig


FORMATS = (".svg", ".png", ".pdf")


def forest_targets(path: str | Path) -> list[Path]:
    """The files a forest plot written to ``path`` becomes: that file when its extension is
    .svg, .png or .pdf; ``<path>.svg`` and ``<path>.png`` when it has none. Any other extension
    is refused (a plot is never written under a name other than the one asked for)."""
    path = Path(path)
    if not path.suffix:
        return [path.with_suffix(".svg"), path.with_suffix(".png")]
    if path.suffix.lower() in FORMATS:
        return [path]
    raise ValueError(
        f"path: cannot write a forest plot as {path.suffix!r}; use one of {', '.join(FORMATS)} "
        "(or no extension for both .svg and .png)"
    )

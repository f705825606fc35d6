"""Report figures drawn with matplotlib and returned as SVG text (fonts kept as text).

Each function takes plain frames and returns SVG, so the report can inline it in HTML, write it
next to Markdown, and hand it to the PDF renderer unchanged.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cartatlas.report import WORLD

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PALETTE = ["#2F5D8C", "#C0504D", "#6A9A3A", "#8064A2", "#E69F00", "#4BACC6"]
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@contextmanager
def styled() -> Iterator[type[Figure]]:
    """matplotlib's ``Figure`` class with the house style applied. matplotlib loads here, when
    the first figure is drawn, not with every module (report sections, dashboard pages) that
    may draw one."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(STYLE):
        yield Figure


_ON_DEMAND: ContextVar[bool] = ContextVar("figures_on_demand", default=False)


@contextmanager
def on_demand() -> Iterator[None]:
    """Within this block :func:`svg` hands back an :class:`Undrawn` figure, saved only when
    :func:`drawn` asks for it. The dashboard replaces most report figures by interactive
    charts; saving them (matplotlib lays out and writes every artist) was about a third of the
    CPU a question page of a new pair of countries took."""
    token = _ON_DEMAND.set(True)
    try:
        yield
    finally:
        _ON_DEMAND.reset(token)


@dataclass(frozen=True)
class Undrawn:
    """A figure not saved yet, with the matplotlib settings it was made under (some, such as
    the tick labels' font, are read when it is saved)."""

    figure: Figure
    settings: dict[str, Any]


def drawn(value: str | Undrawn) -> str:
    """The SVG text of a figure, saved now if :func:`on_demand` left it undrawn."""
    if not isinstance(value, Undrawn):
        return value
    import matplotlib as mpl

    with mpl.rc_context(value.settings):
        return _saved(value.figure)


def svg(fig: Figure) -> str:
    """The figure as SVG text (within :func:`on_demand`: an :class:`Undrawn` figure)."""
    if _ON_DEMAND.get():
        import matplotlib as mpl

        return Undrawn(fig, dict(mpl.rcParams))  # type: ignore[return-value]
    return _saved(fig)


def _saved(fig: Figure) -> str:
    """The figure as SVG text, its text kept as text whoever drew it (the stats library's
    forest plot is saved here, outside its own style: its labels were written as glyph paths,
    ten times the bytes, and slow for the PDF renderer to draw)."""
    import matplotlib as mpl

    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": STYLE["svg.fonttype"]}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", dpi=150)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def color_for(countries: list[str]) -> dict[str, str]:
    return {country: PALETTE[i % len(PALETTE)] for i, country in enumerate(countries)}


def timeline(approvals: pd.DataFrame, countries: list[str]) -> str:
    """One row per product, a marker per dated approval, coloured by country."""
    dated = approvals.dropna(subset=["date"])
    products = list(dict.fromkeys(dated.sort_values("date")["product_id"]))
    colors = color_for(countries)
    with styled() as figure:
        fig = figure(figsize=(8.5, 0.32 * len(products) + 1.2))
        ax = fig.add_subplot()
        for country in countries:
            part = dated[dated["country"] == country]
            ax.scatter(
                part["date"],
                [products.index(p) for p in part["product_id"]],
                color=colors[country],
                s=36,
                label=country,
                zorder=3,
                marker="o" if country == countries[0] else "D",
            )
        ax.set_yticks(range(len(products)), products)
        ax.invert_yaxis()
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        # Above the plot: inside it, the legend's markers read as approvals of the bottom row.
        ax.legend(
            frameon=False,
            loc="lower left",
            bbox_to_anchor=(0, 1.01),
            borderaxespad=0,
            ncols=len(countries),
            title="approvals in",
            alignment="left",
        )
        ax.set_xlabel("approval date")
        return svg(fig)


def lines(
    table: pd.DataFrame,
    x: str,
    y: str,
    by: str,
    ylabel: str,
    countries: list[str],
    percent: bool = False,
) -> str:
    colors = color_for(countries)
    with styled() as figure:
        fig = figure(figsize=(7.5, 3.2))
        ax = fig.add_subplot()
        # Countries in the order asked, as in every table beside the figure.
        for key in [c for c in countries if c in set(table[by])]:
            part = table[table[by] == key].sort_values(x)
            ax.plot(
                part[x], part[y], marker="o", markersize=3.5, label=str(key), color=colors.get(key)
            )
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
        # x is a year: ticks on whole years (a float column was ticked "2012.5", "2017.5")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if percent:
            from matplotlib.ticker import PercentFormatter

            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.legend(frameon=False)
        return svg(fig)


#: The tallest a figure may be (inches at 7.5 wide) and still fit one PDF page under its title:
#: 15 targets × 4 countries at a bar's natural height ran past the page and lost its axis.
MAX_HEIGHT = 8.0


def grouped_bars(
    table: pd.DataFrame,
    category: str,
    value: str,
    by: str,
    xlabel: str,
    countries: list[str],
    percent: bool = False,
) -> str:
    """Horizontal bars: one group per category, one bar per country."""
    colors = color_for(countries)
    categories = list(dict.fromkeys(table[category]))
    height = 0.8 / max(len(countries), 1)
    natural = 0.28 * len(categories) * max(len(countries), 1) + 1.0
    with styled() as figure:
        fig = figure(figsize=(7.5, min(natural, MAX_HEIGHT)))
        ax = fig.add_subplot()
        for i, country in enumerate(countries):
            part = table[table[by] == country].set_index(category)[value]
            values = [part.get(c, 0) for c in categories]
            ax.barh(
                np.arange(len(categories)) + i * height,
                values,
                height=height,
                color=colors[country],
                label=country,
            )
        ax.set_yticks(np.arange(len(categories)) + height * (len(countries) - 1) / 2, categories)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        if percent:
            from matplotlib.ticker import PercentFormatter

            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.legend(frameon=False, loc="lower right")
        return svg(fig)


@cache
def _world_rings() -> list[np.ndarray]:
    """Country outlines from the vendored TopoJSON, decoded to lon/lat rings."""
    topo = json.loads(WORLD.read_text("utf-8"))
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        points = np.cumsum(np.array(arc, dtype=float), axis=0)
        arcs.append(points * scale + translate)

    def ring(indices: list[int]) -> np.ndarray:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.concatenate([p if j == 0 else p[1:] for j, p in enumerate(parts)])

    rings = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for points in (ring(r) for r in polygon):
                rings.extend(_unwrapped(points))
    return rings


def _unwrapped(points: np.ndarray) -> list[np.ndarray]:
    """A ring that crosses the antimeridian (Russia, Fiji, Antarctica) would be drawn as a band
    across the whole map; shift it east of 180° and draw it again one world to the left."""
    if np.abs(np.diff(points[:, 0])).max(initial=0) <= 180:
        return [points]
    east = points.copy()
    east[:, 0] = np.where(east[:, 0] < 0, east[:, 0] + 360, east[:, 0])
    west = east.copy()
    west[:, 0] -= 360
    return [east, west]


def site_map(sites: pd.DataFrame, countries: list[str]) -> str:
    """Recruiting sites (dots) over country outlines, equirectangular."""
    from matplotlib.collections import PolyCollection

    colors = color_for(countries)
    with styled() as figure:
        fig = figure(figsize=(9, 4.6))
        ax = fig.add_subplot()
        # Outlines and dots are rasterized inside the SVG: thousands of vertices and sites
        # would otherwise make the file heavy to draw (and the PDF slow to render).
        ax.add_collection(
            PolyCollection(
                _world_rings(),
                facecolor="#EEEEEE",
                edgecolor="#BBBBBB",
                linewidth=0.3,
                rasterized=True,
            )
        )
        for country in countries:
            part = sites[sites["country_code"] == country].dropna(subset=["lat", "lon"])
            ax.scatter(
                part["lon"],
                part["lat"],
                s=6,
                color=colors[country],
                alpha=0.6,
                label=f"{country} ({len(part)} trial sites with coordinates)",
                zorder=3,
                linewidths=0,
                rasterized=True,
            )
        ax.set_xlim(-170, 180)
        ax.set_ylim(-58, 80)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        legend = ax.legend(frameon=False, loc="lower left", markerscale=2)
        for handle in legend.legend_handles:  # the dots' colour, not faded by their alpha
            handle.set_alpha(1)
        return svg(fig)

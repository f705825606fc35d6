"""Vega-Lite specifications (plain dicts, data inline) for the dashboard's interactive charts.

Each function takes the same frames the report's matplotlib figures take and returns a spec the
page hands to the vendored vega-embed; colours per country are the report's, so a country has
one colour in the report and on the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from cartatlas.report.figures import color_for
from cartatlas.web.responses import records

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier; never fetched
Spec = dict[str, Any]


def _base(values: list[dict[str, Any]], height: int | None = None, **spec: Any) -> Spec:
    out: Spec = {
        "$schema": SCHEMA,
        "width": "container",
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "config": {"font": "DejaVu Sans, Arial, sans-serif", "view": {"stroke": None}},
        **spec,
    }
    if height:
        out["height"] = height
    return out


def _country_color(
    countries: list[str], field: str = "country", shown: Iterable[str] | None = None
) -> Spec:
    """Colour by country, each keeping its colour of ``countries`` (as in the report's figures);
    ``shown``: only these in the legend (a country without data is no key of the chart)."""
    colors = color_for(countries)
    if shown is not None:
        present = set(shown)
        colors = {c: color for c, color in colors.items() if c in present}
    return {
        "field": field,
        "type": "nominal",
        "title": "country",
        "scale": {"domain": list(colors), "range": list(colors.values())},
        # full-opacity symbols: a mark's opacity would otherwise grey a dark colour in the legend
        "legend": {"orient": "top", "symbolOpacity": 1},
    }


def _tooltip(*fields: str | tuple[str, str]) -> list[Spec]:
    out = []
    for item in fields:
        name, kind = item if isinstance(item, tuple) else (item, "nominal")
        out.append({"field": name, "type": kind})
    return out


#: One marker shape per compared country, the first two as in the report's timeline.
COUNTRY_SHAPES = ["circle", "diamond", "square", "triangle-up"]


def timeline(approvals: pd.DataFrame, countries: list[str]) -> Spec:
    """One row per product, a point per dated approval, coloured and shaped by country."""
    dated = approvals.dropna(subset=["date"]).sort_values("date")
    frame = same_day_markers(dated.assign(day=dated["date"].dt.strftime("%Y-%m-%d")))
    order = list(dict.fromkeys(frame["product_id"]))
    columns = ["product_id", "country", "agency", "indication", "approval_date", "kind", "day"]
    return _base(
        records(frame, columns),
        height=max(120, 22 * len(order)),
        mark={"type": "point", "filled": True, "size": 70, "opacity": 1},
        encoding={
            "x": {
                "field": "day",
                "type": "temporal",
                "title": "approval date",
                "axis": {"format": "%Y", "tickCount": "year"},
                "scale": {"padding": 16},  # the earliest marks clear the y-axis
            },
            "y": {"field": "product_id", "type": "nominal", "sort": order, "title": None},
            "color": _country_color(countries),
            # Same field, title, domain and legend as the colour: Vega-Lite draws one legend
            # whose symbols have both the colour and the shape of the marks.
            "shape": {
                **_country_color(countries),
                "scale": {"domain": countries, "range": COUNTRY_SHAPES[: len(countries)]},
            },
            "tooltip": _tooltip(
                "product_id", "country", "agency", "indication", "approval_date", "kind"
            ),
        },
    )


def same_day_markers(dated: pd.DataFrame) -> pd.DataFrame:
    """One marker per product, country and day: approvals of one day (Kymriah's EU approval for
    B-ALL and LBCL on 27 August 2018) drew two points on one spot, and the tooltip showed only
    the top one, hiding an indication. Their indications (and kinds, when they differ) are
    joined, in the order given."""
    keys = ["product_id", "country", "day"]

    def joined(values: pd.Series) -> str:
        return "; ".join(dict.fromkeys(str(v) for v in values))

    return (
        dated.groupby(keys, sort=False, as_index=False)
        .agg(
            agency=("agency", joined),
            indication=("indication", joined),
            approval_date=("approval_date", "first"),
            kind=("kind", joined),
        )
        .loc[:, ["product_id", "country", "agency", "indication", "approval_date", "kind", "day"]]
    )


#: An axis of counts: ticks on whole numbers (the claims-per-verdict bars were ticked 0.5, 1.5).
WHOLE_AXIS = {"tickMinStep": 1, "format": "d"}


def grouped_bars(
    table: pd.DataFrame,
    category: str,
    value: str,
    xlabel: str,
    countries: list[str],
    percent: bool = False,
    whole: bool = False,
) -> Spec:
    """Horizontal bars, one group per category (in table order), one bar per country; the
    table's ``trials`` and ``share`` columns, other than the one drawn, go into the tooltip.
    ``whole``: the values are counts, so the axis ticks are whole numbers."""
    order = list(dict.fromkeys(table[category]))
    extra = [c for c in ("trials", "share") if c in table and c != value]
    x_axis: Spec = {"field": value, "type": "quantitative", "title": xlabel, "stack": None}
    if percent:
        x_axis["axis"] = {"format": ".1~%"}
    if whole:
        x_axis["axis"] = dict(WHOLE_AXIS)
    return _base(
        records(table, [category, "country", value, *extra]),
        height=max(120, 16 * len(order) * max(len(countries), 1)),
        mark="bar",
        encoding={
            "y": {
                "field": category,
                "type": "nominal",
                "sort": order,
                "title": None,
                "axis": {"labelLimit": 420},
            },
            "yOffset": {"field": "country", "sort": countries},
            # never stack: rows sharing a category and country would be summed into one bar
            "x": x_axis,
            "color": _country_color(countries),
            "tooltip": _tooltip(
                category,
                "country",
                (value, "quantitative"),
                *[(c, "quantitative") for c in extra],
            ),
        },
    )


def labelled_bars(
    table: pd.DataFrame, label: str, value: str, xlabel: str, countries: list[str]
) -> Spec:
    """Horizontal bars, one per row (``label`` must be unique), coloured by country, never
    stacked: each bar is one recorded value, so a bar's length is a number in the table. Labels
    are given room in full (product names and years are long)."""
    if table[label].duplicated().any():
        raise ValueError(f"labelled_bars needs one row per {label!r}")
    extra = [c for c in table.columns if c not in (label, "country", value)]
    return _base(
        records(table, [label, "country", value, *extra]),
        height=max(120, 20 * len(table)),
        mark="bar",
        encoding={
            "y": {
                "field": label,
                "type": "nominal",
                "sort": list(table[label]),
                "title": None,
                "axis": {"labelLimit": 420},
            },
            "x": {"field": value, "type": "quantitative", "title": xlabel, "stack": None},
            "color": _country_color(countries),
            "tooltip": _tooltip(label, "country", (value, "quantitative"), *extra),
        },
    )


def lines(
    table: pd.DataFrame, x: str, y: str, ylabel: str, countries: list[str], percent: bool = False
) -> Spec:
    """One line per country over ``x`` (a year). A year in which a country started no trial
    has no share: its value is null and the line breaks there, rather than running across it
    as if the share had been measured (IL 2015 → 2018 drew 2016–2017 as if at 0 %); a count of
    trials started is a true 0 there."""
    table = _every_year(table, x, countries, 0 if y == "trials" else None)
    y_axis: Spec = {"field": y, "type": "quantitative", "title": ylabel}
    if percent:
        # ".1~%": a tick at 0.5 % reads "0.5%", not a second "1%" (".0%" rounded small
        # shares such as in vivo's onto repeated labels).
        y_axis["axis"] = {"format": ".1~%"}
    return _base(
        records(table, [x, "country", y, *(["trials"] if y != "trials" else [])]),
        height=260,
        mark={"type": "line", "point": True, "invalid": "break-paths-filter-domains"},
        encoding={
            "x": {"field": x, "type": "ordinal", "title": "start year"},
            "y": y_axis,
            "color": _country_color(countries),
            "tooltip": _tooltip(
                x,
                "country",
                (y, "quantitative"),
                *([("trials", "quantitative")] if y != "trials" else []),
            ),
        },
    )


def _every_year(
    table: pd.DataFrame, x: str, countries: list[str], fill: int | None
) -> pd.DataFrame:
    """``table`` with a row for every year of its span and every country; the added rows have
    0 trials and ``fill`` (None: no value) in the other columns."""
    if table.empty:
        return table
    years = range(int(table[x].min()), int(table[x].max()) + 1)
    grid = pd.MultiIndex.from_product([years, countries], names=[x, "country"])
    full = table.set_index([x, "country"]).reindex(grid).reset_index()
    if "trials" in full:
        full["trials"] = full["trials"].fillna(0).astype(int)
    if fill is not None:
        full = full.fillna(fill)
    return full.astype(object).where(full.notna(), None)


WORLD_EXTENT = ((-170.0, -58.0), (180.0, 80.0))


def _extent(dots: list[dict], margin: float = 2.0) -> tuple[tuple[float, float], ...]:
    """Longitude / latitude box around the dots (at least 24° × 12°), or the inhabited world."""
    if not dots:
        return WORLD_EXTENT
    lons, lats = [d["lon"] for d in dots], [d["lat"] for d in dots]
    (x0, x1), (y0, y1) = (
        (min(lons) - margin, max(lons) + margin),
        (min(lats) - margin, max(lats) + margin),
    )
    grow_x, grow_y = max(0.0, 24 - (x1 - x0)) / 2, max(0.0, 12 - (y1 - y0)) / 2
    return (
        (max(-180.0, x0 - grow_x), max(-85.0, y0 - grow_y)),
        (min(180.0, x1 + grow_x), min(85.0, y1 + grow_y)),
    )


def _dot_size(sites: int) -> int:
    """Dot area (px²) of a site map: small where hundreds of sites crowd a country, large where a
    trial's page shows its few (a lone 18 px² dot on a zoomed map was hard to find)."""
    return 80 if sites <= 20 else 18


def site_map(sites: list[dict], countries: list[str], world_url: str, zoom: bool = False) -> Spec:
    """Sites (dots, coloured by country) over the country outlines, equirectangular; ``zoom``
    frames the dots, otherwise the map shows the inhabited world. ``sites`` are plain rows
    (:func:`~cartatlas.web.responses.records`) with ``trial_id`` and the site columns."""
    in_scope = [
        {
            "trial_id": site["trial_id"],
            "facility": site.get("facility"),
            "city": site.get("city"),
            "country": site.get("country_code"),
            "lat": site["lat"],
            "lon": site["lon"],
        }
        for site in sites
        if site.get("lat") is not None
        and site.get("lon") is not None
        and site.get("country_code") in countries
    ]
    (x0, y0), (x1, y1) = _extent(in_scope) if zoom else WORLD_EXTENT
    frame = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "MultiPoint", "coordinates": [[x0, y0], [x1, y1]]},
    }
    color = _country_color(countries)
    if len(countries) > 6:  # a legend of many countries would crowd a phone screen
        color["legend"] = None
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": "container",  # the page gives map containers a 2:1 box (css: .vega.map)
        "autosize": {"type": "fit", "contains": "padding"},
        "projection": {"type": "equirectangular", "fit": frame},
        "config": {"view": {"stroke": None}},
        "layer": [
            {
                "data": {
                    "url": world_url,
                    "format": {"type": "topojson", "feature": "countries"},
                },
                "mark": {
                    "type": "geoshape",
                    "fill": "#eeeeee",
                    "stroke": "#bbbbbb",
                    "strokeWidth": 0.3,
                    "clip": True,
                },
            },
            {
                "data": {"values": in_scope},
                "mark": {
                    "type": "circle",
                    "size": _dot_size(len(in_scope)),
                    "opacity": 0.65,
                    "clip": True,
                },
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "color": color,
                    "tooltip": _tooltip("trial_id", "facility", "city", "country"),
                },
            },
        ],
    }


def forest(studies: pd.DataFrame, pooled: pd.DataFrame | None, countries: list[str]) -> Spec:
    """Study rates with exact 95% CIs (percent) and, below each country's studies, its pooled
    estimate and CI as a diamond: the interactive twin of the stats library's forest plot.

    ``studies``: label, country, percent, ci_low, ci_high (+ events, n); ``pooled``: country,
    percent, ci_low, ci_high, k (+ pi_low, pi_high: the prediction interval, drawn as a faint
    band)."""
    rows = studies.assign(kind="study")
    if pooled is not None and not pooled.empty:
        rows = pd.concat(
            [rows, pooled.assign(kind="pooled", label=[f"Pooled {c}" for c in pooled["country"]])],
            ignore_index=True,
        )
    rank = {c: i for i, c in enumerate(countries)}
    rows = rows.assign(
        order=[
            (rank.get(c, 99), k == "pooled")
            for c, k in zip(rows["country"], rows["kind"], strict=True)
        ]
    ).sort_values("order", kind="stable")
    order = list(dict.fromkeys(rows["label"]))
    # The legend names only countries with a study (B-ALL CR asked for ES and US: US alone).
    color = _country_color(countries, shown=rows["country"])
    columns = [
        c
        for c in (
            "label",
            "country",
            "kind",
            "percent",
            "ci_low",
            "ci_high",
            "pi_low",
            "pi_high",
            "events",
            "n",
            "k",
        )
        if c in rows
    ]
    y = _label_axis(order)
    x_scale = {"domain": [0, 100]}
    return _base(
        records(rows, columns),
        height=max(100, 20 * len(order)),
        encoding={"y": y},
        layer=[
            *(
                [
                    {
                        "mark": {"type": "rule", "strokeWidth": 7, "opacity": 0.25},
                        "encoding": {
                            "x": {"field": "pi_low", "type": "quantitative"},
                            "x2": {"field": "pi_high"},
                            "color": color,
                        },
                    }
                ]
                if "pi_low" in rows
                else []
            ),
            {
                "mark": {"type": "rule"},
                "encoding": {
                    "x": {
                        "field": "ci_low",
                        "type": "quantitative",
                        "scale": x_scale,
                        "title": "rate (%) with 95% CI",
                    },
                    "x2": {"field": "ci_high"},
                    "color": color,
                },
            },
            {
                "mark": {"type": "point", "filled": True},
                "encoding": {
                    "x": {"field": "percent", "type": "quantitative"},
                    "shape": {
                        "field": "kind",
                        "type": "nominal",
                        "scale": {"domain": ["study", "pooled"], "range": ["square", "diamond"]},
                        "legend": None,
                    },
                    "size": {
                        "field": "kind",
                        "type": "nominal",
                        "scale": {"domain": ["study", "pooled"], "range": [60, 220]},
                        "legend": None,
                    },
                    "color": color,
                    "tooltip": _tooltip(
                        "label",
                        "country",
                        ("percent", "quantitative"),
                        ("ci_low", "quantitative"),
                        ("ci_high", "quantitative"),
                        *(
                            [("events", "quantitative"), ("n", "quantitative")]
                            if "events" in rows
                            else []
                        ),
                    ),
                },
            },
        ],
    )


def counts(
    table: pd.DataFrame,
    category: str,
    value: str,
    title: str,
    colors: dict[str, str] | None = None,
) -> Spec:
    """Plain horizontal bars of counts, one per category (``colors``: a fixed colour per
    category); the axis ticks whole numbers."""
    encoding: Spec = {
        "y": {"field": category, "type": "nominal", "sort": "-x", "title": None},
        "x": {
            "field": value,
            "type": "quantitative",
            "title": title,
            "stack": None,
            "axis": dict(WHOLE_AXIS),
        },
        "tooltip": _tooltip(category, (value, "quantitative")),
    }
    if colors:
        encoding["color"] = {
            "field": category,
            "type": "nominal",
            "scale": {"domain": list(colors), "range": list(colors.values())},
            "legend": None,
        }
    return _base(
        records(table, [category, value]),
        height=max(80, 26 * len(table)),
        mark="bar",
        encoding=encoding,
    )


def _label_axis(order: list[str]) -> dict:
    """The y axis of a plot with one row per named study or trial, in ``order``; Vega cuts a
    label at 180 px by default ("Xuzhou2022-CD19BCMA-54MM (…"), so names are shown in full."""
    return {
        "field": "label",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 420},
    }


def hazard_ratios(rows: pd.DataFrame) -> Spec:
    """Hazard ratios with 95% CIs on a log axis (``label``, ``hr``, ``ci_low``, ``ci_high``,
    ``kind`` trial / pooled); the dashed rule at 1 separates benefit (< 1) from harm."""
    order = list(dict.fromkeys(rows["label"]))
    y = _label_axis(order)
    x = {"type": "quantitative", "scale": {"type": "log", "domain": [0.05, 20], "clamp": True}}
    return _base(
        records(rows, ["label", "kind", "hr", "ci_low", "ci_high"]),
        height=max(100, 20 * len(order)),
        encoding={"y": y},
        layer=[
            {
                "mark": "rule",
                "encoding": {
                    "x": {"field": "ci_low", **x, "title": "hazard ratio (< 1 favours CAR-T)"},
                    "x2": {"field": "ci_high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": {"field": "hr", **x},
                    "shape": {"field": "kind", "type": "nominal", "title": None},
                    "tooltip": _tooltip(
                        "label",
                        ("hr", "quantitative"),
                        ("ci_low", "quantitative"),
                        ("ci_high", "quantitative"),
                    ),
                },
            },
            {"mark": {"type": "rule", "strokeDash": [4, 3]}, "encoding": {"x": {"datum": 1}}},
        ],
    )


def landmarks(rows: pd.DataFrame) -> Spec:
    """Landmark rates (%) against months, one colour per study and endpoint, with CI bars where
    printed (``series``, ``months``, ``rate``, ``ci_low``, ``ci_high``)."""
    # Landmarks count from infusion (single-arm) or randomization (randomized): as the PDF says.
    x = {
        "field": "months",
        "type": "quantitative",
        "title": "months after infusion or randomization",
    }
    return _base(
        records(rows, ["series", "months", "rate", "ci_low", "ci_high"]),
        height=220,
        layer=[
            {
                "mark": "rule",
                "encoding": {
                    "x": x,
                    "y": {"field": "ci_low", "type": "quantitative"},
                    "y2": {"field": "ci_high"},
                    "color": {"field": "series", "type": "nominal", "title": None},
                },
            },
            {
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "rate",
                        "type": "quantitative",
                        "title": "alive / event-free / in response (%)",
                        "scale": {"domain": [0, 100]},
                    },
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        # "Breyanzi (liso-cel) — TRANSFORM, EFS" in full: Vega cuts a legend
                        # label at 160 px ("Breyanzi (liso-cel) — TRANSF…")
                        "legend": {"labelLimit": 400},
                    },
                    "tooltip": _tooltip(
                        "series", ("months", "quantitative"), ("rate", "quantitative")
                    ),
                },
            },
        ],
    )


def dated_events(rows: pd.DataFrame) -> Spec:
    """One row per agency, a point per dated action (``agency``, ``day``, ``action``)."""
    return _base(
        records(rows, ["agency", "day", "action", "scope"]),
        height=max(80, 40 * rows["agency"].nunique()),
        mark={"type": "point", "filled": True, "size": 80},
        encoding={
            "x": {"field": "day", "type": "temporal", "title": "date"},
            "y": {"field": "agency", "type": "nominal", "title": None},
            "color": {"field": "action", "type": "nominal", "title": "action"},
            "tooltip": _tooltip("agency", "day", "action", "scope"),
        },
    )

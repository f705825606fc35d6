"""Approvals by agency over time, and the lag between first approvals in two countries.

The lag is computed per (target, indication): the first approval of any product for that target
and indication in country A, against the first in country B. A pair with no approval in one
country has no lag ("no data"), never zero.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cartatlas.store import Store


def approvals_frame(store: Store, countries: list[str]) -> pd.DataFrame:
    """Approvals in ``countries`` with product, targets and a parsed date (NaT when unknown)."""
    marks = ", ".join("?" * len(countries))
    frame = store.frame(
        "SELECT a.product_id, p.inn, p.brands, p.targets, a.agency, a.country, a.indication, "
        "a.indication_label, a.line_of_therapy, a.population, a.approval_date, a.kind, "
        "a.source_url, a.note "
        "FROM evidence_approvals a JOIN evidence_products p USING (product_id) "
        f"WHERE a.country IN ({marks}) ORDER BY a.approval_date",
        countries,
    )
    frame["date"] = [_parse(d) for d in frame["approval_date"]]
    return frame


def _parse(value: str | None) -> pd.Timestamp:
    """Partial dates are placed at the start of their month or year for ordering only."""
    if not isinstance(value, str) or not value:
        return pd.NaT
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return pd.Timestamp(dt.date(parts[0], parts[1], parts[2]))


def first_approvals(frame: pd.DataFrame) -> pd.DataFrame:
    """The earliest dated approval per country × target × indication (targets split)."""
    dated = frame.dropna(subset=["date"]).copy()
    dated["target"] = dated["targets"].str.split("|")
    dated = dated.explode("target")
    first = dated.sort_values("date").groupby(["country", "target", "indication"]).head(1)
    return first[
        ["country", "target", "indication", "product_id", "approval_date", "date", "source_url"]
    ]


def approval_lag(frame: pd.DataFrame, country_a: str, country_b: str) -> pd.DataFrame:
    """Months from the first approval in ``country_a`` to the first in ``country_b``.

    Positive: ``country_b`` approved later. Rows approved in only one country keep the date
    they have and an empty lag.
    """
    first = first_approvals(frame)
    a = first[first["country"] == country_a].set_index(["target", "indication"])
    b = first[first["country"] == country_b].set_index(["target", "indication"])
    joined = pd.merge(
        a[["product_id", "approval_date", "date"]],
        b[["product_id", "approval_date", "date"]],
        how="outer",
        left_index=True,
        right_index=True,
        suffixes=(f"_{country_a}", f"_{country_b}"),
    )
    delta = joined[f"date_{country_b}"] - joined[f"date_{country_a}"]
    joined["lag_months"] = (delta.dt.days / 30.4375).round(1)
    return joined.drop(columns=[f"date_{country_a}", f"date_{country_b}"]).reset_index()

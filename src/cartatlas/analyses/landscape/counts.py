"""Counting rules of the landscape.

* **Countries.** A trial with sites in several countries is counted once in each of its
  countries, and once in the ``all`` total (so country rows can add up to more than ``all``).
  A trial without sites has no country and appears only in ``all``.
* **List labels.** A dual-target trial (CD19+CD22) is counted once under each target; the same
  holds for disease areas and cell sources. Shares of such a dimension can add up to over 100 %.
* **Shares** are of the trials in the same country (and, for yearly shares, the same start year).
"""

from __future__ import annotations

import pandas as pd

ALL = "all"
#: --by names → frame columns (list columns are exploded).
DIMENSIONS = {
    "year": "start_year",
    "phase": "phase",
    "target": "targets",
    "disease": "disease_area",
    "group": "disease_group",
    "status": "status",
    "sponsor": "sponsor_type",
    "source": "cell_source",
    "cell": "cell_type",
    "in_vivo": "in_vivo",
}
LIST_COLUMNS = {"targets", "disease_area", "cell_source", "cell_type"}


def by_country(frame: pd.DataFrame, countries: list[str] | None) -> pd.DataFrame:
    """One row per (trial, country) for the chosen countries, plus one ``all`` row per trial."""
    exploded = frame.explode("countries").rename(columns={"countries": "country"})
    if countries:
        exploded = exploded[exploded["country"].isin(countries)]
    else:
        exploded = exploded.dropna(subset=["country"])
    overall = frame.drop(columns=["countries"]).assign(country=ALL)
    return pd.concat([exploded, overall], ignore_index=True)


def count(frame: pd.DataFrame, by: list[str], countries: list[str] | None) -> pd.DataFrame:
    """Trials per country × ``by`` dimensions, with each count's share of its country's trials."""
    columns = [DIMENSIONS[name] for name in by]
    rows = by_country(frame, countries)
    totals = rows.groupby("country")["nct_id"].nunique()
    for column in columns:
        if column in LIST_COLUMNS:
            rows = rows.explode(column)
    keys = ["country", *columns]
    table = rows.groupby(keys, dropna=False)["nct_id"].nunique().rename("trials").reset_index()
    table["share"] = (table["trials"] / table["country"].map(totals)).round(4)
    return table.sort_values(keys, na_position="last").reset_index(drop=True)


def yearly_shares(frame: pd.DataFrame, countries: list[str] | None) -> pd.DataFrame:
    """Per country and start year: trials, and the shares that are allogeneic, solid-tumour,
    autoimmune and in vivo (a trial is solid/autoimmune when any of its areas is)."""
    rows = by_country(frame, countries).dropna(subset=["start_year"]).copy()
    rows["solid"] = rows["disease_area"].map(lambda a: any(x.startswith("solid:") for x in a))
    rows["autoimmune"] = rows["disease_area"].map(
        lambda a: any(x.startswith("autoimmune:") for x in a)
    )
    grouped = rows.groupby(["country", "start_year"])
    table = grouped.agg(
        trials=("nct_id", "nunique"),
        allogeneic=("allogeneic", "mean"),
        solid=("solid", "mean"),
        autoimmune=("autoimmune", "mean"),
        in_vivo=("in_vivo", "mean"),
    ).reset_index()
    return table.round(4)

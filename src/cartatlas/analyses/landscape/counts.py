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
#: The cell-source label of a trial whose registry text states none (classify.cells.UNKNOWN).
UNSTATED_SOURCE = "unknown"
#: Columns of :func:`yearly_shares` giving the allogeneic share among the trials stating a
#: cell source, and its exact 95% interval (fractions, like the other shares).
STATING_SHARE_COLUMNS = (
    "allogeneic_of_stating",
    "allogeneic_of_stating_low",
    "allogeneic_of_stating_high",
)


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


def started_by(by_year: pd.DataFrame, last_year: int | None) -> tuple[pd.DataFrame, pd.Series]:
    """Split a by-year count (:func:`count` by ``year``) for a chart of trials started: the
    dated rows from the earliest start year to ``last_year`` (the snapshot's; ``None``: the
    latest year recorded), start years as int, and per country the trials planned to start
    after it. Every dated trial is either charted or counted there, so a chart that starts at a
    chosen year or stops at the snapshot never drops trials unsaid (US trials of 2009-2011 were
    left out of a chart from 2012 while its note counted only the undated ones)."""
    dated = by_year.dropna(subset=["start_year"])
    last = int(dated["start_year"].max()) if last_year is None else last_year
    shown = dated[dated["start_year"] <= last].astype({"start_year": int})
    planned = dated[dated["start_year"] > last].groupby("country")["trials"].sum()
    return shown, planned


def yearly_shares(frame: pd.DataFrame, countries: list[str] | None) -> pd.DataFrame:
    """Per country and start year: trials, and the shares that are allogeneic, solid-tumour,
    autoimmune and in vivo (a trial is solid/autoimmune when any of its areas is).

    A trial is allogeneic only when its registry text says so, and countries differ in how
    often the text states a cell source at all (CN 2025: none in 135 of 232), so the allogeneic
    share of all trials is a lower bound that can turn a comparison round. Hence also the
    trials stating a source (``stating_source``) and the allogeneic share among them, with its
    exact (Clopper–Pearson) 95% interval; no share (None) where no trial states one."""
    rows = by_country(frame, countries).dropna(subset=["start_year"]).copy()
    rows["solid"] = rows["disease_area"].map(lambda a: any(x.startswith("solid:") for x in a))
    rows["autoimmune"] = rows["disease_area"].map(
        lambda a: any(x.startswith("autoimmune:") for x in a)
    )
    rows["stating_source"] = rows["cell_source"].map(lambda s: list(s) != [UNSTATED_SOURCE])
    grouped = rows.groupby(["country", "start_year"])
    table = grouped.agg(
        trials=("nct_id", "nunique"),
        allogeneic=("allogeneic", "mean"),
        solid=("solid", "mean"),
        autoimmune=("autoimmune", "mean"),
        in_vivo=("in_vivo", "mean"),
        stating_source=("stating_source", "sum"),
        allogeneic_trials=("allogeneic", "sum"),
    ).reset_index()
    shares = [
        _share_of_stating(int(k), int(n))
        for k, n in zip(table["allogeneic_trials"], table["stating_source"], strict=True)
    ]
    table[list(STATING_SHARE_COLUMNS)] = pd.DataFrame(shares, index=table.index, dtype="float")
    return table.drop(columns="allogeneic_trials").round(4)


def _share_of_stating(allogeneic: int, stating: int) -> tuple[float | None, ...]:
    """``allogeneic`` / ``stating`` with its exact 95% CI; Nones when no trial states a source."""
    if not stating:
        return (None, None, None)
    from cartatlas.evidence.queries import exact_ci

    low, high = exact_ci(allogeneic, stating)
    return (allogeneic / stating, low / 100, high / 100)

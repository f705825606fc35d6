"""Approvals: one row per approval, the sources behind it, and the lag between two countries.

An approval is one product × agency × indication × line of therapy × population. Several
evidence rows can describe it (a regulator page, a company release, news), and they may disagree
on the date. ``approvals_frame`` keeps one row per approval with the value of the strongest
source (``CHOICE_RULE``), and keeps every other source, with its value, as an alternative.

The lag is the number of months from the first approval in country A to the first approval in
country B of the same product for the same indication (``product_lag``), or of any product with
the same target for the same indication (``approval_lag``). Positive: B approved later. A pair
with an approval in one country only has no lag ("no data"), never zero.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pandas as pd

from cartatlas.analyses.evidence_kept import kept
from cartatlas.evidence.jurisdictions import expand_regional, shown_brand, stored_codes
from cartatlas.evidence.source_strength import WEAK, label, rank
from cartatlas.store import Store
from cartatlas.wording import counted, in_words

APPROVAL_KEY = ["product_id", "agency", "country", "indication", "line_of_therapy", "population"]
CHOICE_RULE = (
    "one row per approval (product × agency × indication × line × population); when its "
    "sources disagree, the value of the strongest source is kept (regulator > label > journal > "
    "… > company release > news > secondary); among equally strong sources, the most precise "
    "date, then the earliest (later reports echo an approval); when the strongest source prints "
    "no date, the date of the strongest source that prints one; a weaker source's more precise "
    "date is shown when it agrees with that date (a label's month, a release's day); the others "
    "are listed as alternative sources"
)

#: Said next to every approval count and first date: what the count covers.
RECORDED_ONLY = (
    "Counts, first dates and lags cover the approvals recorded here, each with a regulator, "
    "label or manufacturer source; approvals reported only by news are left out until such a "
    "source is found (docs/evidence/curation-log.md lists them), so a country may have more, or "
    "earlier, approvals than shown."
)

LAG_DEFINITION = (
    "months from the first approval in {a} to the first approval in {b} "
    "(positive: {b} approved later; negative: {b} approved first)"
)
MONTH_DAYS = 30.4375


def _parse(value: str | None) -> pd.Timestamp:
    """Partial dates are placed at the start of their month or year for ordering only."""
    if not isinstance(value, str) or not value:
        return pd.NaT
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return pd.Timestamp(dt.date(parts[0], parts[1], parts[2]))


def raw_approvals(store: Store, countries: list[str]) -> pd.DataFrame:
    """Every approval row that applies in ``countries`` (several rows may describe one approval).

    EU approvals appear under each requested EU/EEA state, marked ``via = "EU"``
    (``cartatlas.evidence.jurisdictions``)."""
    codes = stored_codes(countries)
    marks = ", ".join("?" * len(codes))
    frame = store.frame(f"{_SELECT} WHERE a.country IN ({marks}) ORDER BY a.approval_date", codes)
    frame = expand_regional(frame, countries)
    frame["date"] = [_parse(d) for d in frame["approval_date"]]
    return frame


_SELECT = (
    "SELECT a.product_id, p.inn, p.brands, p.targets, a.agency, a.country, a.indication, "
    "a.indication_label, a.line_of_therapy, a.population, a.approval_date, a.kind, "
    "a.source_url, a.source_kind, a.doi, a.pmid, a.note "
    "FROM evidence_approvals a JOIN evidence_products p USING (product_id)"
)


def product_approvals(store: Store, product_id: str) -> pd.DataFrame:
    """A product's approvals in every jurisdiction, one row per approval (``CHOICE_RULE``) with
    its alternative sources; EU approvals stay under ``EU``, as the Commission issues them."""
    frame = store.frame(f"{_SELECT} WHERE a.product_id = ? ORDER BY a.approval_date", [product_id])
    frame = frame.assign(via=None, date=[_parse(d) for d in frame["approval_date"]])
    return one_per_approval(frame).drop(columns=["date", "via"], errors="ignore")


def _host(url: object) -> str:
    return urlparse(str(url)).netloc.removeprefix("www.") or str(url)


def _date_or_none(date: object) -> str:
    """A source's date as printed, or "no date": an empty cell reads NaN from the store, and NaN
    is truthy, so ``date or 'no date'`` printed "nan (hcp.novartis.com, label)"."""
    return date if isinstance(date, str) and date else "no date"


def _agrees(date: object, chosen: object) -> bool:
    """Dates agree when one is the other at a coarser precision (2021-06 and 2021-06-22)."""
    if not isinstance(date, str) or not date or not isinstance(chosen, str) or not chosen:
        return True
    return chosen.startswith(date) or date.startswith(chosen)


def _finer_agreeing_date(order: pd.DataFrame, chosen: object) -> pd.Series | None:
    """The strongest row whose date is more precise than ``chosen`` and agrees with it."""
    if not isinstance(chosen, str) or not chosen:
        return None
    finer = [
        row
        for _, row in order.iterrows()
        if isinstance(row["approval_date"], str)
        and len(row["approval_date"]) > len(chosen)
        and row["approval_date"].startswith(chosen)
    ]
    return finer[0] if finer else None


def _choose(group: pd.DataFrame) -> pd.Series:
    order = group.assign(
        _rank=[rank(k) for k in group["source_kind"]],
        _precision=[-len(d) if isinstance(d, str) else 0 for d in group["approval_date"]],
    ).sort_values(["_rank", "_precision", "date"], na_position="last")
    chosen = order.iloc[0].drop(["_rank", "_precision"])
    others = order.iloc[1:]
    alternatives = [
        f"{_date_or_none(row.approval_date)} ({_host(row.source_url)}, {label(row.source_kind)})"
        for row in others.itertuples()
    ]
    disagree = [d for d in others["approval_date"] if not _agrees(d, chosen["approval_date"])]
    if others.empty:
        reason = "single source"
    elif not disagree:
        reason = f"{len(group)} sources agree; the most precise date is shown"
    elif rank(chosen["source_kind"]) < min(rank(k) for k in others["source_kind"]):
        reason = f"sources disagree; the strongest source ({label(chosen['source_kind'])}) is kept"
    else:
        reason = (
            "equally strong sources disagree; the earliest date is kept (later reports echo "
            "an approval)"
        )
    dated = order[order["date"].notna()]
    # whose date it is: the chosen source's own, or (below) the strongest one that prints one
    chosen["date_source_kind"] = None if pd.isna(chosen["date"]) else chosen["source_kind"]
    if pd.isna(chosen["date"]) and not dated.empty:
        # The strongest source prints no date (a release saying "has approved"): the date is
        # the value of the strongest source that prints one.
        source = dated.iloc[0]
        chosen["approval_date"], chosen["date"] = source["approval_date"], source["date"]
        chosen["date_source_kind"] = source["source_kind"]
        reason += (
            f"; the date is from {_host(source['source_url'])} ({label(source['source_kind'])}),"
            " the strongest source that prints one"
        )
    finer = _finer_agreeing_date(order, chosen["approval_date"])
    if finer is not None:
        # A label prints "October 2017", a news page "October 18, 2017": the day refines the
        # strongest source's month without contradicting it, so the more precise date is shown.
        chosen["approval_date"], chosen["date"] = finer["approval_date"], finer["date"]
        reason += (
            f"; the day is from {_host(finer['source_url'])} ({label(finer['source_kind'])}),"
            " which agrees with the strongest dated source"
        )
    chosen["sources"] = len(group)
    chosen["alternative_sources"] = "; ".join(alternatives)
    chosen["choice"] = reason
    return chosen


def one_per_approval(frame: pd.DataFrame) -> pd.DataFrame:
    """Apply ``CHOICE_RULE``: one row per approval, with its alternatives and the reason."""
    if frame.empty:  # the columns ``_choose`` adds, so an empty answer has every column
        return frame.assign(date_source_kind=[], sources=[], alternative_sources=[], choice=[])
    keys = frame[APPROVAL_KEY].fillna("")
    chosen = [
        _choose(group) for _, group in frame.groupby([keys[k] for k in APPROVAL_KEY], sort=False)
    ]
    return (
        pd.DataFrame(chosen)
        .sort_values(["date", "product_id"], na_position="last")
        .reset_index(drop=True)
    )


@kept
def approvals_frame(store: Store, countries: list[str]) -> pd.DataFrame:
    """One row per approval in ``countries`` (``CHOICE_RULE``), with a parsed date; computed
    once per evidence version and set of countries (:mod:`~cartatlas.analyses.evidence_kept`)."""
    return one_per_approval(raw_approvals(store, countries))


def approved_product_rows(store: Store, country: str) -> list[tuple]:
    """``cartatlas products``: one row per approval that applies in ``country`` (``CHOICE_RULE``),
    oldest first, in the order of ``queries.APPROVED_COLUMNS``, with the product's local brand.

    An EU (EMA) approval counts in every EEA state, dated as the Commission decision; its agency
    reads ``EMA (EU)`` so the reader sees where it was issued."""
    frame = approvals_frame(store, [country])
    return [
        (
            row.product_id,
            shown_brand(row.brands, country),
            row.targets,
            f"{row.agency} ({row.via})" if isinstance(row.via, str) else row.agency,
            row.indication,
            row.indication_label,
            row.line_of_therapy,
            row.population,
            row.approval_date,
            row.kind,
            row.source_url,
        )
        for row in frame.itertuples()
    ]


#: What the lag keeps of each side's first approval: the line, population and kind show whether
#: the two approvals compared are alike (a US 5L+ full approval against a Chinese 4L+ one; a US
#: approval for children and young adults against a Chinese one for adults); the kind of source
#: that dates it (``date_source_kind``: the chosen source, or the strongest one printing a date
#: when it prints none; a finer day that agrees with that date does not change it) shows a lag
#: that rests on a date only news or a secondary page prints (relma-cel's Chinese FL approval).
LAG_VALUES = (
    "product_id",
    "approval_date",
    "line_of_therapy",
    "population",
    "kind",
    "date_source_kind",
    "date",
)


def _lag(frame: pd.DataFrame, keys: list[str], a: str, b: str) -> pd.DataFrame:
    # The earliest dated approval per key; an approval whose date no source states still names
    # its product (date and lag empty), so the table does not read "not approved there".
    ordered = frame.sort_values("date", na_position="last", kind="stable")
    first = ordered.groupby(["country", *keys]).head(1)
    sides = {
        c: first[first["country"] == c]
        .set_index(keys)[[v for v in LAG_VALUES if v not in keys]]
        .assign(approved=True)
        for c in (a, b)
    }
    joined = pd.merge(
        sides[a],
        sides[b],
        how="outer",
        left_index=True,
        right_index=True,
        suffixes=(f"_{a}", f"_{b}"),
    )
    # to_datetime: with no approval on either side the empty columns are not datetimes
    delta = pd.to_datetime(joined[f"date_{b}"]) - pd.to_datetime(joined[f"date_{a}"])
    joined["lag_months"] = (delta.dt.days / MONTH_DAYS).round(1)
    joined["status"] = [
        lag_status(in_a is True, in_b is True, lag, a, b)
        + (f"; ± {unit}" if (unit := lag_uncertainty(date_a, date_b)) else "")
        for in_a, in_b, lag, date_a, date_b in zip(
            joined[f"approved_{a}"],
            joined[f"approved_{b}"],
            joined["lag_months"],
            joined[f"approval_date_{a}"],
            joined[f"approval_date_{b}"],
            strict=True,
        )
    ]
    if "indication" in keys:
        joined["status"] = _broader_approvals(joined, first, keys, a, b)
    dropped = [f"date_{a}", f"date_{b}", f"approved_{a}", f"approved_{b}"]
    return joined.drop(columns=dropped).reset_index()


def _broader_approvals(
    joined: pd.DataFrame, first: pd.DataFrame, keys: list[str], a: str, b: str
) -> list[str]:
    """Each lag row's status, with what the country without an approval for the indication did
    approve of the same target (or product) under an indication no code names ("other"):
    "approved in CN only (no approval recorded in IN)" hid that India approved NexCAR19 (CD19)
    for "relapsed/refractory B-cell lymphomas and leukaemia", which is not matched to LBCL or
    B-ALL but would be read as no CD19 CAR-T approved there."""
    broad = first[first["indication"] == "other"]
    same_as = [k for k in keys if k != "indication"]
    statuses = []
    flags = zip(joined[f"approved_{a}"], joined[f"approved_{b}"], strict=True)
    for key, status, (in_a, in_b) in zip(joined.index, joined["status"], flags, strict=True):
        values = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        missing = b if in_a is True else a
        same = broad[broad["country"] == missing]
        for k in same_as:
            same = same[same[k] == values[k]]
        if (in_a is True) == (in_b is True) or values["indication"] == "other" or same.empty:
            statuses.append(status)  # approved in both: nothing reads as none there
            continue
        said = "; ".join(
            f"{r.product_id} for {r.indication_label} ({_dated(r.approval_date)})"
            for r in same.itertuples()
        )
        statuses.append(
            f"{status}; {missing}'s approval of {said} is not matched to {values['indication']}"
        )
    return statuses


def _dated(approval_date: object) -> str:
    return approval_date if isinstance(approval_date, str) and approval_date else "undated"


def lag_status(in_a: bool, in_b: bool, lag: object, a: str, b: str) -> str:
    """Why a lag is there or not, in words: an approval in one country only is said so, never
    read as a lag of 0 or as missing data; a lag of two recorded approvals without a date is
    "no data"."""
    if in_a and in_b:
        return "approved in both" if pd.notna(lag) else "no data (an approval date is not recorded)"
    only, other = (a, b) if in_a else (b, a)
    return f"approved in {only} only (no approval recorded in {other})"


def lag_uncertainty(date_a: object, date_b: object) -> str:
    """ "1 month (a date known to the month only)": a lag from a date known only to the month
    (or year) is that uncertain, said since the lag is printed to a tenth of a month; "" when
    both dates are days (or a side has none)."""
    dated = [d for d in (date_a, date_b) if isinstance(d, str) and d]
    if len(dated) < 2 or all(len(d) == 10 for d in dated):
        return ""
    if min(map(len, dated)) == 4:
        return "12 months (a date known to the year only)"
    return "1 month (a date known to the month only)"


def approval_lag(frame: pd.DataFrame, country_a: str, country_b: str) -> pd.DataFrame:
    """``LAG_DEFINITION`` per target × indication (any product with that target)."""
    exploded = frame.assign(target=frame["targets"].str.split("|")).explode("target")
    return _lag(exploded, ["target", "indication"], country_a, country_b)


def product_lag(frame: pd.DataFrame, country_a: str, country_b: str) -> pd.DataFrame:
    """``LAG_DEFINITION`` per product × indication, only where both countries approved it."""
    lag = _lag(frame, ["product_id", "indication"], country_a, country_b)
    return lag.dropna(subset=["lag_months"]).reset_index(drop=True)


def population_differs(lag: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The lag rows whose two first approvals were for different stated populations (CD19 B-ALL:
    children and young adults in the US, adults in China): their lag is not how long the same
    patients waited, which a reader of the median lag must be told."""
    pa, pb = lag[f"population_{a}"], lag[f"population_{b}"]
    stated = pa.notna() & pb.notna() & (pa != "") & (pb != "")
    return lag[lag["lag_months"].notna() & stated & (pa != pb)]


def weakly_dated(lag: pd.DataFrame, a: str, b: str) -> list[str]:
    """ "CD19 FL (CN 2022-10-10, secondary (weak source))": each lag whose first approval on
    either side is dated only by news or a secondary page, so a reader of the median lag sees
    which lags rest on such a date."""
    found = []
    for _, r in lag[lag["lag_months"].notna()].iterrows():
        sides = [
            f"{side} {r[f'approval_date_{side}']}, {label(r[f'date_source_kind_{side}'])}"
            for side in (a, b)
            if r[f"date_source_kind_{side}"] in WEAK
        ]
        if sides:
            found.append(f"{r.target} {r.indication} ({'; '.join(sides)})")
    return found


def lag_summary(lag: pd.DataFrame, a: str, b: str) -> str:
    """ "median lag +36 months over 4 target–indication pairs (CN later in 4, CN first in 0).",
    then the pairs whose first approvals were for different populations (``population_differs``):
    what the report's and dashboard's answer and the API's note say of the lag table; empty
    when no pair has a lag."""
    both = lag["lag_months"].dropna()
    if both.empty:
        return ""
    text = (
        f"median lag {both.median():+.0f} months over {len(both)} target–indication pairs "
        f"({b} later in {int((both > 0).sum())}, {b} first in {int((both < 0).sum())})."
    )
    if len(apart := population_differs(lag, a, b)):
        text += (
            f" In {counted(len(apart), 'pair')} the first approvals were for different "
            "populations, so its lag is not how long the same patients waited: "
            + "; ".join(
                f"{r.target} {r.indication}: {in_words(r[f'population_{a}'])} in {a}, "
                f"{in_words(r[f'population_{b}'])} in {b} ({r.lag_months:+.0f} months)"
                for _, r in apart.iterrows()
            )
            + "."
        )
    if weak := weakly_dated(lag, a, b):
        text += " Lags on a date printed only by news or a secondary page: " + "; ".join(weak) + "."
    return text


def first_approvals(frame: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Per target × indication, the first approval in each of ``countries`` ("product date"),
    "none recorded" where the country has none: how several countries line up, where the lag
    compares two. An approval no source dates reads "product (no date recorded)"."""
    exploded = frame.assign(target=frame["targets"].str.split("|")).explode("target")
    ordered = exploded.sort_values("date", na_position="last", kind="stable")
    first = ordered.groupby(["target", "indication", "country"]).head(1)
    cells = {
        (r.target, r.indication, r.country): f"{r.product_id} "
        + (r.approval_date if isinstance(r.approval_date, str) else "(no date recorded)")
        for r in first.itertuples()
    }
    keys = sorted({(t, i) for t, i, _ in cells})
    return pd.DataFrame(
        [[t, i, *(cells.get((t, i, c), "none recorded") for c in countries)] for t, i in keys],
        columns=["target", "indication", *countries],
    )


def approved_product_counts(frame: pd.DataFrame, countries: list[str]) -> dict[str, int | None]:
    """Distinct approved products per country; None (no data) for a country without any
    approval row: the evidence base records none, which is not the same as zero approvals."""
    counts = frame.groupby("country")["product_id"].nunique()
    return {c: int(counts[c]) if c in counts.index else None for c in countries}


def oriented_lag(frame: pd.DataFrame, countries: list[str]) -> tuple[str, str, pd.DataFrame]:
    """(A, B, lag) with A the country whose first approvals mostly came first, so the median lag
    is ≥ 0 and every surface (report, dashboard, CLI) reads in the same direction whatever order
    the countries were given in."""
    a, b = countries[:2]
    lag = approval_lag(frame, a, b)
    if lag["lag_months"].dropna().median() < 0:
        a, b = b, a
        lag = approval_lag(frame, a, b)
    return a, b, lag

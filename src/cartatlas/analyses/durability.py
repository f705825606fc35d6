"""Does it last, is it better than standard care: survival rows and randomized hazard ratios.

Medians are shown per study and never pooled (``MEDIANS_NOT_POOLED`` says why). Hazard ratios
of randomized CAR-T vs standard-of-care trials are pooled on the log scale (``meta_generic``)
when two or more trials in one indication report the same endpoint: one row per trial, its
latest analysis with a confidence interval that is not read only on a secondary page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cartatlas.analyses.evidence_kept import kept
from cartatlas.evidence.absence import hazard_ratio_count, hazard_ratio_gaps_said
from cartatlas.evidence.coverage import randomized_coverage, randomized_gaps
from cartatlas.evidence.schema import ANALYSIS_ORDER
from cartatlas.evidence.source_rules import host_of
from cartatlas.evidence.source_strength import is_secondary, is_weak, on_secondary_pages, rank
from cartatlas.missing import is_missing
from cartatlas.store import Store

if TYPE_CHECKING:
    from cartatlas.stats import MetaResult

MEDIANS_NOT_POOLED = (
    "Medians are shown per study and not pooled: a median survival time has no standard error "
    "that inverse-variance pooling could use, trials followed patients for different lengths of "
    "time (a median 'not reached' at 18 months says something else than at 60), and their "
    "populations and lines of therapy differ."
)
POOLING_METHOD = (
    "log hazard ratios, random effects (REML τ²) with Knapp–Hartung inference, its variance "
    "factor not below 1"
)
#: Knapp–Hartung with the ad hoc correction (metafor ``test="adhoc"``): the plain factor, the
#: weighted residual mean square, falls far below 1 when two or three trials agree closely, and
#: then the interval is narrower than even the common-effect z interval (LBCL OS, TRANSFORM and
#: ZUMA-7: 0.60–0.91, narrower than the common-effect 0.57–0.95, though each trial alone spans
#: 0.48–1.19 and 0.54–0.98); with the factor at least 1 it is 0.15–3.71, what two trials on
#: 1 degree of freedom can tell.
HR_TEST = "adhoc"
POOLING_CAVEAT = (
    "Pooled hazard ratios combine trials whose comparators, endpoint definitions (EFS differs "
    "between trials), follow-up and crossover to CAR-T differ; with two trials the "
    "between-trial variance is barely estimable, so the interval is wide by construction."
)

LEFT_OUT_LEAD = (
    "Later analyses read only on secondary pages (listed in the table, marked, but not pooled "
    "or plotted)"
)

_STUDY_COLUMNS = (
    "st.name, st.product_id, st.indication, st.country_of_conduct, st.line_of_therapy, "
    "st.design, st.registrational"
)


def _filtered(
    store: Store, table: str, product: str | None, indication: str | None
) -> pd.DataFrame:
    where, params = [], []
    if product:
        where.append("st.product_id = ?")
        params.append(product)
    if indication:
        where.append("st.indication = ?")
        params.append(indication)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return store.frame(
        f"SELECT t.*, {_STUDY_COLUMNS} FROM evidence_{table} t "
        f"JOIN evidence_studies st USING (study_id) {clause} "
        "ORDER BY st.indication, t.study_id, t.source_line",
        params,
    )


@kept
def survival_frame(
    store: Store, product: str | None = None, indication: str | None = None
) -> pd.DataFrame:
    """Survival rows (medians in months, landmark rates in %) with their study's product,
    indication and country of conduct."""
    return _filtered(store, "survival", product, indication)


@kept
def comparisons_frame(
    store: Store, product: str | None = None, indication: str | None = None
) -> pd.DataFrame:
    """Randomized CAR-T vs standard-of-care hazard ratios with their study's context."""
    return _filtered(store, "comparisons", product, indication)


def median_text(row: object) -> str:
    """ "14.7 (5.4–43.5)", "not reached (28.6–NE)", "41% (…)" for landmark rows.

    An empty upper bound prints as NE (not estimable): sources write it as NR or NE, and "not
    estimable" is true of both, where "not reached" would misstate a bound the source called NE.
    """
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    landmark = get("statistic") == "landmark"
    unit = "%" if landmark else ""
    point = "not reached" if get("not_reached") else f"{_num(get('value'))}{unit}"
    low, high = get("ci_low"), get("ci_high")
    if not (is_missing(low) and is_missing(high)):
        lo = "?" if is_missing(low) else _num(low)
        hi = "NE" if is_missing(high) else _num(high)
        return f"{point} ({lo}–{hi})"
    return point


def _num(value: object) -> str:
    return f"{float(value):g}"


@dataclass(frozen=True)
class PooledHazardRatio:
    """Hazard ratios of ``studies`` for one indication and endpoint, pooled on the log scale."""

    indication: str
    endpoint: str
    rows: pd.DataFrame  # the trial rows pooled, one per study
    result: MetaResult
    #: Other analyses of the pooled trials a reader must see beside the number: an earlier one
    #: from a stronger source than a pooled row read on a news page, a later one left out
    #: because it is read only on a secondary page.
    beside: tuple[str, ...] = ()

    @property
    def hr(self) -> float:
        return math.exp(self.result.estimate)

    @property
    def ci(self) -> tuple[float, float]:
        return math.exp(self.result.ci_low), math.exp(self.result.ci_high)

    @property
    def wider_than_each(self) -> bool:
        """Is the pooled 95% CI wider (on the log scale) than every pooled trial's own? With two
        trials the Knapp–Hartung t on 1 degree of freedom can make it so (MM PFS: 0.01–10.6
        from CARTITUDE-4's 0.22–0.39 and KarMMa-3's 0.38–0.63): a pool that says less than
        either trial alone, which the reader must be told, with the trials' own HRs."""
        low, high = self.ci
        width = math.log(high / low)
        return all(width > math.log(r.ci_high / r.ci_low) for r in self.rows.itertuples())

    @property
    def caveat(self) -> str:
        """What the reader needs next to a pooled HR: each trial's own HR with the analysis it
        comes from and, for a news page, that it is a weak source; the analyses left out (and
        why); and, with two trials, that the Knapp–Hartung interval uses t with one degree of
        freedom, and whether that made it wider than either trial's own (it can span 1
        although every trial alone favours CAR-T clearly)."""
        each = "; ".join(_trial_said(r) for r in self.rows.itertuples())
        beside = "".join(f"; {text}" for text in self.beside)
        if len(self.rows) > 2:
            return f"each trial: {each}{beside}"
        products = " (different products)" if self.rows["product_id"].nunique() > 1 else ""
        wide = " and is wider than either trial's own" if self.wider_than_each else ""
        return (
            f"only two trials{products}, so the random-effects interval uses t with "
            f"1 degree of freedom{wide}; each trial on its own: {each}{beside}"
        )

    @property
    def pi(self) -> tuple[float, float]:
        return math.exp(self.result.pi_low), math.exp(self.result.pi_high)


def _trial_said(row: object) -> str:
    """ "CARTITUDE-4 0.55 (0.39–0.79; longer follow up, 33.6 months; news page ascopost.com,
    weak source)": which analysis of the trial is pooled, and a weak source said as such."""
    return f"{row.name} {row.hr:g} ({row.ci_low:g}–{row.ci_high:g}; {_analysis_said(row)})"


def _analysis_said(row: object) -> str:
    """ "primary analysis, immature" beside a pooled trial's HR: a pool may join one trial's
    early analysis, which its source calls immature, with another's final one, and a reader
    must see that before trusting the pooled number; a row read on a news page says so."""
    said = str(row.analysis).replace("_", " ")
    said = "primary analysis" if said == "primary" else said
    follow_up = getattr(row, "follow_up_months", None)
    if not is_missing(follow_up):
        said += f", {float(follow_up):g} months"
    if getattr(row, "status", None) == "immature":
        said += ", immature"
    if is_weak(getattr(row, "source_kind", None)):
        said += f"; {_page_said(row)}, weak source"
    return said


def _page_said(row: object) -> str:
    """ "news page ascopost.com": the kind and publisher of a row's source."""
    return f"{str(row.source_kind).replace('_', ' ')} page {host_of(row.source_url)}"


def _with_ci(comparisons: pd.DataFrame) -> pd.DataFrame:
    return comparisons.dropna(subset=["hr", "ci_low", "ci_high"])


def trial_rows(comparisons: pd.DataFrame) -> pd.DataFrame:
    """Per study and endpoint, the row a pooled estimate uses: hazard ratio and CI present,
    not read only on a secondary page (those stay in the table, marked, and are named beside
    the pool: ``left_out_later_analyses``), the latest analysis (longer follow-up, then
    primary, then label) and, for that analysis, the strongest kind of source (a journal row,
    once curated, is used over a news report of the same analysis). A latest analysis that
    only a news page reports is used and marked as a weak source (``_analysis_said``): the
    earlier analysis from a stronger source is then named beside the pool (``PooledHazardRatio
    .beside``), rather than the mature result being hidden."""
    usable = _with_ci(comparisons)
    usable = _latest_strongest_first(
        usable[~on_secondary_pages(usable)], by=("indication", "endpoint", "study_id")
    )
    return usable.drop_duplicates(["indication", "endpoint", "study_id"])


def _latest_strongest_first(rows: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """``rows`` sorted by ``by``, then latest analysis first (``ANALYSIS_ORDER``), then the
    strongest kind of source: the order in which a trial's analyses are chosen."""
    ordered = rows.assign(
        _order=rows["analysis"].map(ANALYSIS_ORDER).fillna(9), _rank=rows["source_kind"].map(rank)
    )
    return ordered.sort_values([*by, "_order", "_rank"]).drop(columns=["_order", "_rank"])


def left_out_later_analyses(comparisons: pd.DataFrame) -> list[str]:
    """One sentence for each hazard ratio with a CI that is later than the trial's row a
    pooled estimate uses (or the only one) but read only on a secondary page: "a later
    analysis of TRANSFORM OS (LBCL, longer follow up; secondary page x.org) reports HR 0.757
    (0.481–1.191); not pooled because …", so that no headline rests on it and none is hidden."""
    return [text for _, text in _later_on_secondary_pages(comparisons)]


def left_out_unpooled(comparisons: pd.DataFrame, pooled: list[PooledHazardRatio]) -> list[str]:
    """The left-out later analyses that no pooled estimate already names beside its number
    (a trial alone in its indication and endpoint), for the lead and the CLI to list."""
    beside = {text for p in pooled for text in p.beside}
    return [t for t in left_out_later_analyses(comparisons) if t not in beside]


def _later_on_secondary_pages(comparisons: pd.DataFrame) -> list[tuple[tuple, str]]:
    """(indication, endpoint, study_id) and the sentence of each such left-out analysis."""
    chosen = {
        (r.indication, r.endpoint, r.study_id): ANALYSIS_ORDER.get(r.analysis, 9)
        for r in trial_rows(comparisons).itertuples()
    }
    found = []
    for r in _with_ci(comparisons).itertuples():
        key = (r.indication, r.endpoint, r.study_id)
        order = chosen.get(key)
        if is_secondary(r.source_kind) and (
            order is None or ANALYSIS_ORDER.get(r.analysis, 9) < order
        ):
            text = (
                f"a later analysis of {r.name} {r.endpoint} ({r.indication}, "
                f"{r.analysis.replace('_', ' ')}; {_page_said(r)}) reports HR {r.hr:g} "
                f"({r.ci_low:g}–{r.ci_high:g}); {NOT_POOLED_SECONDARY}"
            )
            found.append((key, text))
    return found


NOT_POOLED_SECONDARY = (
    "not pooled because a secondary page (aggregator, blog, review table) never stands behind "
    "a headline number"
)


def _stronger_earlier(row: object, comparisons: pd.DataFrame) -> str | None:
    """For a pooled row read on a news page: the latest analysis of the same trial and
    endpoint that a stronger source gives, said beside the pool so that a reader can weigh the
    weak, more mature result against it."""
    if not is_weak(row.source_kind):
        return None
    same = _with_ci(comparisons)
    same = same[
        (same["study_id"] == row.study_id)
        & (same["endpoint"] == row.endpoint)
        & (same["source_kind"].map(rank) < rank(row.source_kind))
    ]
    if same.empty:
        return None
    earlier = next(_latest_strongest_first(same).itertuples())
    kind = str(earlier.source_kind).replace("_", " ")
    return (
        f"{row.name}: a {kind} source gives {earlier.hr:g} ({earlier.ci_low:g}–"
        f"{earlier.ci_high:g}) for the {_analysis_said(earlier)}"
    )


NOT_POOLED_NO_CI = (
    "not pooled because a hazard ratio printed without its confidence interval has no standard "
    "error to weigh it by"
)


def unpooled_without_ci(
    comparisons: pd.DataFrame, indication: str, endpoint: str, pooled_studies: set[str]
) -> pd.DataFrame:
    """One row per other trial of the indication and endpoint whose hazard ratio is recorded
    only without a CI (BELINDA's EFS 1.07, read on a review page), its latest analysis first:
    a pooled estimate must never silently leave out a trial that points the other way."""
    same = comparisons[
        (comparisons["indication"] == indication)
        & (comparisons["endpoint"] == endpoint)
        & ~comparisons["study_id"].isin(pooled_studies)
        & comparisons["hr"].notna()
    ]
    with_ci = set(_with_ci(same)["study_id"])
    rows = _latest_strongest_first(same[~same["study_id"].isin(with_ci)])
    return rows.drop_duplicates("study_id")


def _without_ci_beside(
    comparisons: pd.DataFrame, indication: str, endpoint: str, pooled_studies: set[str]
) -> list[str]:
    """The sentence beside the pool for each trial of :func:`unpooled_without_ci`."""
    said = []
    for r in unpooled_without_ci(comparisons, indication, endpoint, pooled_studies).itertuples():
        page = f"; {_page_said(r)}, weak source" if is_weak(r.source_kind) else ""
        said.append(
            f"{r.name} {r.endpoint} ({str(r.analysis).replace('_', ' ')}{page}) reports HR "
            f"{r.hr:g} without a CI; {NOT_POOLED_NO_CI}"
        )
    return said


def pooled_hazard_ratios(comparisons: pd.DataFrame) -> list[PooledHazardRatio]:
    """One pooled hazard ratio per indication and endpoint that two or more trials share."""
    from cartatlas.stats import hr_to_log, meta_generic  # statistics load when pooling runs

    pooled = []
    left_out = _later_on_secondary_pages(comparisons)
    for (indication, endpoint), part in trial_rows(comparisons).groupby(
        ["indication", "endpoint"], sort=True
    ):
        if part["study_id"].nunique() < 2:
            continue
        if part["ci_level"].nunique() != 1:
            raise ValueError(f"{indication} {endpoint}: CIs of different levels cannot be pooled")
        yi, sei = hr_to_log(
            part["hr"].to_numpy(float),
            part["ci_low"].to_numpy(float),
            part["ci_high"].to_numpy(float),
            level=float(part["ci_level"].iloc[0]) / 100,
        )
        result = meta_generic(
            np.asarray(yi), np.asarray(sei), "REML", HR_TEST, labels=part["name"].tolist()
        )
        stronger = [_stronger_earlier(r, comparisons) for r in part.itertuples()]
        studies = set(part["study_id"])
        later = [
            text
            for (i, e, study), text in left_out
            if (i, e) == (indication, endpoint) and study in studies
        ]
        no_ci = _without_ci_beside(comparisons, indication, endpoint, studies)
        beside = tuple(t for t in [*stronger, *later, *no_ci] if t)
        pooled.append(
            PooledHazardRatio(indication, endpoint, part.reset_index(drop=True), result, beside)
        )
    return pooled


@kept
def pooled_hazard_ratios_of(store: Store) -> list[PooledHazardRatio]:
    """:func:`pooled_hazard_ratios` of every recorded comparison, pooled once per evidence
    version (the durability page and its chart read it three times). Read it, do not modify
    it."""
    return pooled_hazard_ratios(comparisons_frame(store))


def missing_hazard_ratios(store: Store, indications: set[str] | None = None) -> list[str]:
    """ "BELINDA (primary HR, OS HR)" for each randomized CAR-T vs standard-of-care trial of an
    approved product (in ``indications``, if given) whose primary-endpoint or OS hazard ratio is
    not recorded: a pooled estimate silently without such a trial would look firmer than it is."""
    rows = randomized_coverage(store)
    if indications is not None:
        rows = [row for row in rows if row[2] in indications]
    return randomized_gaps(rows)


def missing_hazard_ratios_said(gaps: list[str]) -> str:
    """The sentence the durability CLI and report print under the hazard ratios: each gap of
    :func:`missing_hazard_ratios` in the words of ``hazard_ratio_gaps_said``, and that no pooled
    estimate includes it (a pool silently without a trial would look firmer than it is)."""
    it = "it" if hazard_ratio_count(gaps) == 1 else "them"
    return f"{hazard_ratio_gaps_said(gaps)}, so no pooled estimate includes {it}."


def survival_counts(survival: pd.DataFrame, places: list[str]) -> dict[str, tuple[int, int]]:
    """Per country of conduct in ``places`` (a country code or "multinational"): how many
    studies, and of how many products, have a survival or response-duration row (median or
    landmark) for the CAR-T arm. A short answer says these counts and leaves each row, with
    its source, to the durability tables."""
    car_t = survival[survival["arm"] == "car-t"]
    counts = {}
    for place in places:
        part = car_t[car_t["country_of_conduct"] == place]
        counts[place] = (part["study_id"].nunique(), part["product_id"].nunique())
    return counts


@dataclass(frozen=True)
class HeadlineHazardRatio:
    """The randomized comparison a reader of one indication looks for first: its trials'
    primary endpoint, pooled where two or more trials share it, else the one trial's HR."""

    indication: str
    endpoint: str
    rows: pd.DataFrame  # the trial rows behind the number (``trial_rows``)
    pooled: PooledHazardRatio | None

    @property
    def hr(self) -> float:
        return self.pooled.hr if self.pooled else float(self.rows["hr"].iloc[0])

    @property
    def ci(self) -> tuple[float, float]:
        if self.pooled:
            return self.pooled.ci
        return float(self.rows["ci_low"].iloc[0]), float(self.rows["ci_high"].iloc[0])


def headline_hazard_ratios(
    comparisons: pd.DataFrame, pooled: list[PooledHazardRatio]
) -> list[HeadlineHazardRatio]:
    """Per indication with a randomized trial, the endpoint that is primary in most of its
    trials (the trials were designed and powered for it, so it is the standard comparison),
    with the same estimate the durability page gives: the pooled one of ``pooled`` for two or
    more trials, the trial's own row (``trial_rows``) for one."""
    trials = trial_rows(comparisons)
    primary = trials[trials["primary_endpoint"].fillna(False).astype(bool)]
    pools = {(p.indication, p.endpoint): p for p in pooled}
    found = []
    for indication, part in primary.groupby("indication", sort=True):
        tally = part["endpoint"].value_counts()
        endpoint = min(tally.index, key=lambda e: (-tally[e], e))
        pool = pools.get((indication, endpoint))
        rows = pool.rows if pool else part[part["endpoint"] == endpoint].reset_index(drop=True)
        found.append(HeadlineHazardRatio(indication, endpoint, rows, pool))
    return found

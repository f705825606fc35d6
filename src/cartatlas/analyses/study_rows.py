"""One row per study cohort for an endpoint: the evidence a meta-analysis pools.

A study can carry several rows for one endpoint (primary and longer follow-up, IRC and
investigator, infused and enrolled denominators, disagreeing sources). Pooling must take exactly
one per cohort, chosen by a fixed, stated preference, and never a later report of a cohort already
counted (``overlaps_with``), so no patient is counted twice.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from cartatlas.analyses.evidence_kept import kept
from cartatlas.evidence.source_strength import is_secondary
from cartatlas.evidence.source_strength import rank as source_rank
from cartatlas.store import Store
from cartatlas.wording import CODE_WORDS, in_words


@dataclass(frozen=True)
class Endpoint:
    """What a user asks to pool, and which stored rows answer it, in order of preference."""

    name: str
    table: str  # "outcomes" or "safety"
    codes: tuple[str, ...]  # outcome endpoint codes, or safety events
    grade: str | None = None  # safety grade band
    label: str = ""


ENDPOINTS = {
    "ORR": Endpoint("ORR", "outcomes", ("ORR",), label="overall response"),
    "CR": Endpoint("CR", "outcomes", ("CR",), label="complete response"),
    "CRS_any": Endpoint("CRS_any", "safety", ("CRS",), "any", "CRS, any grade"),
    "CRS_3plus": Endpoint("CRS_3plus", "safety", ("CRS",), "3plus", "CRS, grade ≥3"),
    "ICANS_any": Endpoint(
        "ICANS_any", "safety", ("ICANS", "neurotoxicity"), "any", "ICANS / neurotoxicity, any grade"
    ),
    "ICANS_3plus": Endpoint(
        "ICANS_3plus",
        "safety",
        ("ICANS", "neurotoxicity"),
        "3plus",
        "ICANS / neurotoxicity, grade ≥3",
    ),
}

# In B-ALL "complete remission" is reported as CR or CR with incomplete count recovery (CR/CRi);
# the composite is the registrational endpoint, so it is preferred and plain CR is the fallback.
CR_BY_INDICATION = {"B-ALL": ("CR_CRi", "CR")}

#: The primary analysis first, from the paper or, where the regulator printed it, the label's
#: review of it ("label": the registrational primary analysis, read by independent review); a
#: later data cut only for a cohort with neither. Complete responses deepen with follow-up, so a
#: later cut beside other cohorts' primary analyses would not be like for like: it is listed
#: beside the pool (``later_rows``), never pooled in place of the primary analysis.
ANALYSIS_PREFERENCE = ("primary", "label", "longer_follow_up")
LATER = "longer_follow_up"
LATER_RULE = (
    "each pooled cohort enters with its primary analysis (the paper's, or the regulator's label "
    "review of it); responses deepen with follow-up, so a later data cut is shown beside the "
    "pool, not in it"
)
DENOMINATOR_PREFERENCE = ("infused", "evaluable", "enrolled", "randomized")
ASSESSOR_PREFERENCE = ("IRC", "investigator", None)

SELECTION_RULE = (
    "one row per cohort: later reports of a cohort already included are left out; within a "
    "study a row from a secondary page (aggregator, blog) is taken only when the study has no "
    "other row, and a row of one dose level or selected subgroup only when it has no row of its "
    "whole cohort; then the primary analysis (the paper's, then the regulator's label review of "
    "it) is preferred over a later data cut, which is listed beside the pool, not pooled; then "
    "infused patients over evaluable, enrolled and randomized denominators, independent review "
    "over investigator assessment, and then the strongest source (a regulator or label over a "
    "journal, a journal over news or secondary pages)"
)


def treating_countries(countries: object) -> list[str]:
    """The codes of a study's ``countries`` column ("US|DE|FR"): the countries a multinational
    cohort treated patients in; [] when none are recorded, which callers must not read as "none"."""
    if not isinstance(countries, str):
        return []
    return [code for code in countries.split("|") if code]


def in_countries(rows: pd.DataFrame, countries: Collection[str]) -> pd.Series:
    """Rows of cohorts conducted in one of ``countries``, or multinational with treating sites
    recorded in one: the one reading of "did it treat patients there" for claims and answers."""
    wanted = set(countries)
    treated = rows["countries"].map(lambda value: not wanted.isdisjoint(treating_countries(value)))
    return treated.astype(bool) | rows["country_of_conduct"].isin(wanted)


def code_names(codes: object) -> str:
    """The endpoints a set of rows reports, named as printed ("CR/CRi", "CR"), in order."""
    return " or ".join(dict.fromkeys(CODE_WORDS.get(c, str(c)) for c in codes))


def endpoint_codes(endpoint: Endpoint, indication: str) -> tuple[str, ...]:
    if endpoint.name == "CR":
        return CR_BY_INDICATION.get(indication, endpoint.codes)
    return endpoint.codes


def _rank(value: object, order: tuple) -> int:
    return order.index(value) if value in order else len(order)


def candidate_rows(store: Store, indication: str, endpoint: Endpoint) -> pd.DataFrame:
    """Every stored row that could answer ``endpoint`` for ``indication`` (before selection)."""
    codes = endpoint_codes(endpoint, indication)
    marks = ", ".join("?" * len(codes))
    if endpoint.table == "outcomes":
        detail = "o.endpoint AS code, o.assessor, o.denominator, o.subgroup, NULL AS grading, "
        where = f"o.endpoint IN ({marks})"
        params: list = [*codes]
    else:
        detail = (
            "o.event AS code, NULL AS assessor, NULL AS denominator, NULL AS subgroup, o.grading, "
        )
        where = f"o.event IN ({marks}) AND o.grade = ?"
        params = [*codes, endpoint.grade]
    frame = store.frame(
        "SELECT s.study_id, s.name, s.product_id, s.construct_name, s.targets, "
        "s.country_of_conduct, s.countries, s.real_world, s.registrational, s.line_of_therapy, "
        "s.phase, s.population_group, "
        "s.median_follow_up_months, s.overlaps_with, "
        f"{detail} o.analysis, o.n, o.events, o.source_url, o.source_kind, o.doi, o.pmid, "
        "o.source_line "
        f"FROM evidence_{endpoint.table} o JOIN evidence_studies s USING (study_id) "
        f"WHERE s.indication = ? AND {where}",
        [indication, *params],
    )
    frame["code_rank"] = [codes.index(c) for c in frame["code"]]
    return frame


def select_study_rows(candidates: pd.DataFrame) -> pd.DataFrame:
    """Apply ``SELECTION_RULE``: the one preferred row per cohort, in study order."""
    frame = candidates[candidates["overlaps_with"].isna()].copy()
    if frame.empty:
        return frame
    frame["rank"] = list(
        zip(
            [is_secondary(k) for k in frame["source_kind"]],
            frame["subgroup"].notna(),
            frame["code_rank"],
            [_rank(a, ANALYSIS_PREFERENCE) for a in frame["analysis"]],
            [_rank(d, DENOMINATOR_PREFERENCE) for d in frame["denominator"]],
            [_rank(None if pd.isna(a) else a, ASSESSOR_PREFERENCE) for a in frame["assessor"]],
            [source_rank(k) for k in frame["source_kind"]],
            frame["source_line"],
            strict=True,
        )
    )
    chosen = _named(frame.sort_values("rank").groupby("study_id", sort=False).head(1))
    return chosen.drop(columns=["rank", "code_rank"]).sort_values("study_id").reset_index(drop=True)


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``product`` column: the product, else the construct's name."""
    named = frame.copy()
    named["product"] = [
        next((v for v in (product, construct) if isinstance(v, str)), "investigational")
        for product, construct in zip(frame["product_id"], frame["construct_name"], strict=True)
    ]
    return named


def later_rows(candidates: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """The later data cuts (``longer_follow_up``) of each chosen cohort whose chosen row is an
    earlier analysis, for the same endpoint code and whole cohort: listed beside the pool, never
    in it (``ANALYSIS_PREFERENCE``), by study and source order."""
    earlier = chosen.loc[chosen["analysis"] != LATER, ["study_id", "code"]]
    later = candidates[(candidates["analysis"] == LATER) & candidates["subgroup"].isna()]
    later = later.merge(earlier, on=["study_id", "code"])
    return _named(later).drop(columns="code_rank").sort_values(["study_id", "source_line"])


@kept
def later_study_rows(store: Store, indication: str, endpoint: str) -> pd.DataFrame:
    """:func:`later_rows` of :func:`study_rows`' choice, once per evidence version."""
    candidates = candidate_rows(store, indication, ENDPOINTS[endpoint])
    return later_rows(candidates, select_study_rows(candidates)).reset_index(drop=True)


@kept
def study_rows(store: Store, indication: str, endpoint: str) -> pd.DataFrame:
    """The rows a pooling of ``endpoint`` in ``indication`` takes (``SELECTION_RULE``),
    selected once per evidence version (:mod:`~cartatlas.analyses.evidence_kept`)."""
    return select_study_rows(candidate_rows(store, indication, ENDPOINTS[endpoint]))


def studies_without_endpoint(
    store: Store, indication: str, endpoint: str, countries: list[str]
) -> list[str]:
    """Cohorts of ``indication`` conducted in ``countries`` that report other results of the
    same kind but no row for ``endpoint`` ("CARTITUDE-1 (US; reports sCR, ORR)"): a pool that
    silently lacks a pivotal trial would read as the country's answer. Cohorts in special
    populations are not named: no pool would take them (analyses/populations.py)."""
    spec = ENDPOINTS[endpoint]
    codes = endpoint_codes(spec, indication)
    column = "endpoint" if spec.table == "outcomes" else "event"
    marks = ", ".join("?" * len(countries))
    frame = store.frame(
        f"SELECT s.study_id, s.country_of_conduct, o.{column} AS code "
        f"FROM evidence_{spec.table} o JOIN evidence_studies s USING (study_id) "
        f"WHERE s.indication = ? AND s.country_of_conduct IN ({marks}) "
        "AND s.overlaps_with IS NULL AND coalesce(s.population_group, 'standard') = 'standard' "
        "ORDER BY s.country_of_conduct, s.study_id, o.source_line",
        [indication, *countries],
    )
    found = []
    for (study, country), part in frame.groupby(["study_id", "country_of_conduct"], sort=False):
        reported = list(dict.fromkeys(part["code"]))
        if not set(reported) & set(codes):
            found.append(f"{study} ({country}; reports {', '.join(map(in_words, reported))})")
    return found

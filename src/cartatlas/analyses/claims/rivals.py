"""Trial-count claims against more than one country (``Claim.versus``). "China leads the world
in active CAR-T trials" is checked against every country of the registry snapshot, not the US
alone: supported only when the country ranks first, and the verdict names the runner-up. "More
than the combined number of trials in the US and Europe" is checked against the distinct trials
with a site in the US or in a European country (``EUROPE``): a trial with sites in several of
them counts once, as a combined number must."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.claims.check import (
    CONTRADICTED,
    NO_DATA,
    ONGOING_RULE,
    SUPPORTED,
    Verdict,
    in_scope,
)
from cartatlas.analyses.claims.model import Claim
from cartatlas.evidence.jurisdictions import EEA

#: Europe in "the US and Europe": the 27 EU members, the other EEA members (Iceland,
#: Liechtenstein, Norway), the United Kingdom and Switzerland (ISO 3166-1 alpha-2), from the one
#: list of member states the approvals use.
EUROPE = tuple(sorted(EEA | {"GB", "CH"}))
EUROPE_NAME = "Europe = EU/EEA (27 EU members + IS, LI, NO) + GB + CH"

#: How each ``versus`` reads in a claim's label ("trial count, CN vs every country").
VERSUS_LABELS = {"world": "every country", "US_and_Europe": "US + Europe"}


def _ranked(trials: pd.DataFrame) -> pd.Series:
    """Distinct trials per country with a site there, most first (ties by country code)."""
    n = trials.explode("countries").groupby("countries")["nct_id"].nunique()
    n = n[n.index.notna() & (n.index != "")]
    return n.sort_index().sort_values(ascending=False, kind="stable")


def _world(trials: pd.DataFrame, a: str, what: str) -> tuple[str, str]:
    n = _ranked(trials)
    mine = int(n.get(a, 0))
    others = n.drop(a, errors="ignore")
    if others.empty:
        return NO_DATA, f"{what}: no other country in the snapshot"
    top, top_n = str(others.index[0]), int(others.iloc[0])
    counted = f"{len(n)} countries counted"
    if mine > top_n:
        return SUPPORTED, f"{what}: {a} {mine}; next: {top} {top_n}; {counted}"
    rank = 1 + int((others > mine).sum())
    return CONTRADICTED, f"{what}: {a} {mine} (rank {rank}); first: {top} {top_n}; {counted}"


def _us_and_europe(trials: pd.DataFrame, a: str, what: str) -> tuple[str, str]:
    group = {"US", *EUROPE}
    sites = trials["countries"].map(lambda c: set(c) if isinstance(c, list) else set())
    mine = int(trials.loc[sites.map(lambda c: a in c), "nct_id"].nunique())
    theirs = int(trials.loc[sites.map(lambda c: bool(c & group)), "nct_id"].nunique())
    verdict = SUPPORTED if mine > theirs else CONTRADICTED
    return verdict, (
        f"{what}: {a} {mine} vs US + Europe {theirs} (distinct trials with a site in the US or "
        f"Europe, a trial in several counted once; {EUROPE_NAME})"
    )


def versus_counts(claim: Claim, trials: pd.DataFrame | None) -> Verdict:
    """The verdict on a trial count of ``claim.countries[0]`` against ``claim.versus``, over the
    registry's CAR trials (``trials``) of the claim's scope (every one, or those under way)."""
    a = claim.countries[0]
    if claim.versus == "world":
        rule = f"greater: {a} first, above every other country: supported; else contradicted"
    else:
        rule = f"greater: {a} above the US and Europe combined: supported; else contradicted"
    scope = "CAR trials with a site in each country (registry snapshot), "
    scope += f"{a} vs {VERSUS_LABELS[str(claim.versus)]}"
    ongoing = claim.scope == "ongoing_trials"
    scope += f"; {ONGOING_RULE}" if ongoing else ""
    if trials is None:
        return Verdict(
            claim, NO_DATA, "no counts available (load registry data?)", rule, scope=scope
        )
    what = f"{'ongoing ' if ongoing else ''}CAR trials with a site there (registry snapshot)"
    judge = _world if claim.versus == "world" else _us_and_europe
    verdict, evidence = judge(in_scope(trials, claim), a, what)
    return Verdict(claim, verdict, evidence, rule, [], scope)

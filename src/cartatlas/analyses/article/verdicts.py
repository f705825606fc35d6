"""Give every structured claim of an article its verdict by the claims checker's own rules, and
say in one plain sentence what the page says and what the evidence shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from cartatlas.analyses.article.structure import ArticleClaim
from cartatlas.analyses.claims.check import Verdict, check_claim
from cartatlas.analyses.claims.rivals import VERSUS_LABELS
from cartatlas.analyses.populations import is_standard
from cartatlas.analyses.study_rows import ENDPOINTS, in_countries, study_rows
from cartatlas.rounding import half_up
from cartatlas.store import Store

NOT_CHECKABLE = "not checkable"
#: Verdict order of the one-line summary.
ORDER = ("supported", "partly supported", "contradicted", "no data")
_SHORT = {"partly supported": "partly"}


@dataclass
class CheckedClaim:
    item: ArticleClaim
    verdict: Verdict | None
    plain: str

    @property
    def label(self) -> str:
        return self.verdict.verdict if self.verdict else NOT_CHECKABLE


def _product_trial(store: Store, item: ArticleClaim) -> str | None:
    """ "the registrational trial reports 74 of 101 (73%, 95% CI 64–81%)" for a claim about
    one product's rate, from the same study rows the checker reads."""
    from statsmodels.stats.proportion import proportion_confint

    claim = item.claim
    rows = study_rows(store, claim.indication, claim.metric)
    in_country = in_countries(rows, claim.countries)
    rows = rows[(rows["product_id"] == claim.product) & in_country & is_standard(rows)]
    if rows.empty:
        return None
    row = rows.sort_values("registrational", ascending=False, key=lambda s: s.fillna(False)).iloc[0]
    low, high = proportion_confint(int(row["events"]), int(row["n"]), method="beta")
    which = (
        "the registrational trial" if bool(row["registrational"]) else f"study {row['study_id']}"
    )
    return (
        f"{which} reports {int(row['events'])} of {int(row['n'])} "
        f"({half_up(100 * row['events'] / row['n']):.0f}%, "
        f"95% CI {half_up(100 * low):.0f}–{half_up(100 * high):.0f}%) "
        f"for {ENDPOINTS[claim.metric].label} in {claim.indication}"
    )


def _about(item: ArticleClaim) -> str:
    """ " (CR, MM, CN)": what the claim was read as, so the sentence stands on its own."""
    claim = item.claim
    if claim is None:
        return ""
    label = ENDPOINTS[claim.metric].label if claim.metric in ENDPOINTS else claim.metric
    if claim.currency:  # a price in euros is checked in euros: "price eur", not "price usd"
        label = label.removesuffix("_usd") + f" {claim.currency.lower()}"
    joint = " vs " if claim.compare else "/"
    countries = claim.countries + ([VERSUS_LABELS[claim.versus]] if claim.versus else [])
    diseases = " + ".join(d for d in [claim.indication, *(claim.also_in or [])] if d)
    parts = [label.replace("_", " "), diseases, claim.product, claim.trial, joint.join(countries)]
    return " (" + ", ".join(p for p in parts if p) + ")"


def _plain(store: Store, item: ArticleClaim, verdict: Verdict | None) -> str:
    said = f"The article says “{item.finding.words}”" + _about(item)
    if verdict is None:
        return f"{said}; this cannot be checked: {item.reason}."
    claim = item.claim
    if claim.product and claim.metric in ENDPOINTS and not claim.trial:
        trial = _product_trial(store, item)
        if trial:
            tally = verdict.evidence.split(". ")[0]
            return f"{said}; {trial} (its trials there: {tally}). Verdict: {verdict.verdict}."
    return f"{said}; the evidence: {verdict.evidence}. Verdict: {verdict.verdict}."


#: Claims that need the registry's trials (classifying them takes seconds, so only these load it).
REGISTRY_METRICS = ("trial_count", "distinct_targets", "trial_share")
Trials = pd.DataFrame | Callable[[], pd.DataFrame | None] | None


def check_items(store: Store, items: list[ArticleClaim], trials: Trials) -> list[CheckedClaim]:
    """``trials`` is the registry's CAR trials, or a function that loads them when first needed."""
    loaded: list[pd.DataFrame | None] = []

    def registry() -> pd.DataFrame | None:
        if not loaded:
            loaded.append(trials() if callable(trials) else trials)
        return loaded[0]

    checked = []
    # A page repeats itself (the summary and the body say the same); each distinct claim is
    # checked once, which keeps a long page fast (pooling fits a model per claim).
    memo: dict[str, Verdict] = {}
    for item in items:
        verdict = None
        if item.claim:
            key = item.claim.model_dump_json(exclude={"id", "text"})
            if key not in memo:
                needs = item.claim.metric in REGISTRY_METRICS
                memo[key] = check_claim(store, item.claim, registry() if needs else None)
            verdict = replace(memo[key], claim=item.claim)
        checked.append(CheckedClaim(item, verdict, _plain(store, item, verdict)))
    return checked


def summary(checked: list[CheckedClaim]) -> str:
    """ "14 checkable claims: 8 supported, 2 partly, 1 contradicted, 3 no data" (and how many
    more the page makes that could not be structured)."""
    tally = Counter(c.label for c in checked)
    checkable = sum(tally[v] for v in ORDER)
    text = f"{checkable} checkable claims: " + ", ".join(
        f"{tally[v]} {_SHORT.get(v, v)}" for v in ORDER
    )
    if tally[NOT_CHECKABLE]:
        text += f" ({tally[NOT_CHECKABLE]} more not checkable)"
    return text

"""Give each claim a verdict — supported, partly supported, contradicted or no data — with the
numbers behind it and their sources.

Rules (stated in every verdict's ``rule``):

* **range** of a rate or price: the share of the evidence values (one per study, or one per
  price) inside the asserted range decides: at least 75 % supported, 25–75 % partly supported,
  under 25 % contradicted. For rates the pooled estimate is shown too.
* **similar** rates in two countries: the test for a difference between the country pools
  (p ≥ 0.05) and a difference under 10 percentage points support it; p ≥ 0.05 with a larger,
  imprecise difference partly supports it; p < 0.05 contradicts it.
* **greater** (first country above the second): the count in the first country is compared with
  the second; every source agreeing supports it, disagreeing sources make it partly supported.
* **values** (a set of targets): equal sets support, overlapping sets partly support.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cartatlas.analyses.claims.model import RATE_METRICS, Claim, ClaimsFile
from cartatlas.analyses.cost import prices_frame
from cartatlas.analyses.study_rows import study_rows
from cartatlas.analyses.success_rates import pool_by_country
from cartatlas.store import Store

SUPPORTED, PARTLY, CONTRADICTED, NO_DATA = (
    "supported",
    "partly supported",
    "contradicted",
    "no data",
)


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    evidence: str
    rule: str
    sources: list[str] = field(default_factory=list)


def _share_verdict(inside: int, total: int) -> str:
    share = inside / total
    return SUPPORTED if share >= 0.75 else PARTLY if share >= 0.25 else CONTRADICTED


def _in_range(value: float, bounds: tuple[float, float | None]) -> bool:
    low, high = bounds
    return value >= low and (high is None or value <= high)


def _range_text(bounds: tuple[float, float | None], unit: str) -> str:
    low, high = bounds
    return f"≥ {low:,.0f}{unit}" if high is None else f"{low:,.0f}–{high:,.0f}{unit}"


def _rate_rows(store: Store, claim: Claim, country: str) -> pd.DataFrame:
    rows = study_rows(store, claim.indication, claim.metric)
    if claim.product:
        # A claim about one product is checked against that product's own trials in the country.
        in_country = rows["countries"].fillna("").str.split("|").map(lambda c: country in c)
        return rows[
            (rows["product_id"] == claim.product)
            & (in_country | (rows["country_of_conduct"] == country))
        ]
    if claim.scope == "approved_products":
        # Trials of approved products: those with treating sites in the country, single- or
        # multinational (pivotal trials are often multinational).
        in_country = rows["countries"].fillna("").str.split("|").map(lambda c: country in c)
        return rows[rows["product_id"].notna() & ~rows["real_world"].astype(bool) & in_country]
    return rows[rows["country_of_conduct"] == country]


def _rate_range(store: Store, claim: Claim) -> Verdict:
    inside = total = 0
    parts, sources = [], []
    for country in claim.countries:
        rows = _rate_rows(store, claim, country)
        if rows.empty:
            parts.append(f"{country}: no data")
            continue
        rates = 100 * rows["events"] / rows["n"]
        inside += int(sum(_in_range(r, claim.range) for r in rates))
        total += len(rates)
        pooled = pool_by_country(store, claim.indication, claim.metric, [country])
        estimate = ""
        if pooled.result is not None and claim.scope is None and claim.product is None:
            bt = pooled.result.backtransformed()
            estimate = (
                f", pooled {100 * bt.estimate:.0f}% "
                f"(95% CI {100 * bt.ci_low:.0f}–{100 * bt.ci_high:.0f}%)"
            )
        studies = ", ".join(
            f"{name} {r:.0f}%" for name, r in zip(rows["study_id"], rates, strict=True)
        )
        parts.append(f"{country}: {studies}{estimate}")
        sources.extend(rows["source_url"])
    rule = (
        f"share of study rates in {_range_text(claim.range, '%')}: ≥75% supported, "
        "25–75% partly, <25% contradicted"
    )
    if total == 0:
        return Verdict(claim, NO_DATA, "; ".join(parts), rule)
    evidence = f"{inside} of {total} study rates in range. " + "; ".join(parts)
    return Verdict(claim, _share_verdict(inside, total), evidence, rule, sources)


def _rate_similar(store: Store, claim: Claim) -> Verdict:
    pooling = pool_by_country(store, claim.indication, claim.metric, claim.countries)
    rule = (
        "test for a country difference p ≥ 0.05 and difference < 10 points: supported; "
        "p ≥ 0.05 with a larger difference: partly; p < 0.05: contradicted"
    )
    groups = pooling.by_country
    if len(groups) < 2:
        return Verdict(
            claim,
            NO_DATA,
            f"studies in {', '.join(groups) or 'no country'} only; "
            f"no data for {', '.join(pooling.missing)}",
            rule,
        )
    estimates = {c: r.backtransformed() for c, r in groups.items()}
    a, b = claim.countries[:2]
    gap = abs(estimates[a].estimate - estimates[b].estimate) * 100
    p = pooling.result.subgroups.q_between_p
    verdict = CONTRADICTED if p < 0.05 else SUPPORTED if gap < 10 else PARTLY
    evidence = (
        "; ".join(
            f"{c} {100 * e.estimate:.0f}% (95% CI {100 * e.ci_low:.0f}–{100 * e.ci_high:.0f}%, "
            f"k={groups[c].k})"
            for c, e in estimates.items()
        )
        + f"; difference {gap:.0f} points, p = {p:.3g} ({pooling.method_note})"
    )
    return Verdict(claim, verdict, evidence, rule, list(pooling.rows["source_url"]))


def _prices(store: Store, claim: Claim) -> Verdict:
    frame = prices_frame(store, claim.countries)
    kinds = (
        ["total_cost_of_care"]
        if claim.metric == "total_cost_usd"
        else ["list", "WAC", "insurance_negotiated"]
    )
    frame = frame[frame["kind"].isin(kinds) & frame["usd"].notna()]
    if claim.scope == "domestic_products":
        _, rows = store.query("SELECT product_id, developer_country FROM evidence_products")
        home = dict(rows)
        frame = frame[
            [home.get(p) == c for p, c in zip(frame["product_id"], frame["country"], strict=True)]
        ]
    rule = (
        f"share of USD prices in {_range_text(claim.range, ' USD')}: ≥75% supported, "
        "25–75% partly, <25% contradicted"
    )
    if frame.empty:
        return Verdict(claim, NO_DATA, "no converted price recorded", rule)
    inside = int(sum(_in_range(v, claim.range) for v in frame["usd"]))
    evidence = f"{inside} of {len(frame)} prices in range: " + "; ".join(
        f"{r.product_id} {r.country} {int(r.year) if pd.notna(r.year) else ''} {r.usd:,.0f} USD"
        for r in frame.itertuples()
    )
    return Verdict(
        claim, _share_verdict(inside, len(frame)), evidence, rule, list(frame["source_url"])
    )


def _approvals(store: Store, claim: Claim) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    marks = ", ".join("?" * len(claim.countries))
    _, rows = store.query(
        "SELECT a.country, p.product_id, p.targets, a.source_url FROM evidence_approvals a "
        f"JOIN evidence_products p USING (product_id) WHERE a.country IN ({marks})",
        claim.countries,
    )
    products: dict[str, set[str]] = {c: set() for c in claim.countries}
    targets: dict[str, set[str]] = {c: set() for c in claim.countries}
    for country, product, target_list, _url in rows:
        products[country].add(product)
        targets[country].update(target_list.split("|"))
    return products, targets


def _counts(claim: Claim, store: Store, trials: pd.DataFrame | None) -> Verdict:
    a, b = claim.countries[:2]
    comparisons: list[tuple[str, float, float, str | None]] = []
    if claim.metric == "approved_products":
        products, _ = _approvals(store, claim)
        comparisons.append(
            ("approved products (knowledge base)", len(products[a]), len(products[b]), None)
        )
    if claim.metric in ("trial_count", "distinct_targets") and trials is not None:
        exploded = trials.explode("countries")
        if claim.metric == "trial_count":
            n = exploded.groupby("countries")["nct_id"].nunique()
            comparisons.append(
                ("CAR trials with a site there (registry snapshot)", n.get(a, 0), n.get(b, 0), None)
            )
        else:
            t = exploded.explode("targets").groupby("countries")["targets"].nunique()
            comparisons.append(
                ("distinct CAR targets in registered trials", t.get(a, 0), t.get(b, 0), None)
            )
    if claim.metric == "trial_count":
        _, rows = store.query(
            "SELECT x.registry, x.as_of, x.count, y.count, x.source_url FROM evidence_trial_counts "
            "x JOIN evidence_trial_counts y ON x.registry = y.registry AND x.as_of = y.as_of "
            "AND x.source_url = y.source_url WHERE x.country = ? AND y.country = ?",
            (a, b),
        )
        comparisons.extend(
            (f"published count, {reg} as of {as_of}", ca, cb, url)
            for reg, as_of, ca, cb, url in rows
        )
    rule = f"{a} above {b} in every source: supported; in some: partly; in none: contradicted"
    if not comparisons:
        return Verdict(claim, NO_DATA, "no counts available (load registry data?)", rule)
    agree = sum(x > y for _, x, y, _ in comparisons)
    verdict = SUPPORTED if agree == len(comparisons) else CONTRADICTED if agree == 0 else PARTLY
    evidence = "; ".join(f"{label}: {a} {x:g} vs {b} {y:g}" for label, x, y, _ in comparisons)
    return Verdict(claim, verdict, evidence, rule, [u for *_, u in comparisons if u])


def _target_set(store: Store, claim: Claim) -> Verdict:
    _, targets = _approvals(store, claim)
    found = set().union(*targets.values())
    asserted = set(claim.values or [])
    rule = "same set: supported; overlapping: partly; disjoint: contradicted"
    if not found:
        return Verdict(claim, NO_DATA, "no approvals recorded", rule)
    verdict = SUPPORTED if found == asserted else PARTLY if found & asserted else CONTRADICTED
    return Verdict(
        claim, verdict, f"targets of approved products: {', '.join(sorted(found))}", rule
    )


def check_claim(store: Store, claim: Claim, trials: pd.DataFrame | None = None) -> Verdict:
    from cartatlas.analyses.claims import stated_values

    if claim.metric == "approval_date":
        return stated_values.approval_date(store, claim)
    if claim.metric == "price_discount":
        return stated_values.price_discount(store, claim)
    if claim.metric == "trial_share":
        return stated_values.trial_share(claim, trials)
    if claim.metric in ("approved_products", "trial_count") and claim.range:
        return stated_values.count_in_range(store, claim, trials)
    if claim.metric in RATE_METRICS:
        return _rate_similar(store, claim) if claim.compare else _rate_range(store, claim)
    if claim.metric in ("price_usd", "total_cost_usd"):
        return _prices(store, claim)
    if claim.metric == "approved_targets":
        return _target_set(store, claim)
    return _counts(claim, store, trials)


def check_claims(
    store: Store, claims: ClaimsFile, trials: pd.DataFrame | None = None
) -> list[Verdict]:
    return [check_claim(store, claim, trials) for claim in claims.claims]

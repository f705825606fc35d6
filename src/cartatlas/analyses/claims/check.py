"""Give each claim a verdict — supported, partly supported, contradicted or no data — with the
numbers behind it, their sources, the rule applied and the scope actually checked.

One rule per kind of assertion (each verdict states its rule in ``rule`` and what it looked at
in ``scope``):

* **range** of a rate or price: each evidence value (one per study, or one per price: a price
  several sources report counts once, ``ONE_PER_AMOUNT_RULE``) is rounded
  to the precision the claim's bounds were written in (52–73 % → whole percent, so 51.6 % counts
  as 52 %) and tested against the bounds; the share inside decides: at least 75 % supported,
  25–75 % partly supported, under 25 % contradicted. For rates the pooled estimate is shown too.
  A price figure stands for ±1 % of itself (``PRICE_ROUNDING_RULE``); a single price holds when
  a recorded price is at it. An open range whose top the claim names ("30% to over 60%",
  ``top_over``) is checked at both ends (``range_verdict``).
* **similar** rates in two countries: no significant difference is not evidence of similarity,
  so the claim is supported only when the 95 % CI of the difference between the two countries'
  rates lies within the equivalence margin of ±10 percentage points. The CI is Newcombe's
  hybrid (MOVER) interval built from each country's own 95 % CI (pooled when it has several
  studies, exact Clopper–Pearson for one). A CI reaching past the margin is only partly
  supported ("similarity not shown"), with the largest difference the data cannot rule out;
  p < 0.05 (the named test of ``CountryPooling.comparison``) contradicts it unless the CI is
  within the margin.
* **greater** / **less** (the first country above / below the second): for rates, the first
  country's estimate on the claimed side with p < 0.05 supports it, on the claimed side with
  p ≥ 0.05 partly supports it, on the other side (or equal) contradicts it. For counts, every
  source on the claimed side supports it, some partly, none contradicts it.
* **values** (a set of targets): equal sets support, overlapping sets partly support, disjoint
  sets contradict.

A rate claim without an indication is checked in every indication with evidence, and its
verdict combines theirs (all alike: that verdict; otherwise partly supported). Safety rates follow
the grading rule of :data:`~cartatlas.analyses.success_rates.GRADING_RULE`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pandas as pd

from cartatlas.analyses.approvals import raw_approvals
from cartatlas.analyses.article.parse_numbers import APPROXIMATE_BAND
from cartatlas.analyses.claims.model import RATE_METRICS, Claim, ClaimsFile, ClaimsFileError
from cartatlas.analyses.cost import in_currency, prices_frame
from cartatlas.analyses.headline_prices import (
    HEADLINE_PRICE_RULE,
    ONE_PER_AMOUNT_RULE,
    headline_prices,
    one_per_amount,
)
from cartatlas.analyses.populations import is_standard
from cartatlas.analyses.study_rows import (
    ANALYSIS_PREFERENCE,
    ENDPOINTS,
    candidate_rows,
    in_countries,
    study_rows,
)
from cartatlas.analyses.success_rates import (
    CountryPooling,
    CountrySummary,
    absent_reason,
    pool_by_country,
    pool_rows,
    poolable,
)
from cartatlas.evidence.queries import exact_ci
from cartatlas.evidence.source_strength import SECONDARY_ONLY, is_weak, on_secondary_pages
from cartatlas.rounding import EXACT, half_up
from cartatlas.store import Store
from cartatlas.wording import in_words, part_of

SUPPORTED, PARTLY, CONTRADICTED, NO_DATA = (
    "supported",
    "partly supported",
    "contradicted",
    "no data",
)
SIMILAR_POINTS = 10  # equivalence margin: "similar" needs the difference CI within ±this
#: After a value read only on a news or secondary page, wherever a verdict's evidence lists it.
WEAK_MARK = " (news or secondary source)"


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    evidence: str
    rule: str
    sources: list[str] = field(default_factory=list)
    scope: str = ""


def decimals(bound: float) -> int:
    """Decimal places a bound was written with: 52 → 0, 52.5 → 1 (YAML keeps no trailing 0s);
    from the exponent, as Python writes 1e+20 and 5e-07 without a point."""
    exponent = Decimal(repr(float(bound))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def _share_verdict(inside: int, total: int) -> str:
    share = inside / total
    return SUPPORTED if share >= 0.75 else PARTLY if share >= 0.25 else CONTRADICTED


def _in_range(value: float, bounds: tuple[float, float | None]) -> bool:
    """``value`` inside ``bounds`` once rounded to the precision each bound was written in."""
    low, high = bounds
    return half_up(value, decimals(low)) >= low and (
        high is None or half_up(value, decimals(high)) <= high
    )


#: Claims stated in money (US dollars).
MONEY_METRICS = ("price_usd", "total_cost_usd")
#: A money figure written without "about" stands for ±this share of itself: pages print prices
#: rounded (Kymriah's and Tecartus's $373,000 list price is written "$375,000"), and a dollar
#: figure's trailing zeros do not say to what. A rate stands for its printed precision instead.
PRICE_ROUNDING = 0.01
PRICE_ROUNDING_RULE = (
    f"a price figure stands for ±{PRICE_ROUNDING:.0%} of itself (pages print prices rounded: "
    f"$373,000 is written $375,000), ±{APPROXIMATE_BAND:.0%} when written with 'about'; a rate "
    "stands for its printed precision (30% → 29.5–30.5%), ±10% with 'about'"
)


def _band(claim: Claim) -> float | None:
    """The share of itself a stated figure stands for: ±10 % with "about", ±1 % for a price
    figure without it (``PRICE_ROUNDING_RULE``); None: the printed precision (rates, counts)."""
    if claim.about:
        return APPROXIMATE_BAND
    return PRICE_ROUNDING if claim.metric in MONEY_METRICS else None


def _outward(bound: float, factor: float, rounding: str) -> float:
    """``bound × factor``, rounded outward to the precision ``bound`` was written in."""
    step = Decimal(1).scaleb(-decimals(bound))
    return float(Decimal(repr(round(bound * factor, 6))).quantize(step, rounding, EXACT))


def claim_bounds(claim: Claim) -> tuple[float, float | None]:
    """The range a verdict tests: as written, or widened outward by the share its figures stand
    for (``_band``: ±10 % with "about", "about 52–73 %" → 46–81 %; ±1 % for a price figure,
    "$375,000" → from $371,250), to the precision they were written in."""
    low, high = claim.range
    band = _band(claim)
    if band is None:
        return low, high
    wide_low = _outward(low, 1 - band, ROUND_FLOOR)
    return wide_low, None if high is None else _outward(high, 1 + band, ROUND_CEILING)


def _range_text(bounds: tuple[float, float | None], unit: str) -> str:
    low, high = bounds
    places = max(decimals(b) for b in bounds if b is not None)
    if high is None:
        return f"≥ {low:,.{places}f}{unit}"
    if high == low:
        return f"{low:,.{places}f}{unit}"
    return f"{low:,.{places}f}–{high:,.{places}f}{unit}"


def _band_note(claim: Claim, unit: str) -> str:
    """ "the stated 375,000 USD ±1%, …": what the tested range was widened from, and why."""
    band = _band(claim)
    if band is None:
        return ""
    why = "as it is written with 'about'" if claim.about else "as pages print prices rounded"
    return f"the stated {_range_text(claim.range, unit)} ±{band:.0%}, {why}"


def _tested(claim: Claim, unit: str) -> str:
    """ "≥ 371,250 USD: the stated ≥ 375,000 USD ±1%, …": the range a verdict tests."""
    note = _band_note(claim, unit)
    return _range_text(claim_bounds(claim), unit) + (f": {note}" if note else "")


def _range_rule(claim: Claim, unit: str, what: str) -> str:
    bounds = claim_bounds(claim)
    places = max(decimals(b) for b in bounds if b is not None)
    top = (
        f"; the top of the range, over {_figure(claim.top_over, unit, stated=True)}, is its "
        "other end: some value must reach it (read as the bounds are); supported only when both "
        "ends hold, partly when one does"
        if claim.top_over is not None
        else ""
    )
    money = f"; {PRICE_ROUNDING_RULE}" if claim.metric in MONEY_METRICS else ""
    return (
        f"range: share of {what} in {_tested(claim, unit)}; each rounded to "
        + ("whole numbers" if places == 0 else f"{places} decimal places")
        + " as the claim is written: "
        f"≥75% supported, 25–75% partly, <25% contradicted{top}{money}"
    )


def _figure(value: float, unit: str, stated: bool = False) -> str:
    """A value as a verdict prints it: a rate to one decimal (56.0%), or as the claim states it
    (60%); money and counts grouped (487,477 USD, 663)."""
    if unit == "%":
        return f"{value:g}%" if stated else f"{value:.1f}%"
    return f"{value:,.0f}{unit}"


def _reaches_top(claim: Claim, values: Iterable[float]) -> bool:
    """Whether some value goes beyond the top an open range names (``top_over``), the figure
    read as the range's bounds are (``claim_bounds``: ±1 % for a price, ±10 % with "about")."""
    top = claim_bounds(claim.model_copy(update={"range": (claim.top_over, None)}))
    return any(_in_range(v, top) for v in values)


def range_verdict(claim: Claim, values: list[float], unit: str) -> tuple[str, int, str]:
    """(verdict, values in range, what the ends show) of a range claim over ``values``.

    The share in range tests the range as written; an open range whose top the claim also names
    ("from 30% to over 60%", "$375,000 to over $500,000": ``top_over``) asserts a second thing,
    that its top goes beyond that figure, tested on the highest value. Both ends holding
    supports it; one end alone (the share rule supported or partly, or the top reached) is
    partly supported, with the reason; neither contradicts it."""
    bounds = claim_bounds(claim)
    inside = sum(_in_range(v, bounds) for v in values)
    share = _share_verdict(inside, len(values))
    if claim.top_over is None:
        return share, inside, ""
    reached = _reaches_top(claim, values)
    highest = _figure(max(values), unit)
    top = f"over {_figure(claim.top_over, unit, stated=True)}"
    if reached:
        verdict = SUPPORTED if share == SUPPORTED else PARTLY
        ends = "both ends hold" if share == SUPPORTED else "only the top end holds"
        return verdict, inside, f"; the top, {top}, is reached (highest {highest}): {ends}"
    verdict = CONTRADICTED if share == CONTRADICTED else PARTLY
    ends = "neither end holds" if share == CONTRADICTED else "only the lower end holds"
    return verdict, inside, f"; the top, {top}, is not reached (highest {highest}): {ends}"


def _rate_rows(
    store: Store, claim: Claim, indication: str, country: str, counted: bool = True
) -> pd.DataFrame:
    """The study rows a verdict counts; rows read only on secondary pages never count
    (``HEADLINE_SOURCE_RULE``), nor do cohorts in special populations (``POPULATION_RULE``).
    ``counted=False``: the claim's rows of the standard population read only on secondary
    pages, which a "no data" verdict names so that it does not read as an oversight."""

    def kept(rows: pd.DataFrame) -> pd.DataFrame:
        return rows[poolable(rows) if counted else on_secondary_pages(rows) & is_standard(rows)]

    if claim.trial:
        # "Cilta-cel achieved a CR in 67% in CARTITUDE-1" was met by a real-world study's 70%:
        # every analysis of the named trial's whole cohort, in the order a pool prefers them.
        rows = candidate_rows(store, indication, ENDPOINTS[claim.metric])
        rows = rows[(rows["study_id"] == claim.trial) & rows["subgroup"].isna()]
        return kept(rows.sort_values("analysis", key=lambda a: a.map(ANALYSIS_PREFERENCE.index)))
    rows = kept(study_rows(store, indication, claim.metric))
    if claim.product:
        # A claim about one product is checked against that product's own trials in the country.
        return rows[(rows["product_id"] == claim.product) & in_countries(rows, [country])]
    if claim.scope == "approved_products":
        # Trials of the products approved in the country with treating sites there, single- or
        # multinational (pivotal trials are often multinational).
        approved = _approved_in(store, country)
        return rows[
            rows["product_id"].isin(approved)
            & ~rows["real_world"].astype(bool)
            & in_countries(rows, [country])
        ]
    return rows[rows["country_of_conduct"] == country]


def _uncounted_rates(store: Store, claim: Claim, indication: str, country: str) -> str:
    """ " (only secondary pages report it: AxiCel-RW-China 58.4% (59/101, …), not counted for
    a verdict)", or "": why "no data" stands beside a study that reports the claim's rate."""
    weak = _rate_rows(store, claim, indication, country, counted=False)
    if weak.empty:
        return ""
    studies = ", ".join(
        f"{name} {_study_rate(int(x), int(n))}"
        for name, x, n in zip(weak["study_id"], weak["events"], weak["n"], strict=True)
    )
    return f" (only secondary pages report it: {studies}; not counted for a verdict)"


def _approved_in(store: Store, country: str) -> set[str]:
    """The products approved in ``country``, an EU (EMA) approval counting in every EEA state
    (``raw_approvals``, as every other answer about approvals reads them)."""
    return set(raw_approvals(store, [country])["product_id"])


def _approved_pooling(store: Store, claim: Claim, indication: str) -> CountryPooling:
    """Each country's rate over the trials of the products approved there ("their respective
    approved products", ``_rate_rows``); a trial with treating sites in both countries is left
    out of both, as its patients cannot be told apart."""
    a, b = claim.countries[:2]
    sides = {c: _rate_rows(store, claim, indication, c) for c in (a, b)}
    shared = set(sides[a]["study_id"]) & set(sides[b]["study_id"])
    rows = pd.concat(
        [part.assign(country=c, label=part["study_id"]) for c, part in sides.items()],
        ignore_index=True,
    )
    pooling = pool_rows(rows[~rows["study_id"].isin(shared)], indication, claim.metric, [a, b])
    pooling.method_note += (
        f"; left out, with sites in both countries: {', '.join(sorted(shared))}" if shared else ""
    )
    return pooling


def _rate_scope(claim: Claim, indications: list[str]) -> str:
    label = ENDPOINTS[claim.metric].label  # "CRS, any grade" needs no code "(CRS_any)" after it
    what = label if "_" in claim.metric else f"{label} ({claim.metric})"
    where = (
        f"indication {' and '.join(indications) if claim.also_in else claim.indication}"
        if claim.indication  # also when neither country has data for it
        else f"every indication with evidence ({', '.join(indications) or 'none'})"
    )
    if claim.product:
        studies = f"trials of {claim.product} conducted in or with a site in " + " / ".join(
            claim.countries
        )
    elif claim.scope == "approved_products":
        studies = (
            "trials of the products approved in "
            + " / ".join(claim.countries)
            + ", each with a treating site there (single- or multinational; real-world cohorts "
            "excluded"
            + ("; a trial with sites in both countries is left out)" if claim.compare else ")")
        )
    else:
        studies = "studies conducted in " + " vs ".join(claim.countries) + " (country of conduct)"
    return f"{what}, {where}, {studies}"


def _estimate_text(summary, weak: list[str] | None = None) -> str:
    """ "pooled 89% (95% CI 85–92%, k=4)", naming the studies among the k read on a news or
    secondary page (``weak``), so a weak source behind a pooled rate is marked as in a list."""
    kind = "pooled" if summary.k > 1 else "single study"
    marked = f"; {', '.join(weak)} from a news or secondary source" if weak else ""
    return (
        f"{kind} {_pct(summary.estimate)} "
        f"(95% CI {_pct(summary.ci_low, '')}–{_pct(summary.ci_high)}, k={summary.k}{marked})"
    )


def _study_rate(events: int, n: int) -> str:
    """ "39.8% (37/93, 95% CI 30–50%)": a study's rate with its counts and exact interval, as
    every proportion is shown (``evidence.queries.exact_ci``)."""
    low, high = exact_ci(events, n)  # in percent
    rate = half_up(100 * events / n, 1)
    return f"{rate:.1f}% ({events}/{n}, 95% CI {half_up(low):.0f}–{half_up(high):.0f}%)"


def _pct(share: float, unit: str = "%") -> str:
    """A proportion in whole percent, rounded half up as a paper prints it (``half_up``)."""
    return f"{half_up(100 * share):.0f}{unit}"


def _weak_studies(rows: pd.DataFrame, country: str) -> list[str]:
    """The studies of ``country`` among a pooling's rows whose row is from a news page."""
    mine = rows[rows["country"] == country]
    return [s for s, k in zip(mine["study_id"], mine["source_kind"], strict=True) if is_weak(k)]


def _rate_range(store: Store, claim: Claim) -> Verdict:
    rates: list[float] = []
    parts, sources = [], []
    diseases = [claim.indication, *(claim.also_in or [])]
    countries = claim.countries
    if claim.trial:  # the trial's own rows, once whatever the countries
        diseases, countries = [claim.indication], claim.countries[:1]
    for indication, country in ((i, c) for i in diseases for c in countries):
        where = claim.trial or (f"{country} {indication}" if len(diseases) > 1 else country)
        rows = _rate_rows(store, claim, indication, country)
        if rows.empty:
            lacking = (
                f" (no {ENDPOINTS[claim.metric].label} of its whole cohort recorded)"
                if claim.trial
                else ""
            )
            weak = _uncounted_rates(store, claim, indication, country)
            parts.append(f"{where}: no data{lacking}{weak}")
            continue
        rates.extend(100 * rows["events"] / rows["n"])
        if claim.trial:
            parts.append(f"{where}: {_trial_analyses(rows)}")
            sources.extend(rows["source_url"])
            continue
        estimate = ""
        if claim.scope is None and claim.product is None:
            pooled = pool_by_country(store, indication, claim.metric, [country])
            if country in pooled.summaries:
                estimate = ", " + _estimate_text(pooled.summaries[country])
        studies = ", ".join(
            f"{name} {_study_rate(int(x), int(n))}" + (WEAK_MARK if is_weak(kind) else "")
            for name, x, n, kind in zip(
                rows["study_id"], rows["events"], rows["n"], rows["source_kind"], strict=True
            )
        )
        parts.append(f"{where}: {studies}{estimate}")
        sources.extend(rows["source_url"])
    rule = _range_rule(claim, "%", "study rates")
    scope = _rate_scope(claim, diseases)
    if not rates:
        return Verdict(claim, NO_DATA, "; ".join(parts), rule, scope=scope)
    if claim.trial:
        verdict, inside, ends = _any_analysis(claim, rates)
        rule = TRIAL_RULE
        what = "analysis"
    else:
        verdict, inside, ends = range_verdict(claim, rates, "%")
        what = "study rate"
    plural = "analyses" if claim.trial else None
    evidence = f"{part_of(inside, len(rates), what, plural)} in range{ends}. " + "; ".join(parts)
    return Verdict(claim, verdict, evidence, rule, sources, scope)


#: How a rate said of one named trial is judged: each of its analyses of the whole cohort is a
#: published answer (primary, longer follow-up, label), so one at the figure supports it.
TRIAL_RULE = (
    "a rate said of one trial: supported when one of its analyses of the whole cohort (primary, "
    "longer follow-up, label) is in range; partly when the figure lies between them; "
    "contradicted when outside them all"
)
#: A trial's analyses in words (``wording.in_words`` reads "longer follow up", "label").
ANALYSIS_WORDS = {"longer_follow_up": "longer follow-up", "label": "label (regulator's review)"}


def _trial_analyses(rows: pd.DataFrame) -> str:
    """ "primary 54.5% (55/101, …); longer follow-up 58.4% (59/101, …)": each analysis of a
    named trial with its counts, exact CI and source strength."""
    return "; ".join(
        f"{ANALYSIS_WORDS.get(analysis, analysis)} {_study_rate(int(x), int(n))}"
        + (WEAK_MARK if is_weak(kind) else "")
        for analysis, x, n, kind in zip(
            rows["analysis"], rows["events"], rows["n"], rows["source_kind"], strict=True
        )
    )


def _any_analysis(claim: Claim, rates: list[float]) -> tuple[str, int, str]:
    """(verdict, analyses in range, why) under ``TRIAL_RULE``."""
    bounds = claim_bounds(claim)
    inside = sum(_in_range(rate, bounds) for rate in rates)
    if inside:
        return SUPPORTED, inside, ""
    low, high = bounds
    among = low >= min(rates) and (high is None or high <= max(rates))
    return (PARTLY, 0, " (between its analyses)") if among else (CONTRADICTED, 0, "")


def _compare_rule(kind: str, a: str, b: str) -> str:
    if kind == "similar":
        return (
            f"similar: 95% CI of the difference {a} − {b} (Newcombe/MOVER from each country's "
            f"95% CI) within the equivalence margin ±{SIMILAR_POINTS} points: supported; "
            "CI reaching past the margin: partly (similarity not shown — no significant "
            "difference is not proof of equality); test for a difference p < 0.05 and CI past "
            "the margin: contradicted"
        )
    side = "above" if kind == "greater" else "below"
    return (
        f"{kind}: {a} {side} {b} with p < 0.05: supported; {side} with p ≥ 0.05: partly; "
        f"not {side}: contradicted"
    )


def difference_ci(first: CountrySummary, second: CountrySummary) -> tuple[float, float]:
    """95% CI of ``first − second`` in percentage points: Newcombe's hybrid (MOVER) interval,
    which combines each rate's own CI, so a wide (few-patient or heterogeneous) country widens
    it as it should, and it needs nothing beyond what every surface already shows."""
    gap = first.estimate - second.estimate
    low = gap - math.hypot(first.estimate - first.ci_low, second.ci_high - second.estimate)
    high = gap + math.hypot(first.ci_high - first.estimate, second.estimate - second.ci_low)
    return 100 * low, 100 * high


def _similar(pooling: CountryPooling, a: str, b: str) -> str:
    low, high = difference_ci(pooling.summaries[a], pooling.summaries[b])
    if low > -SIMILAR_POINTS and high < SIMILAR_POINTS:
        return SUPPORTED
    return CONTRADICTED if pooling.comparison.p < 0.05 else PARTLY


def points(value: float, sign: str = "") -> str:
    """A difference in points, to whole points unless rounding would carry it onto the margin
    (9.75 shown as "10" next to "within ±10" would contradict the verdict beside it): then to
    one decimal, "9.8"."""
    whole = f"{value:{sign}.0f}"
    return whole if abs(round(value)) != SIMILAR_POINTS else f"{value:{sign}.1f}"


def _similar_reason(verdict: str, low: float, high: float) -> str:
    """Plain words for a "similar" verdict: what the difference CI shows against the margin."""
    if verdict == SUPPORTED:
        return f"the difference lies within ±{SIMILAR_POINTS} points"
    widest = points(max(abs(low), abs(high)))
    if verdict == PARTLY:
        return (
            "similarity not shown: no significant difference, but the data cannot rule out a "
            f"difference of up to {widest} points (margin ±{SIMILAR_POINTS})"
        )
    return f"the rates differ, by up to {widest} points (margin ±{SIMILAR_POINTS})"


def _compare_pooling(kind: str, pooling: CountryPooling, a: str, b: str) -> str:
    """The verdict of one indication's pooling under the ``kind`` rule (data for a and b)."""
    if kind == "similar":
        return _similar(pooling, a, b)
    gap = 100 * (pooling.summaries[a].estimate - pooling.summaries[b].estimate)
    p = pooling.comparison.p
    on_side = gap > 0 if kind == "greater" else gap < 0
    return (SUPPORTED if p < 0.05 else PARTLY) if on_side else CONTRADICTED


def _indications(store: Store, claim: Claim) -> list[str]:
    if claim.indication:
        return [claim.indication]
    _, rows = store.query("SELECT DISTINCT indication FROM evidence_studies ORDER BY 1")
    return [r[0] for r in rows if r[0]]


def _multinational_note(store: Store, indication: str, endpoint: str, missing: list[str]) -> str:
    """ " (ZUMA-3, with sites in US, is multinational: counted for no country)", or "": a
    country with no cohort of its own may have treated patients in a multinational trial that
    reports the measure, and "no data for US" alone would read as if nothing were known."""
    rows = study_rows(store, indication, endpoint)
    rows = rows[rows["country_of_conduct"] == "multinational"]
    named = []
    for country in missing:
        studies = sorted(set(rows.loc[in_countries(rows, [country]), "study_id"]))
        if studies:
            verb = "is" if len(studies) == 1 else "are"
            named.append(
                f"{', '.join(studies)}, with sites in {country}, {verb} multinational: "
                "counted for no country"
            )
    return f" ({'; '.join(named)})" if named else ""


def _rate_compare(store: Store, claim: Claim) -> Verdict:
    a, b = claim.countries[:2]
    rule = _compare_rule(claim.compare, a, b)
    verdicts, parts, sources, checked = [], [], [], []
    for indication in _indications(store, claim):
        pooling = (
            _approved_pooling(store, claim, indication)
            if claim.scope == "approved_products"
            else pool_by_country(store, indication, claim.metric, [a, b])
        )
        if pooling.rows.empty and not pooling.refusal and len(pooling.missing) == 2:
            continue  # nothing in either country: not part of what was checked
        checked.append(indication)
        if pooling.comparison is None:
            weak = [c for c in pooling.missing if absent_reason(pooling, c) == SECONDARY_ONLY]
            reason = (
                f"no data for {', '.join(pooling.missing)}"
                + (f" ({', '.join(weak)}: only secondary sources)" if weak else "")
                + _multinational_note(store, indication, claim.metric, pooling.missing)
                if pooling.missing
                else pooling.refusal
            )
            parts.append(f"{indication}: {reason}")
            continue
        verdict = _compare_pooling(claim.compare, pooling, a, b)
        verdicts.append(verdict)
        s_a, s_b = pooling.summaries[a], pooling.summaries[b]
        gap = 100 * (s_a.estimate - s_b.estimate)
        low, high = difference_ci(s_a, s_b)
        interval = (
            f" (95% CI {points(low, '+')} to {points(high, '+')})"
            if claim.compare == "similar"
            else ""
        )
        reason = f": {_similar_reason(verdict, low, high)}" if claim.compare == "similar" else ""
        parts.append(
            f"{indication}: {a} {_estimate_text(s_a, _weak_studies(pooling.rows, a))}; "
            f"{b} {_estimate_text(s_b, _weak_studies(pooling.rows, b))}; "
            f"difference {gap:+.0f} points{interval}, p = {pooling.comparison.p:.3g} "
            f"({pooling.comparison.test}; {pooling.method_note}) → {verdict}{reason}"
        )
        sources.extend(pooling.rows["source_url"])
    scope = _rate_scope(claim, checked)
    if not verdicts:
        # Rows that exist but cannot be compared (grading systems) are not an empty evidence base.
        refused = any(": not pooled: " in part for part in parts)
        evidence = ("no comparable data: " if refused else "") + ("; ".join(parts) or "no data")
        return Verdict(claim, NO_DATA, evidence, rule, scope=scope)
    combined = verdicts[0] if len(set(verdicts)) == 1 else PARTLY
    return Verdict(claim, combined, "; ".join(parts), rule, sources, scope)


IN_FORCE_RULE = (
    "prices in force: for each product, indication and country only its latest year's prices up "
    "to the claim's date (a launch price a later one replaced is not what the product costs); "
    "a later price whose source names no indication replaces the product's earlier ones in "
    "every indication"
)


def in_force(prices: pd.DataFrame, as_of: str | None) -> pd.DataFrame:
    """The rows of ``prices`` (a ``prices_frame``) in force at ``as_of`` (YYYY[-MM[-DD]]; None:
    the latest recorded), by ``IN_FORCE_RULE``: the year is a price's only date."""
    if as_of:
        prices = prices[prices["year"] <= int(as_of[:4])]
    product = ["country", "product_id"]
    latest = prices.groupby([*product, "indication"], dropna=False)["year"].transform("max")
    general = prices[prices["indication"].isna()].groupby(product)["year"].max()
    replaced_by = pd.Series(
        [general.get((c, p)) for c, p in zip(prices["country"], prices["product_id"], strict=True)],
        index=prices.index,
        dtype=float,
    )
    superseded = prices["indication"].notna() & (prices["year"] < replaced_by)
    return prices[(prices["year"] == latest) & ~superseded]


#: How a price claim stated in another currency than the US dollar is compared.
STATED_CURRENCY_RULE = (
    "a price stated in another currency is checked in that currency: a price recorded in it at "
    "its own amount, any other through US dollars at the rate of the price's own year (the "
    "latest recorded for a later year), never at one rate for every year"
)


def _prices(store: Store, claim: Claim) -> Verdict:
    every = _claimed_products(store, claim, prices_frame(store, claim.countries))
    kinds = (
        ["total_cost_of_care"]
        if claim.metric == "total_cost_usd"
        else ["list", "WAC", "insurance_negotiated"]
    )
    unit = claim.currency or "USD"
    frame = one_per_amount(in_force(headline_prices(every, tuple(kinds)), claim.as_of))
    frame = frame.assign(stated=in_currency(store, frame, unit))
    scope = (  # the kinds in words ("insurance-negotiated"), not their codes
        "total cost of care"
        if claim.metric == "total_cost_usd"
        else f"product prices ({', '.join(map(in_words, kinds))})"
    )
    scope += f" in {', '.join(claim.countries)}, converted to {unit}"
    scope += f" ({STATED_CURRENCY_RULE}); " if unit != "USD" else "; "
    scope += f"{HEADLINE_PRICE_RULE}; {ONE_PER_AMOUNT_RULE}; {IN_FORCE_RULE}"
    scope += f" (as of {claim.as_of})" if claim.as_of else " (the latest recorded)"
    if claim.scope == "domestic_products":
        scope += "; products developed in that country only"
    if claim.product:
        scope += f"; {claim.product} only"
    uncounted = _uncounted(every, frame, kinds, claim.as_of)
    uncounted = uncounted.assign(stated=in_currency(store, uncounted, unit))
    rule = _range_rule(claim, f" {unit}", f"{unit} prices")
    unconverted = frame[frame["stated"].isna()]
    frame = frame[frame["stated"].notna()]
    if frame.empty:
        what = "total cost of care" if claim.metric == "total_cost_usd" else "price"
        where = ", ".join(claim.countries)
        # "no price recorded for CN" read as if China had none, when only the product named has
        what += f" of {claim.product}" if claim.product else ""
        why = f"no {what} recorded for {where}"
        if not unconverted.empty:
            why += f" that an exchange rate converts to {unit}"
        if not uncounted.empty:
            # Carvykti's US price is recorded, from a secondary page: "no price recorded" was
            # false; the claim still has no price the source rule lets a verdict count.
            why = f"no {what} a verdict may count recorded for {where}; " + _uncounted_text(
                uncounted, unit
            )
        return Verdict(claim, NO_DATA, why, rule, scope=scope)
    listed = "; ".join(_price_text(r, unit) for r in frame.itertuples())
    if not unconverted.empty:
        listed += f"; left out, no {unit} rate for their year: " + ", ".join(
            f"{r.product_id} {r.country} {int(r.year)}" for r in unconverted.itertuples()
        )
    tested = _tested(claim, f" {unit}")
    if claim.range[0] == claim.range[1]:
        verdict, inside, ends = _single_price(claim, list(frame["stated"]), unit)
        rule = (
            f"a single price: a price at it ({tested}) supported; none at it but the figure "
            f"within the recorded prices partly; outside them contradicted; {PRICE_ROUNDING_RULE}"
        )
    else:
        verdict, inside, ends = range_verdict(claim, list(frame["stated"]), f" {unit}")
    evidence = f"{part_of(inside, len(frame), 'price')} in range ({tested}){ends}: {listed}"
    single = claim.range[0] == claim.range[1]
    if (
        single
        and verdict != SUPPORTED
        and (earlier := _earlier_at(store, claim, every, frame, kinds))
    ):
        evidence += f"; an earlier price was at it, no longer in force: {earlier}"
    if not uncounted.empty:
        # A journalist weighing the verdict sees what the source rule kept out, and whether it
        # would reach the range's top: obe-cel's $525,000 is known only from a secondary page.
        evidence += "; " + _uncounted_text(uncounted, unit)
        if claim.top_over is not None and not _reaches_top(claim, frame["stated"]):
            past = [p for p in uncounted.itertuples() if _reaches_top(claim, [p.stated])]
            if past:
                reach = ", ".join(f"{p.product_id} {p.stated:,.0f} {unit}" for p in past)
                evidence += f" (past the top, not counted: {reach})"
    return Verdict(claim, verdict, evidence, rule, list(frame["source_url"]), scope)


def _earlier_at(
    store: Store, claim: Claim, every: pd.DataFrame, in_force_now: pd.DataFrame, kinds: list[str]
) -> str:
    """The counted prices at a single-price claim's figure that a later price replaced
    (``IN_FORCE_RULE``), or "": "Yescarta costs $373,000" is contradicted by its $399,000 of
    2022, and a reader should see that $373,000 was its launch price, not a figure from
    nowhere."""
    unit = claim.currency or "USD"
    prices = one_per_amount(headline_prices(every, tuple(kinds)))
    if claim.as_of:
        prices = prices[prices["year"] <= int(claim.as_of[:4])]
    key = ["country", "product_id", "indication", "currency", "amount", "year"]
    now = set(in_force_now[key].itertuples(index=False, name=None))
    rows = prices[key].itertuples(index=False, name=None)
    replaced = prices[pd.Series([r not in now for r in rows], index=prices.index, dtype=bool)]
    replaced = replaced.assign(stated=in_currency(store, replaced, unit))
    at = replaced[
        pd.Series(
            [pd.notna(v) and _in_range(v, claim_bounds(claim)) for v in replaced["stated"]],
            index=replaced.index,
            dtype=bool,
        )
    ]
    return "; ".join(_price_text(r, unit) for r in at.sort_values("year").itertuples())


def _uncounted_text(uncounted: pd.DataFrame, unit: str) -> str:
    """The prices ``_uncounted`` keeps out of a verdict, named with their year and amount."""
    return "not counted, products priced only on secondary pages or noted as low reliability: " + (
        "; ".join(
            f"{r.product_id} {r.country} {int(r.year) if pd.notna(r.year) else ''} "
            f"{r.stated:,.0f} {unit}"
            for r in uncounted.itertuples()
        )
    )


def _price_text(r: object, unit: str) -> str:
    """One counted price as a verdict lists it: in the claim's currency, and, when recorded in
    another currency than a claim stated in euros (or pounds, …), the amount recorded."""
    year = f"{int(r.year)} " if pd.notna(r.year) else ""
    text = f"{r.product_id}{'' if pd.isna(r.indication) else f' ({r.indication})'} {r.country} "
    text += f"{year}{r.stated:,.0f} {unit}"
    if unit != "USD" and r.currency != unit:
        text += f" (recorded as {r.amount:,.0f} {r.currency})"
    return (
        text
        + (WEAK_MARK if r.weak else "")
        + (f" ({r.reports} reports of this price)" if r.reports > 1 else "")
    )


def _claimed_products(store: Store, claim: Claim, prices: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``prices`` of the products a price claim speaks of: those developed in the
    country for "domestically developed" (``scope: domestic_products``), or its one product."""
    if claim.scope == "domestic_products":
        _, rows = store.query("SELECT product_id, developer_country FROM evidence_products")
        home = dict(rows)
        mine = [
            home.get(p) == c for p, c in zip(prices["product_id"], prices["country"], strict=True)
        ]
        prices = prices[pd.Series(mine, index=prices.index, dtype=bool)]
    if claim.product:
        prices = prices[prices["product_id"] == claim.product]
    return prices


def _uncounted(
    every: pd.DataFrame, counted: pd.DataFrame, kinds: list[str], as_of: str | None
) -> pd.DataFrame:
    """The in-force prices (``kinds``, with a USD value) of products of ``counted``'s countries
    that have no counted price at all there, because every price they have was read on a
    secondary page or noted as low reliability (``HEADLINE_PRICE_RULE``): named beside a
    verdict, never counted in it."""
    priced = every[every["kind"].isin(kinds) & every["usd"].notna()]
    kept = set(zip(counted["country"], counted["product_id"], strict=True))
    mask = pd.Series(
        [(c, p) not in kept for c, p in zip(priced["country"], priced["product_id"], strict=True)],
        index=priced.index,
        dtype=bool,
    )
    rest = priced[mask]
    return one_per_amount(in_force(rest, as_of)).sort_values(["country", "product_id"])


def _single_price(claim: Claim, prices: list[float], unit: str) -> tuple[str, int, str]:
    """(verdict, prices at it, why) for one stated price ("price tags of $475,000 and
    $373,000", "costs about $400,000"): a country's products are priced differently, so one
    figure names a price, not all of them; it holds when a recorded price is at it (read as
    ``claim_bounds``), and is partly right when it lies among the recorded prices."""
    at = sum(_in_range(p, claim_bounds(claim)) for p in prices)
    if at:
        return SUPPORTED, at, ""
    stated, lowest, highest = claim.range[0], min(prices), max(prices)
    if lowest == highest:  # "recorded prices run 399,000–399,000 USD" read as a typo
        return CONTRADICTED, 0, f"; no price is at it (the recorded price is {lowest:,.0f} {unit})"
    among = f"recorded prices run {lowest:,.0f}–{highest:,.0f} {unit}"
    if lowest <= stated <= highest:
        return PARTLY, 0, f"; no price is at it, though it lies among them ({among})"
    return CONTRADICTED, 0, f"; no price is at it, and it lies outside them ({among})"


def until(as_of: str) -> str:
    """The last day a claim's date covers: "by 2024" includes the whole of 2024."""
    return as_of + "-12-31"[len(as_of) - 4 :]


def _approvals(
    store: Store, claim: Claim
) -> tuple[dict[str, set[str]], dict[str, set[str]], list[str]]:
    """Per country of ``claim``: its approved products (by the claim's date, ``as_of``, when it
    has one; an EU approval counts in every EEA state, ``raw_approvals``), their targets, and the
    approval rows' sources (a count or a target set is cited like any other number)."""
    rows = raw_approvals(store, list(claim.countries))
    if claim.as_of:
        last = until(claim.as_of)
        rows = rows[rows["approval_date"].map(lambda d: isinstance(d, str) and d <= last)]
    products: dict[str, set[str]] = {c: set() for c in claim.countries}
    targets: dict[str, set[str]] = {c: set() for c in claim.countries}
    for country, product, target_list in zip(
        rows["country"], rows["product_id"], rows["targets"], strict=True
    ):
        products[country].add(product)
        targets[country].update(target_list.split("|"))
    return products, targets, sorted({url for url in rows["source_url"] if isinstance(url, str)})


#: Overall statuses of a trial under way at the snapshot date, what "active" or "ongoing" trials
#: means in a claim (an UNKNOWN status — a record not verified for two years — is not counted).
ONGOING_STATUSES = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ACTIVE_NOT_RECRUITING",
    "ENROLLING_BY_INVITATION",
)
ONGOING_RULE = (
    "ongoing trials only (overall status recruiting, not yet recruiting, active not recruiting or "
    "enrolling by invitation at the snapshot date); published counts, which count registered "
    "trials of every status, are left out"
)


def in_scope(trials: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    """The registry's CAR trials a count claim speaks of: every one, or for "active" /
    "ongoing" trials those under way (``ONGOING_RULE``)."""
    if claim.scope != "ongoing_trials":
        return trials
    return trials[trials["status"].isin(ONGOING_STATUSES)]


#: The registry label of a trial whose record names no target: not a target of its own.
UNNAMED_TARGET = "unnamed"

COUNT_SCOPES = {
    "approved_products": "distinct approved products per country (knowledge-base approvals)",
    "trial_count": "CAR trials with a site in each country (registry snapshot) and published "
    "registry counts",
    "distinct_targets": "distinct CAR targets in registered trials with a site in each country "
    "(a trial naming no target adds none)",
}


#: A count as the least and greatest number it can be: (300, 300) exact; (301, inf) "more than
#: 300", a published count given as a lower bound (``evidence_trial_counts.lower_bound``).
Interval = tuple[float, float]


def _as_interval(count: float | Interval, lower_bound: bool = False) -> Interval:
    if isinstance(count, tuple):
        return count
    return (count + 1, math.inf) if lower_bound else (count, count)


def _count_text(count: float | Interval) -> str:
    """ "663", or "more than 300" for a lower bound, never a bare 300."""
    low, high = _as_interval(count)
    return f"more than {low - 1:g}" if high == math.inf else f"{low:g}"


def _agrees(kind: str, x: Interval, y: Interval) -> bool | None:
    """Whether x is above (``greater``) or below (``less``) y whatever numbers the intervals
    hold; None when that depends on a number a lower bound does not give."""
    above, below = (x, y) if kind == "greater" else (y, x)
    if above[0] > below[1]:
        return True
    if above[1] <= below[0]:
        return False
    return None


def _counts(claim: Claim, store: Store, trials: pd.DataFrame | None) -> Verdict:
    if claim.versus:
        from cartatlas.analyses.claims import rivals

        return rivals.versus_counts(claim, trials)
    a, b = claim.countries[:2]
    comparisons: list[tuple[str, float | Interval, float | Interval, str | None]] = []
    unplaced: list[str] = []
    cited: list[str] = []
    if claim.metric == "approved_products":
        products, _, cited = _approvals(store, claim)
        by = f" by {claim.as_of}" if claim.as_of else ""
        comparisons.extend(
            [(f"approved products (knowledge base){by}", len(products[a]), len(products[b]), None)]
            if products[a] and products[b]
            else []  # a country without approval rows has no data, not zero products
        )
    if claim.metric in ("trial_count", "distinct_targets") and trials is not None:
        exploded = in_scope(trials, claim).explode("countries")
        if claim.metric == "trial_count":
            n = exploded.groupby("countries")["nct_id"].nunique()
            what = "ongoing CAR trials" if claim.scope == "ongoing_trials" else "CAR trials"
            comparisons.append(
                (f"{what} with a site there (registry snapshot)", n.get(a, 0), n.get(b, 0), None)
            )
        else:
            named = exploded.explode("targets")
            named = named[named["targets"] != UNNAMED_TARGET]
            t = named.groupby("countries")["targets"].nunique()
            comparisons.append(
                ("distinct CAR targets in registered trials", t.get(a, 0), t.get(b, 0), None)
            )
    if claim.metric == "trial_count" and claim.scope != "ongoing_trials":
        _, rows = store.query(
            "SELECT x.registry, x.as_of, x.count, x.lower_bound, y.count, y.lower_bound, "
            "x.source_url FROM evidence_trial_counts x JOIN evidence_trial_counts y ON "
            "x.registry = y.registry AND x.as_of = y.as_of AND x.source_url = y.source_url "
            "WHERE x.country = ? AND y.country = ?",
            (a, b),
        )
        for reg, as_of, ca, bound_a, cb, bound_b, url in rows:
            label = f"published count, {reg} as of {as_of}"
            x, y = _as_interval(ca, bound_a), _as_interval(cb, bound_b)
            if _agrees(claim.compare, x, y) is None:
                unplaced.append(f"{label}: {a} {_count_text(x)} vs {b} {_count_text(y)}")
            else:
                comparisons.append((label, x, y, url))
    side = "above" if claim.compare == "greater" else "below"
    rule = (
        f"{claim.compare}: {a} {side} {b} in every source: supported; in some: partly; "
        "in none: contradicted"
    )
    scope = f"{COUNT_SCOPES[claim.metric]}, {a} vs {b}"
    if claim.scope == "ongoing_trials":
        scope += f"; {ONGOING_RULE}"
    left_out = (
        f"; left out, their order unknown ('more than N' is any number above N): "
        f"{'; '.join(unplaced)}"
        if unplaced
        else ""
    )
    if not comparisons:
        evidence = "no counts available (load registry data?)" if not unplaced else left_out[2:]
        return Verdict(claim, NO_DATA, evidence, rule, scope=scope)
    agree = sum(
        bool(_agrees(claim.compare, _as_interval(x), _as_interval(y))) for _, x, y, _ in comparisons
    )
    verdict = SUPPORTED if agree == len(comparisons) else CONTRADICTED if agree == 0 else PARTLY
    evidence = "; ".join(
        f"{label}: {a} {_count_text(x)} vs {b} {_count_text(y)}" for label, x, y, _ in comparisons
    )
    evidence += left_out
    sources = [u for *_, u in comparisons if u] + cited
    return Verdict(claim, verdict, evidence, rule, sources, scope)


def _target_set(store: Store, claim: Claim) -> Verdict:
    _, targets, sources = _approvals(store, claim)
    found = set().union(*targets.values())
    asserted = set(claim.values or [])
    rule = "values: same set supported; overlapping partly; disjoint contradicted"
    scope = f"targets of products approved in {', '.join(claim.countries)} (knowledge base)"
    if not found:
        return Verdict(claim, NO_DATA, "no approvals recorded", rule, scope=scope)
    verdict = SUPPORTED if found == asserted else PARTLY if found & asserted else CONTRADICTED
    return Verdict(
        claim,
        verdict,
        f"targets of approved products: {', '.join(sorted(found))}",
        rule,
        sources,
        scope,
    )


def check_claim(store: Store, claim: Claim, trials: pd.DataFrame | None = None) -> Verdict:
    """The verdict on one claim, by the rule of its assertion kind (see the module docstring)."""
    from cartatlas.analyses.claims import stated_values

    if claim.metric == "approval_date":
        return stated_values.approval_date(store, claim)
    if claim.metric == "price_discount":
        return stated_values.price_discount(store, claim)
    if claim.metric == "trial_share":
        return stated_values.trial_share(claim, trials)
    if claim.metric in ("approved_products", "trial_count") and claim.range:
        return stated_values.count_in_range(store, claim, trials)
    if claim.metric == "centre_count":
        return stated_values.centres_in_range(store, claim)
    if claim.metric in RATE_METRICS:
        return _rate_compare(store, claim) if claim.compare else _rate_range(store, claim)
    if claim.metric in ("price_usd", "total_cost_usd"):
        return _prices(store, claim)
    if claim.metric == "approved_targets":
        return _target_set(store, claim)
    return _counts(claim, store, trials)


def reads_registry(claim: Claim) -> bool:
    """Whether :func:`check_claim` may read the registry snapshot (``trials``) for ``claim``;
    the other claims are checked against the knowledge base alone."""
    evidence_only = (
        "approval_date",
        "price_discount",
        "price_usd",
        "total_cost_usd",
        "centre_count",
    )
    return claim.metric not in (*evidence_only, *RATE_METRICS, "approved_targets")


def with_product_ids(store: Store, claims: ClaimsFile, origin: str) -> ClaimsFile:
    """``claims`` with each product as its ID (a brand, INN or alias in any case: Yescarta,
    axi-cel, 奕凯达); a name of no product is refused naming the claim, the field and the
    nearest names — compared with the IDs as written, 'Yescarta' was checked as "no data"."""
    from cartatlas.evidence.queries import UnknownProduct, product_names, resolve_product

    names = product_names(store)
    resolved = []
    for number, claim in enumerate(claims.claims, 1):
        try:
            product = claim.product and resolve_product(store, claim.product, names)
        except UnknownProduct as exc:
            raise ClaimsFileError(f"{origin}: claim {number}, field product: {exc}") from None
        resolved.append(claim.model_copy(update={"product": product}))
    return claims.model_copy(update={"claims": resolved})


def check_claims(
    store: Store, claims: ClaimsFile, trials: pd.DataFrame | None = None, origin: str = "document"
) -> list[Verdict]:
    """The verdict on each claim of ``claims`` (read from ``origin``, named in its errors)."""
    claims = with_product_ids(store, claims, origin)
    return [check_claim(store, claim, trials) for claim in claims.claims]

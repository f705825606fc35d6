"""Rules for the claims medical-travel pages make with a stated value rather than a comparison:
a count of approved products, of trials or of treatment centres ("five approved therapies",
"over 700 trials", "over 200 treatment centres"), a share of the world's trials ("more than
50 %"), a relative price ("60–70 % less than in the US") and the approval date of a named
product ("approved 2021.12").

Counts, shares and discounts follow the range rule of every other claim (the share of evidence
values inside the stated range: ≥ 75 % supported, 25–75 % partly, < 25 % contradicted). A date is
compared at the precision the claim gives (a month claim matches any day of that month).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from cartatlas.analyses.approvals import approvals_frame
from cartatlas.analyses.claims.check import (
    CONTRADICTED,
    NO_DATA,
    PARTLY,
    SUPPORTED,
    Verdict,
    _range_rule,
    claim_bounds,
    in_force,
    in_scope,
    range_verdict,
    until,
)
from cartatlas.analyses.claims.model import Claim
from cartatlas.analyses.cost import prices_frame
from cartatlas.analyses.headline_prices import headline_prices, one_per_amount
from cartatlas.store import Store
from cartatlas.wording import part_of


def _judge(
    claim: Claim,
    values: list[tuple[str, float]],
    unit: str,
    sources: list[str],
    shown: dict[int, str] | None = None,
) -> Verdict:
    """The range verdict over ``values``; ``shown`` prints some of them as the source gives
    them ("more than 300" for a lower bound tested as 301)."""
    rule = _range_rule(claim, unit, "values")
    if not values:
        return Verdict(claim, NO_DATA, "nothing in the knowledge base or registry tests this", rule)
    verdict, inside, ends = range_verdict(claim, [v for _, v in values], unit)
    evidence = f"{part_of(inside, len(values), 'value')} in range{ends}: " + "; ".join(
        f"{label} {(shown or {}).get(k) or f'{value:,.4g}{unit}'}"
        for k, (label, value) in enumerate(values)
    )
    return Verdict(claim, verdict, evidence, rule, sources)


#: Why a stated count of approved products above the recorded one is "no data", not
#: contradicted: "India has approved two CAR-T therapies" was contradicted by one recorded
#: approval, India's second (var-cel, January 2025) being known only from news, which the
#: approvals table does not take. A count below the recorded one is still contradicted.
UNRECORDED_APPROVALS = (
    "approvals are recorded only with a regulator, label or manufacturer source, so one known "
    "only from news or secondary pages is not counted: a higher count cannot be checked"
)


#: A published count given as "more than N" (``lower_bound``) is the whole numbers above N: it is
#: in a range only when all of them are, out of it when none is, and otherwise says nothing.
BOUND_RULE = (
    "a published count given as 'more than N' counts as in range only when every number above "
    "N is, as out of range when none is, and is left out otherwise; never as exactly N"
)


def bound_fits(count: int, bounds: tuple[float, float | None]) -> bool | None:
    """Whether "more than ``count``" lies inside ``bounds`` (True), outside it (False), or
    cannot be placed (None): "more than 300" is inside ≥ 300, outside ≤ 300, unplaced in 270–330."""
    low, high = bounds
    if high is not None and count >= high:
        return False
    if high is None and count + 1 >= low:
        return True
    return None


def _trial_sites(trials: pd.DataFrame | None) -> pd.DataFrame | None:
    if trials is None or trials.empty:
        return None
    return trials.explode("countries")


def count_in_range(store: Store, claim: Claim, trials: pd.DataFrame | None) -> Verdict:
    """Approved products in one country (knowledge base), or its CAR trials (registry snapshot
    and published counts), against the count the claim states."""
    country = claim.countries[0]
    if claim.metric == "approved_products":
        # One row per approval, dated by its strongest source (``approvals.CHOICE_RULE``).
        chosen = approvals_frame(store, [country])
        if claim.as_of:
            last = until(claim.as_of)
            chosen = chosen[chosen["date"].notna() & (chosen["approval_date"] <= last)]
        rows = list(zip(chosen["product_id"], chosen["source_url"], strict=True))
        products = sorted({p for p, _ in rows})
        by = f" by {claim.as_of}" if claim.as_of else ""
        values = [(f"approved products in {country}{by} ({', '.join(products)})", len(products))]
        verdict = _judge(claim, values if products else [], "", [u for _, u in rows])
        if verdict.verdict == CONTRADICTED and products and claim.range[0] > len(products):
            return replace(
                verdict, verdict=NO_DATA, evidence=f"{verdict.evidence}; {UNRECORDED_APPROVALS}"
            )
        return verdict
    values: list[tuple[str, float]] = []
    sources: list[str] = []
    ongoing = claim.scope == "ongoing_trials"
    sites = _trial_sites(None if trials is None else in_scope(trials, claim))
    year = str(claim.as_of)[:4] if claim.as_of else None
    left_out = ""
    published = list(
        store.execute(
            "SELECT registry, as_of, count, lower_bound, source_url FROM evidence_trial_counts "
            "WHERE country = ?",
            (country,),
        )
    )
    if year is None and not ongoing:
        # An undated count speaks of now: the latest evidence, the registry snapshot when one is
        # loaded, else the latest year's published counts (UNDATED_RULE); "more than 1,000
        # trials" was contradicted by counts of 2020 and 2021 that registrations have outgrown.
        latest = _snapshot_year(store) if sites is not None else None
        latest = latest or max((str(row[1])[:4] for row in published), default=None)
        if latest and any(not str(row[1]).startswith(latest) for row in published):
            left_out = f"; published counts of other years than {latest} left out: {UNDATED_RULE}"
        year = latest
    if year and sites is not None and _snapshot_year(store) not in (None, year):
        # Registrations only grow: a 2026 snapshot's count says nothing of "300 trials in 2024".
        sites = None
        left_out = f"; the registry snapshot ({_snapshot_year(store)}) left out: {DATED_RULE}"
    shown: dict[int, str] = {}
    unplaced = []
    if sites is not None:
        n = sites.loc[sites["countries"] == country, "nct_id"].nunique()
        what = "ongoing CAR trials" if ongoing else "CAR trials"
        unread = _unread_registers(store, country)
        label = f"{what} with a site in {country} (registry snapshot"
        label += f"; {unread} not loaded)" if unread else ")"
        if unread:
            # ChiCTR's or CTRI's trials are not in the snapshot: its count is the least the
            # country has, so "about 50 trials in India" is not contradicted by 1 on
            # ClinicalTrials.gov (SNAPSHOT_FLOOR_RULE); "fewer than 500 in China" still is.
            fits = bound_fits(n - 1, claim_bounds(claim))
            if fits is None:
                unplaced.append(f"{label} at least {n:,}")
            else:
                shown[len(values)] = f"at least {n:,}"
                values.append((label, n))
        else:
            values.append((label, n))
    if ongoing:  # published counts count registered trials of every status (ONGOING_RULE)
        return _with_bounds(_judge(claim, values, "", sources, shown), unplaced, shown, left_out)
    for registry, as_of, count, bound, url in published:
        if year and not str(as_of).startswith(year):
            left_out = left_out or f"; {DATED_RULE}"
            continue
        label = f"published count, {registry} as of {as_of}"
        if bound:
            fits = bound_fits(count, claim_bounds(claim))
            if fits is None:
                unplaced.append(f"{label} more than {count}")
                continue
            shown[len(values)] = f"more than {count}"
            count += 1  # the least number "more than N" can be: in or out of range as all are
        values.append((label, count))
        sources.append(url)
    return _with_bounds(_judge(claim, values, "", sources, shown), unplaced, shown, left_out)


def _with_bounds(
    verdict: Verdict, unplaced: list[str], shown: dict, left_out: str, floor_rule: str = ""
) -> Verdict:
    """The verdict with the bounds it could not place named, and the rules for bounds and for
    the counts read as floors (``floor_rule``: the snapshot's, unless another is given)."""
    if unplaced:
        left_out += f"; left out, as they cannot be placed in the range: {'; '.join(unplaced)}"
        if verdict.verdict == NO_DATA:
            verdict = replace(verdict, evidence="no value can be placed in the range")
    if unplaced or shown:
        floors = floor_rule or SNAPSHOT_FLOOR_RULE
        verdict = replace(verdict, rule=f"{verdict.rule}; {BOUND_RULE}; {floors}")
    return replace(verdict, evidence=verdict.evidence + left_out) if left_out else verdict


#: A count of one product's centres or of one region's is the least the country has.
CENTRE_FLOOR_RULE = (
    "a published count of every product's treatment centres in the whole country is the "
    "country's count; a count of one product's centres or of one region's is the least the "
    "country has (other products' or regions' centres are not in it): in a range only when "
    "every number from it up is, out of it when it is above the range, and left out otherwise"
)
#: Centres open and close, so a count of another year is no test of a count of now.
CENTRE_DATE_RULE = (
    "a dated count is compared with counts of its own year, an undated one with the counts of "
    "the latest year published"
)


def centres_in_range(store: Store, claim: Claim) -> Verdict:
    """A country's treatment centres (published counts) against the count the claim states
    ("China has over 200 CAR-T treatment centres"), by ``CENTRE_FLOOR_RULE`` and
    ``CENTRE_DATE_RULE``; a country with no published count has no data, never 0."""
    country = claim.countries[0]
    rows = list(
        store.execute(
            "SELECT as_of, scope, count, product_id, lower_bound, region, source_url "
            "FROM evidence_centres WHERE country = ? ORDER BY as_of, product_id",
            (country,),
        )
    )
    rule = f"{_range_rule(claim, '', 'values')}; {CENTRE_DATE_RULE}"
    if not rows:
        evidence = f"no published count of treatment centres for {country} in the evidence base"
        return Verdict(claim, NO_DATA, evidence, rule)
    year = str(claim.as_of)[:4] if claim.as_of else max(str(row[0])[:4] for row in rows)
    values: list[tuple[str, float]] = []
    sources: list[str] = []
    shown: dict[int, str] = {}
    unplaced: list[str] = []
    left_out = ""
    for as_of, scope, count, product, bound, region, url in rows:
        if not str(as_of).startswith(year):
            left_out = f"; counts of other years than {year} left out"
            continue
        where = f" ({region} only)" if region and f"{region} only" not in scope else ""
        label = f"{scope}{where}, as of {as_of}"
        if bound or product or region:
            said = f"more than {count}" if bound else f"at least {count}"
            least = count + 1 if bound else count
            fits = bound_fits(least - 1, claim_bounds(claim))
            if fits is None:
                unplaced.append(f"{label}: {said}")
                continue
            shown[len(values)] = said
            values.append((label, least))
        else:
            values.append((label, count))
        sources.append(url)
    if not values and not unplaced:
        years = sorted({str(row[0])[:4] for row in rows})
        evidence = (
            f"no published count of treatment centres for {country} of {year} in the evidence "
            f"base (counts of {', '.join(years)} left out)"
        )
        return Verdict(claim, NO_DATA, evidence, rule)
    verdict = replace(_judge(claim, values, "", sources, shown), rule=rule)
    return _with_bounds(verdict, unplaced, shown, left_out, CENTRE_FLOOR_RULE)


#: The registry snapshot holds ClinicalTrials.gov records; a country's trials registered only
#: in its own register (ChiCTR, CTRI, jRCT, the EU's CTIS) are not in it unless a WHO ICTRP
#: export is loaded, so its count is the least the country has.
SNAPSHOT_FLOOR_RULE = (
    "the registry snapshot's count of a country whose own register is not loaded is the least it "
    "has (trials registered only there are not counted): in a range only when every number from "
    "it up is, out of it when it is above the range, and left out otherwise"
)


def _unread_registers(store: Store, country: str) -> str:
    """The country's own registers that no loaded registry data covers ("ChiCTR"), or ""."""
    from cartatlas.registries.national import registers_of

    loaded = {str(r[0]).upper() for r in store.execute("SELECT DISTINCT registry FROM reg_run")}
    return "" if "ICTRP" in loaded else " and ".join(registers_of(country))


#: A trial count with a date ("as of Jan. 31, 2024, more than 300 trials") against counts of that
#: year only: counts of registered trials grow every year, so an older or newer count is no test.
DATED_RULE = "a dated count is compared with counts of its own year only"
#: A trial count without a date ("China has more than 1,000 registered trials") speaks of now.
UNDATED_RULE = (
    "an undated count is read as of the latest evidence (registrations only grow): the registry "
    "snapshot's year when one is loaded, else the latest year of the published counts"
)


def _snapshot_year(store: Store) -> str | None:
    rows = store.execute("SELECT max(snapshot_date) FROM reg_run WHERE status = 'complete'")
    latest = next(iter(rows), (None,))[0]
    return str(latest)[:4] if latest else None


def trial_share(claim: Claim, trials: pd.DataFrame | None) -> Verdict:
    """The share of the registry snapshot's CAR trials with a site in the country."""
    sites = _trial_sites(trials)
    country = claim.countries[0]
    if sites is None:
        return _judge(claim, [], "%", [])
    share = 100 * sites.loc[sites["countries"] == country, "nct_id"].nunique() / len(trials)
    label = f"share of {len(trials)} registered CAR trials with a site in {country}"
    return _judge(claim, [(label, share)], "%", [])


def price_discount(store: Store, claim: Claim) -> Verdict:
    """How much cheaper the first country's USD list prices are than the second's: one value
    per product priced in both, else one value from the medians of all their prices."""
    cheap, dear = claim.countries[:2]
    # Both sides at the same date: the prices in force at the claim's date (IN_FORCE_RULE), so a
    # 2022 price in one country is not set against a median of 2017 and 2022 prices in the other.
    prices = headline_prices(prices_frame(store, [cheap, dear]), ("list", "WAC"))
    frame = one_per_amount(in_force(prices, claim.as_of))
    if claim.product:
        # "NexCAR19 costs a tenth of the US price": that product's price on the cheaper side,
        # not the median of every product priced there (India's median took in Qartemi's).
        frame = frame[(frame["country"] != cheap) | (frame["product_id"] == claim.product)]
    medians = frame.groupby(["product_id", "country"])["usd"].median().unstack()
    values: list[tuple[str, float]] = []
    if cheap in medians and dear in medians:
        both = medians.dropna(subset=[cheap, dear])
        values = [
            (
                f"{product} {cheap} {row[cheap]:,.0f} vs {dear} {row[dear]:,.0f} USD: less by",
                100 * (1 - row[cheap] / row[dear]),
            )
            for product, row in both.iterrows()
        ]
        if not values:
            a = frame.loc[frame["country"] == cheap, "usd"].median()
            b = frame.loc[frame["country"] == dear, "usd"].median()
            side = f"{claim.product} in {cheap}" if claim.product else f"median price {cheap}"
            values = [
                (
                    f"{side} {a:,.0f} vs {dear} {b:,.0f} USD: less by",
                    100 * (1 - a / b),
                )
            ]
    return _judge(claim, values, "%", list(frame["source_url"]))


def approval_date(store: Store, claim: Claim) -> Verdict:
    """The product's approvals (in the claim's countries) against the stated date, compared at
    the stated precision: a match supported, the same year partly, otherwise contradicted."""
    stated = str((claim.values or [""])[0])
    # One row per approval, dated by its strongest source (``approvals.CHOICE_RULE``).
    chosen = approvals_frame(store, list(claim.countries))
    chosen = chosen[chosen["product_id"] == claim.product]
    rows = [
        (r.agency, r.indication, r.approval_date if isinstance(r.approval_date, str) else "", url)
        for r, url in zip(chosen.itertuples(), chosen["source_url"], strict=True)
    ]
    rule = (
        f"approval dates of {claim.product} at the claim's precision ({stated}): a match "
        "supported; same year partly; otherwise contradicted"
    )
    if not rows:
        where = ", ".join(claim.countries)
        return Verdict(claim, NO_DATA, f"no approval of {claim.product} recorded in {where}", rule)
    dates = [str(d)[: len(stated)] for _, _, d, _ in rows]
    verdict = (
        SUPPORTED
        if stated in dates
        else PARTLY
        if stated[:4] in {d[:4] for d in dates}
        else CONTRADICTED
    )
    evidence = "; ".join(
        f"{agency} {indication} {d or 'date not recorded'}" for agency, indication, d, _ in rows
    )
    return Verdict(claim, verdict, evidence, rule, [u for *_, u in rows])

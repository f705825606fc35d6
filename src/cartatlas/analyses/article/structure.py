"""Turn each finding into the structured claim a ``--claims`` YAML file holds (metric,
countries, indication or product, range, comparison or values), or say why it cannot be.

What a page leaves implicit is filled in openly and noted in the claim's scope: a disease or
country named only in an earlier sentence, the page's main disease or countries when a sentence
names none, a non-dollar price converted at the knowledge base's latest rate, and the interval a
printed number stands for (82.4 % means 82.35–82.45 %).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pydantic import ValidationError

from cartatlas.analyses.article.extract import Finding
from cartatlas.analyses.article.parse_numbers import (
    APPROXIMATE_BAND,
    LONGEST_FIGURE,
    Money,
    Percent,
    point_range,
)
from cartatlas.analyses.article.unread import UNREAD_REASON
from cartatlas.analyses.claims.model import Claim
from cartatlas.analyses.cost import exchange_rates
from cartatlas.store import Store


@dataclass
class ArticleClaim:
    """A finding with its structured claim, or the reason it could not be structured."""

    finding: Finding
    claim: Claim | None
    reason: str | None = None
    value: float | None = None
    scope: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PageContext:
    """What the page is mostly about, to fill what a sentence leaves out."""

    countries: list[str]
    disease: str | None
    currencies: frozenset[str]  # the currencies the knowledge base holds exchange rates for
    priced_in: dict[tuple[str, str], list[str]]  # (product, currency) → countries priced so
    written: str | None = None  # the date the page gives itself ("Modified date: 2025-12-05")


def page_context(findings: list[Finding], store: Store, written: str | None = None) -> PageContext:
    countries = Counter(c for f in findings for c in f.countries)
    main = [c for c, _ in countries.most_common(2)]
    diseases = Counter(f.indication for f in findings if f.indication)
    currencies = frozenset(exchange_rates(store)["currency"])
    priced_in: dict[tuple[str, str], list[str]] = {}
    for product, currency, country in store.execute(
        "SELECT DISTINCT product_id, currency, country FROM evidence_prices ORDER BY country"
    ):
        priced_in.setdefault((product, currency), []).append(country)
    disease = diseases.most_common(1)[0][0] if diseases else None
    return PageContext(main, disease, currencies, priced_in, written)


def _percent_range(p: Percent) -> tuple[tuple[float, float | None], float | None]:
    if p.low is not None and p.high == p.low:
        return point_range(p.low, p.decimals, p.approximate), p.low
    if p.low is None:
        return (0.0, p.high), p.high
    return (p.low, p.high), None


def _stated(
    money: Money, ctx: PageContext
) -> tuple[tuple[float, float | None], float | None, str | None]:
    """The amount or range in the currency it is written in, the top it goes beyond
    (``Money.top_over``), and a note on how it is compared. A price in euros is checked in
    euros (``check.STATED_CURRENCY_RULE``): each recorded price converted at its own year's
    rate, not the written amount at one latest rate."""
    if money.currency == "USD":
        note = None
    elif money.currency in ctx.currencies:
        note = (
            f"checked in {money.currency}: each recorded price in its own currency at its own "
            f"amount, any other at the rate of its own year"
        )
    else:
        raise LookupError(f"no exchange rate for {money.currency} in the knowledge base")
    low = money.low
    top = money.top_over
    if money.high is not None:
        high = None if money.open_high else money.high
        return (low, high), top, note
    # A single amount is kept as stated: the checker reads every price figure at its tolerance
    # (``check.PRICE_ROUNDING_RULE``: ±1 %, ±10 % with "about"), bounds and single prices alike.
    return (low, None if money.open_high else low), top, note


def _countries(f: Finding, ctx: PageContext, needed: int) -> tuple[list[str], list[str]]:
    countries = [c for c in f.countries if c != "EU" or needed == 1]
    if len(countries) >= needed:
        # The page's order, so the same claim made twice is the same claim (checked once).
        rank = {c: k for k, c in enumerate(ctx.countries)}
        return sorted(countries, key=lambda c: rank.get(c, len(rank))), []
    filled = countries + [c for c in ctx.countries if c not in countries]
    if len(filled) < needed:
        raise LookupError("no country named" if needed == 1 else "the countries are not named")
    return filled[: max(needed, len(countries))], [
        f"countries not all named in the sentence; the page's main countries "
        f"({', '.join(filled[:needed])}) were used"
    ]


def _rate_countries(f: Finding, ctx: PageContext) -> tuple[list[str], list[str]]:
    """A rate's countries (``_countries``); a rate of a named trial on a page naming no country
    takes the trial's, as the trial alone decides the rows that check it."""
    try:
        return _countries(f, ctx, 1)
    except LookupError:
        if f.trial_country is None:
            raise
        return [f.trial_country], [
            f"no country named; {f.trial} was conducted in {f.trial_country}"
        ]


#: A word that denies what follows it in its clause ("China does not lead the world", "rates are
#: not similar"); "not only" and "not just" add rather than deny.
_DENIAL = re.compile(
    r"\b(?:not(?! only\b| just\b)|never|no longer|neither|nor|cannot|hardly)\b|n't\b",
    re.IGNORECASE,
)
#: Where a clause begins: a denial before one of these belongs to another statement.
_CLAUSE = re.compile(r"[,;:()]|\b(?:but|while|whereas|although|and|which|that)\b", re.IGNORECASE)


def _denial(f: Finding) -> str | None:
    """The denying word in the few words before the claim's own words, in the same clause.

    The checker's rules test what a sentence asserts; a denied statement checked as if asserted
    gets the opposite verdict ("China does not lead the world" read as "China leads"), so a
    denial is left unchecked, with its reason, rather than judged."""
    before = f.sentence.text[: f.span[0] - f.sentence.start]
    clause = _CLAUSE.split(before)[-1]
    found = _DENIAL.search(" ".join(clause.split()[-5:]))
    return found.group(0) if found else None


def _fields(f: Finding, ctx: PageContext) -> tuple[dict, list[str], float | None]:
    """The claim's fields for one finding, the scope notes, and the single value stated."""
    if f.kind == "figure":
        raise LookupError(UNREAD_REASON)
    denial = _denial(f)
    if denial:
        raise LookupError(
            f"the sentence denies it ('{denial}'), and a denial is not checked: read as stated, "
            "its verdict would be inverted"
        )
    notes = list(f.notes)
    if f.kind in ("rate", "safety"):
        countries, more = _rate_countries(f, ctx)
        indication = f.indication
        if indication is None and ctx.disease:
            indication = ctx.disease
            notes.append(f"no disease in the sentence; the page's main disease ({indication})")
        if indication is None:
            raise LookupError("no disease named")
        if f.product and f.product.startswith("?"):
            raise LookupError(f"unknown product {f.product[1:]!r}")
        bounds, value = _percent_range(f.percent)
        if value is not None:
            hedge = f" (±{APPROXIMATE_BAND:.0%}: 'about')" if f.percent.approximate else ""
            notes.append(f"the stated {value:g}% is read as {bounds[0]:g}–{bounds[1]:g}%{hedge}")
        # A range said of several diseases ("lymphomas and certain leukemias … ranging from 30%
        # to over 60%") spans their rates; a single value is checked for the first one named.
        also_in = f.other_diseases if value is None and not f.product else []
        if also_in:
            notes.append(
                f"checked across the diseases the sentence names ({indication}, "
                f"{', '.join(also_in)})"
            )
        elif f.other_diseases:
            notes.append(
                f"the sentence also names {', '.join(f.other_diseases)}; a rate is checked for "
                f"the first disease named ({indication}) only"
            )
        return (
            {
                "metric": f.endpoint,
                "countries": countries,
                "indication": indication,
                "also_in": also_in or None,
                "product": f.product,
                "trial": f.trial,
                "scope": "approved_products" if f.values == ["approved_products"] else None,
                "range": bounds,
                "top_over": f.percent.top_over,
                # a hedged range ("around 52-73%"); a hedged single value is widened above
                "about": f.percent.approximate and value is None,
            },
            notes + more,
            value,
        )
    if f.kind in ("price", "total_cost"):
        countries = f.countries[:1]
        if not countries and f.product:
            # "Yescarta: about $424,000": the countries where the product is priced in dollars.
            countries = ctx.priced_in.get((f.product, f.money.currency), [])
            notes.append(f"no country named; {f.product}'s {f.money.currency} prices checked")
        if not countries:
            several = [n for n in f.notes if n.startswith("country not named; ")]
            raise LookupError(several[0] if several else "no country named for the price")
        bounds, top, note = _stated(f.money, ctx)
        notes += [note] if note else []
        as_of = f.date or ctx.written
        if f.date:
            notes.append(f"prices in force in the sentence's year ({f.date})")
        elif ctx.written:
            notes.append(f"prices in force on the page's date ({ctx.written})")
        domestic = f.values == ["domestic"]
        return (
            {
                "metric": "total_cost_usd" if f.kind == "total_cost" else "price_usd",
                "countries": countries,
                "product": f.product,
                "scope": "domestic_products" if domestic else None,
                "range": bounds,
                "top_over": top,
                "about": f.money.approximate,
                "currency": None if f.money.currency == "USD" else f.money.currency,
                "as_of": as_of,
            },
            notes,
            f.money.low if f.money.high is None else None,
        )
    if f.kind == "relative_cost":
        countries, more = _countries(f, ctx, 2)
        cheap = [c for c in countries if c != "US"][:1] + ["US"] if "US" in countries else countries
        return (
            {
                "metric": "price_discount",
                "countries": cheap[:2],
                "product": f.product,
                "range": f.number,
                "as_of": ctx.written,
            },
            notes + more,
            None,
        )
    if f.kind in ("approved_count", "trial_count", "centre_count", "trial_share"):
        if not f.countries:
            raise LookupError("no country named")
        metric = {"approved_count": "approved_products"}.get(f.kind, f.kind)
        if f.kind == "trial_share":
            bounds, value = _percent_range(f.percent)
        else:
            bounds, value = f.number, f.number[0] if f.number[1] == f.number[0] else None
        fields = {"metric": metric, "countries": f.countries[:1], "range": bounds}
        if f.ongoing:
            fields["scope"] = "ongoing_trials"
        return {**fields, "as_of": f.date} if f.date else fields, notes, value
    if f.kind == "approval_date":
        if f.product is None:
            raise LookupError("no product named")
        if f.product.startswith("?"):
            raise LookupError(f"unknown product {f.product[1:]!r}")
        countries = f.countries[:1] or ["CN", "US", "EU"]
        return (
            {
                "metric": "approval_date",
                "countries": countries,
                "product": f.product,
                "values": [f.date],
            },
            notes,
            None,
        )
    if f.kind == "similar":
        countries, more = _countries(f, ctx, 2)
        if f.indication is None:
            # The claims checker's rule for a comparison that names no disease: every
            # indication with evidence is checked, and the verdict names them.
            more.append("no disease in the sentence; checked in every indication with evidence")
        return (
            {
                "metric": f.endpoint,
                "countries": countries[:2],
                "indication": f.indication,
                "compare": "similar",
                "scope": "approved_products" if f.values == ["approved_products"] else None,
            },
            notes + more,
            None,
        )
    if f.kind == "order":
        more = [] if f.indication else ["no disease in the sentence; checked in every indication"]
        return (
            {
                "metric": f.endpoint,
                "countries": f.countries,
                "indication": f.indication,
                "compare": f.compare,
            },
            notes + more,
            None,
        )
    if f.kind == "greater" and f.versus:
        fields = {"metric": f.endpoint, "countries": [f.values[0]], "compare": "greater"}
        fields["versus"] = f.versus
        return ({**fields, "scope": "ongoing_trials"} if f.ongoing else fields), notes, None
    if f.kind == "greater":
        subject = f.values[0]
        others = [c for c in f.countries if c != subject and c != "EU"]
        if not others:
            others = [c for c in ctx.countries if c != subject]
            if not others:
                raise LookupError("no second country to compare with")
            notes.append(f"compared with {others[0]}, the page's other main country")
        fields = {"metric": f.endpoint, "countries": [subject, others[0]], "compare": "greater"}
        if f.endpoint == "approved_products" and ctx.written:
            fields["as_of"] = ctx.written
            notes.append(f"approvals up to the page's date ({ctx.written})")
        return ({**fields, "scope": "ongoing_trials"} if f.ongoing else fields), notes, None
    if f.kind == "targets":
        return (
            {"metric": "approved_targets", "countries": f.countries[:1], "values": f.values},
            notes,
            None,
        )
    raise LookupError(f"no rule for {f.kind}")


#: Why a figure longer than any printed one is not checked (``parse_numbers.LONGEST_FIGURE``);
#: the claim model's own words were "Input should be a finite number", once per bound.
TOO_LONG = (
    f"the figure has more than {LONGEST_FIGURE} characters, more than any price, rate or count "
    "is printed with; not read"
)


def structure(
    findings: list[Finding], store: Store, written: str | None = None
) -> list[ArticleClaim]:
    """Each finding as a claim; ``written`` is the page's own date, when it gives one: its price
    claims are checked against the prices in force then (``IN_FORCE_RULE``)."""
    ctx = page_context(findings, store, written)
    claims = []
    for number, f in enumerate(findings, 1):
        try:
            fields, notes, value = _fields(f, ctx)
            claim = Claim(id=f"claim-{number}", text=f.sentence.text, **fields)
        except LookupError as reason:
            claims.append(ArticleClaim(f, None, str(reason).strip("'\"")))
            continue
        except ValidationError as error:
            said = (
                TOO_LONG if e["type"] == "finite_number" else e["msg"].removeprefix("Value error, ")
                for e in error.errors()
            )
            claims.append(ArticleClaim(f, None, "; ".join(dict.fromkeys(said))))
            continue
        claims.append(ArticleClaim(f, claim, None, value, notes))
    return claims

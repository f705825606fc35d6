"""Find every checkable statement in an article: rates with their endpoint and disease, CRS and
ICANS rates, prices, relative costs, counts of approved products, of trials and of treatment
centres, shares of the world's trials, approval dates of named products, and comparisons between
countries.

Extraction only reads what the page says (numbers, names, the words around them); turning a
finding into the knowledge base's terms (USD, precision ranges, default disease) is
``structure``'s job. Each finding keeps its sentence and the character span of its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from cartatlas.analyses.article import names
from cartatlas.analyses.article.parse_dates import PageDate, find_dates
from cartatlas.analyses.article.parse_numbers import (
    APPROXIMATE_BAND,
    COUNT,
    Money,
    Percent,
    count_value,
    find_counts_of,
    find_money,
    find_multiples,
    find_percentages,
    point_range,
)
from cartatlas.analyses.article.sentences import Sentence, split_sentences


@dataclass
class Finding:
    """One statement the page makes, in the page's own terms."""

    kind: str
    sentence: Sentence
    span: tuple[int, int]  # in the article
    countries: list[str] = field(default_factory=list)
    indication: str | None = None
    endpoint: str | None = None
    product: str | None = None
    #: The one trial a rate's sentence names ("in CARTITUDE-1"), whose rows alone check it, and
    #: a country it was conducted in: the claim's country when the page names none.
    trial: str | None = None
    trial_country: str | None = None
    percent: Percent | None = None
    money: Money | None = None
    number: tuple[float, float | None] | None = None
    date: str | None = None
    compare: str | None = None
    values: list[str] | None = None
    ongoing: bool = False  # trials said to be "active", "ongoing" or "recruiting"
    versus: str | None = None  # a lead over every country ("world") or a group (Claim.versus)
    #: The sentence's other diseases ("lymphomas and certain leukemias": B-ALL after LBCL), for
    #: a range asserted across them (Claim.also_in).
    other_diseases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def words(self) -> str:
        start = self.span[0] - self.sentence.start
        return self.sentence.text[start : start + self.span[1] - self.span[0]]


_COST = re.compile(
    r"\bcosts?\b|\bpric(?:e|es|ed|ing)\b|\bpay\b|\bfees?\b|\bexpens|\bafford|\bcharged?\b|"
    r"\bsavings?\b|\bcheaper\b|\binfusion\b|\btreatments?\b",
    re.IGNORECASE,
)
_NOT_A_PRICE = re.compile(
    r"revenue|net loss|acquisition(?! cost)|market (?:size|value)|sales|funding|invest|raised|"
    r"valuation|deal|upfront|milestone|income|budget|spending|GDP",
    re.IGNORECASE,
)
_TOTAL = re.compile(
    r"\btotal\b|all associated|all-in|including (?:hospital|travel)|overall (?:cost|price)|"
    r"end-to-end|package",
    re.IGNORECASE,
)
_DOMESTIC = re.compile(r"\bdomestic(?:ally)?\b|\blocal(?:ly)? (?:developed|made)", re.IGNORECASE)
_CHEAPER = re.compile(
    r"^\W{0,3}(?:less|lower|cheaper|savings?|off|reduction|discount|below)"
    r"|(?:sav(?:e|ing|ings)|cut|reduc\w*|lower\w*|cheaper)\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
_WORLD = re.compile(r"\bworld(?:'s|wide)?\b|\bglobal(?:ly)?\b|\ball\b", re.IGNORECASE)
_TRIALS = re.compile(r"\b(?:clinical )?(?:trials?|studies)\b", re.IGNORECASE)
#: "active CAR-T therapy clinical trials", "ongoing trials": trials under way, not all registered.
_ONGOING = re.compile(
    r"\b(?:active|ongoing|recruiting|under ?way)\s(?:[\w-]+\s){0,4}?(?:trials|studies)\b", re.I
)
_APPROVED = re.compile(
    r"\bapprov(?:e|ed|al|als)\b|\bon the (?:\w+ )?market\b|\blaunched\b", re.IGNORECASE
)
_SIMILAR = re.compile(
    r"\bsimilar\b(?! (?:products|therapies|uses|indications))|\bcomparable\b|"
    r"\balign(?:s)? closely\b|\bon par\b|\bsame\b|\bmatch(?:es|ing)?\b",
    re.IGNORECASE,
)
#: A lead over the whole world ("leads globally", "leading the world"): against every country.
_WORLD_LEAD = re.compile(r"\blead(?:s|ing)? (?:the world|globally)\b", re.IGNORECASE)
#: "surpassing the combined number of trials in the US and Europe": a lead over the two together.
_US_EUROPE_LEAD = re.compile(
    r"\b(?:surpass|outpac|exceed|overtak)\w*\s+(?:the\s+)?combined\b[^.;]{0,60}?\b"
    r"(?:the\s+)?(?:US|U\.S\.|United States)\s+and\s+Europe\b",
    re.IGNORECASE,
)
_LEADS = re.compile(
    r"\blead(?:s|ing)? (?:the world|globally|in)\b|\boutpac|\bsurpass|\bovertak|\bovertook|"
    r"\bahead of\b|\bhighest number\b|\bthe most\b|\bhigher (?:volume|number)\b|"
    r"\blargest number\b|\bbroader (?:range|array)\b|\bwider variety\b",
    re.IGNORECASE,
)
_BROADER = re.compile(r"\bbroader\b|\bwider\b|\bmore diverse\b", re.IGNORECASE)
_PAIRED_ENDPOINTS = re.compile(
    r"\b(overall|objective|complete)(?: response)? and (?:overall |objective |complete )"
    r"(?:response|remission) rates\b",
    re.IGNORECASE,
)
_SCOPE_APPROVED = re.compile(r"\btrials (?:for|of|with) (?:the )?(?:\w+ )?approved\b", re.I)
#: "similar efficacy data for their respective approved CAR-T products": each country's approved
#: products are compared, not every study conducted there.
_RESPECTIVE_APPROVED = re.compile(
    r"\bapproved (?:CAR[- ]?T )?(?:cell )?(?:products|therapies|treatments)\b", re.I
)
_EFFICACY = re.compile(
    r"\bresults\b|\befficacy\b|\boutcomes\b|\bsuccess rates?\b|\bresponse rates?\b|"
    r"\bremission rates?\b|\bCR rates?\b",
    re.IGNORECASE,
)
#: Outcomes cartatlas does not check by these rules (a percentage of them is not a claim).
_OTHER_OUTCOME = re.compile(
    r"\b(?:relapse[ds]?|relaps\w+|progress\w*|surviv\w+|PFS|OS|mortality|died|deaths?|"
    r"infections?|cured|partial response|discharged|foreigners|of (?:the )?patients (?:were|had|"
    r"relapse|die|progress))\b",
    re.IGNORECASE,
)
_HIGHER = re.compile(
    r"\b(?:higher|better|superior|greater|more effective)\b(?:[^.;]{0,60}?)\bthan\b", re.I
)
_LOWER = re.compile(
    r"\b(?:lower|worse|inferior|less effective|fewer)\b(?:[^.;]{0,60}?)\bthan\b", re.I
)
_SIDE_EFFECTS = re.compile(r"\bside effects?\b|\bCRS\b|\bcytokine release\b|\btoxicit", re.I)
_NEUROTOXICITY = re.compile(r"\bICANS\b|\bneurotoxicit", re.I)
_TARGETING = re.compile(r"\btarget(?:s|ing|ed)?\b", re.IGNORECASE)
_VARIETY = re.compile(r"\b(?:variety|range|array|number) of (?:\w+ )?(?:targets|antigens)\b", re.I)
_PRODUCT_WORDS = (
    r"(?:(?:approved|commercial(?:ly available)?|marketed|domestic(?:ally developed)?|"
    r"NMPA-approved|FDA-approved)\s)*CAR[- ]?T(?:[\s-]cell)?\s"
    r"(?:therapies|therapy products|products|treatments|drugs|cell therapies)"
)
_APPROVED_COUNT = re.compile(
    rf"(?P<n>{COUNT})\s(?:(?:approved|commercial|marketed|NMPA-approved|FDA-approved|different)\s)*"
    rf"{_PRODUCT_WORDS}|approved\s(?P<n2>{COUNT})\s(?:\w+\s){{0,2}}{_PRODUCT_WORDS}",
    re.IGNORECASE,
)
# "Of the 11 CAR-T products on the market, five are from China": the country's count.
_PART_OF = re.compile(
    rf"\bof the (?:{COUNT}) (?:\w+ )?CAR[- ]?T (?:cell )?(?:products|therapies)\b[^.;]*?"
    rf"(?P<n>{COUNT}) (?:are|were|come|came) from\b",
    re.IGNORECASE,
)
_AS_OF = re.compile(r"\b(?:by|as of|in|until|through)\s((?:19|20)\d{2})\b", re.IGNORECASE)
_BOUNDS = (
    r"over|more than|above|at least|nearly|almost|about|around|approximately|roughly|close to|"
    r"fewer than|less than|under|below|up to"
)
_TRIAL_COUNT = re.compile(
    rf"(?:(?P<above>{_BOUNDS})\s)?"
    rf"(?P<n>{COUNT})\+?\s(?:(?:ongoing|active|registered|clinical|CAR[- ]?T|cell|therapy|"
    rf"investigator-initiated|company-sponsored|industry-sponsored|interventional|\(IITs?\))\s)"
    rf"{{1,4}}(?:trials|studies)",
    re.IGNORECASE,
)


#: "over 200 CAR-T treatment centres", "45 hospitals", "27 qualified centers": a count of the
#: places that give the therapy (a country's count names the country in the same sentence).
_CENTRE_COUNT = re.compile(
    rf"(?:(?P<above>{_BOUNDS})\s)?"
    rf"(?P<n>{COUNT})\+?\s(?:(?:qualified|certified|accredited|authori[sz]ed|designated|"
    rf"specialized|specialised|licensed|CAR[- ]?T|cell|therapy|treatment|cancer|medical|"
    rf"hospital)\s){{0,4}}(?:centres|centers|hospitals|institutions)\b",
    re.IGNORECASE,
)


@dataclass
class _Context:
    """The mentions of each sentence, with a fallback to the sentences just before it (a claim
    often names its disease or country once, in the previous sentence or the heading)."""

    sentences: list[Sentence]
    found_countries: list[list[names.Mention]]
    found_diseases: list[list[names.Mention]]

    def nearest(
        self, index: int, mentions: list[list[names.Mention]], at: int
    ) -> tuple[list[str], str | None]:
        own = mentions[index]
        if own:
            ordered = sorted(own, key=lambda m: (abs(m[1][0] - at), m[1][0]))
            return list(dict.fromkeys(code for code, _ in ordered)), None
        for back in range(index - 1, max(-1, index - 4), -1):
            if mentions[back]:
                return (
                    list(dict.fromkeys(code for code, _ in mentions[back])),
                    "taken from an earlier sentence",
                )
        return [], None


def _relative(span: tuple[int, int], sentence: Sentence) -> int:
    return span[0] + sentence.start


#: A parenthesis holding a figure of its own ("(grade ≥3 in 5%)"): its grade is that figure's.
_FIGURE_ASIDE = re.compile(r"\([^()]*\d\s?%[^()]*\)")


def _severe_rate(text: str, ends: list[names.Mention], at: int) -> bool:
    """Whether the CRS / ICANS rate at ``at`` is a grade ≥ 3 rate: said in the few words just
    before it ("(grade ≥3, 5%)", "severe CRS in 4%"), or qualifying the syndrome named before it
    in the same clause ("severe cytokine release syndrome (grade 3 or higher) occurs in about
    5%", read before as any grade and contradicted by the any-grade rates of 90–100 %); an aside
    holding a figure of its own ("CRS (grade ≥3 in 5%) in 90%") qualifies that figure only."""
    near = text[max(0, at - 30) : at].rsplit(";", 1)[-1].rsplit(")", 1)[-1]
    starts = [start for _, (start, _) in ends if start <= at]
    if not starts:
        return names.severe(near)
    clause = re.split(r"[,;.:]", text[max(0, starts[-1] - 25) : starts[-1]])[-1]
    said = _FIGURE_ASIDE.sub(" ", clause + text[starts[-1] : at])
    return names.severe(near) or names.severe(said)


def _nearest_before(mentions: list[names.Mention], at: int) -> str | None:
    before = [code for code, (s, _) in mentions if s <= at]
    after = [code for code, (s, _) in mentions if s > at]
    return before[-1] if before else after[0] if after else None


def _clause_names(mentions: list[names.Mention], spans: list[tuple[int, int]]) -> list[str | None]:
    """The country (or product) each figure of a sentence belongs to, read from the sentence's
    pattern: "in the US, Yescarta costs $373,000 and in China ¥1,290,000" names each figure's
    country before it, "costs $373,000 in the US and ¥1,200,000 in China" after it. Each figure
    owns the text between it and its neighbours; when every figure has a name on the same side
    (before first, then after), that side pairs them, the name nearest the figure there.
    Otherwise, and for a lone figure (whose sentence sets no pattern: "unlike the US, it costs
    $50,000 in China"), ``None`` for each: the caller takes the nearest country, which a figure
    between two countries can get wrong (the $373,000 above is nearer "China" than "US")."""
    if len(spans) < 2:
        return [None] * len(spans)
    bounds = [0, *(end for _, end in spans)]
    ends = [start for start, _ in spans[1:]] + [None]
    before = [
        [code for code, (at, _) in mentions if low <= at < start]
        for low, (start, _) in zip(bounds, spans, strict=False)
    ]
    after = [
        [code for code, (at, _) in mentions if end <= at and (high is None or at < high)]
        for (_, end), high in zip(spans, ends, strict=True)
    ]
    if all(before):
        return [codes[-1] for codes in before]
    if all(after):
        return [codes[0] for codes in after]
    return [None] * len(spans)


#: What lies between a price and the page's own conversion of it in brackets: "1,290,000 yuan
#: ($178,000)", "(about $178,000)", "(approx. US$178,000)"; the bracketed figure is no claim.
_OWN_CONVERSION = re.compile(
    r"\s?\(\s?(?:(?:about|approximately|approx\.|around|roughly|nearly|almost|some|c\.|ca\.)\s)?"
    r"(?:~|≈)?\s?",
    re.IGNORECASE,
)

#: Words that turn a later price of a one-product sentence to other products ("Yescarta costs
#: $373,000, while other therapies cost $400,000").
_OTHERS = re.compile(r"\b(?:other|others|another|rival|competing|competitors?)\b", re.I)


def _price_products(
    text: str, mentions: list[names.Mention], spans: list[tuple[int, int]]
) -> list[str | None]:
    """The product each price of a sentence is checked against. A sentence naming one product
    gives it to every price ("Yescarta costs $373,000 in the US, while in China it costs
    1,290,000 yuan": the second price was checked against every Chinese product and found
    "supported" by relma-cel's), but for a later price that the text before it gives to
    ``_OTHERS``. A sentence naming several pairs them by its clauses ("Carteyva costs 1,290,000
    yuan and Fucaso costs 1,166,000 yuan"), or leaves each price to every product of its
    country when the clauses set no pattern. An unknown name ("?xyz-cel") takes part in the
    pairing but pairs its price with nothing: "Yescarta costs $373,000 while xyz-cel costs
    $50,000" must not check the $50,000 against Yescarta."""
    named = {p for p, _ in mentions}
    if len(named) != 1 or not spans or next(iter(named)).startswith("?"):
        paired = _clause_names(mentions, spans) if named else [None] * len(spans)
        return [None if p is None or p.startswith("?") else p for p in paired]
    (sole,) = named
    gaps = [text[end:start] for (_, end), (start, _) in zip(spans, spans[1:], strict=False)]
    return [sole] + [None if _OTHERS.search(gap) else sole for gap in gaps]


def _since_endpoint(text: str, ends: list[names.Mention], pct: Percent) -> str:
    """The words between a number and the endpoint named before it (a rate of something else
    in between — "relapse", "survival" — means the number is not that endpoint's)."""
    before = [span for _, span in ends if span[1] <= pct.span[0]]
    return text[before[-1][1] : pct.span[0]] if before else text[: pct.span[0]]


def _joint(text: str, mentions: list[names.Mention]) -> bool:
    """Whether the sentence speaks of its countries together ("in China and the US", "both
    countries"), so that a number in it is about each of them."""
    if re.search(r"\bboth\b|\beach\b", text, re.IGNORECASE):
        return True
    return any(
        re.fullmatch(r"\W*(?:and|or|&|as well as)?\s*(?:the\s)?", text[a[1][1] : b[1][0]], re.I)
        for a, b in zip(mentions, mentions[1:], strict=False)
        if a[0] != b[0]
    )


def _rates(s: Sentence, i: int, ctx: _Context, products: names.Products) -> list[Finding]:
    found = []
    ends = names.endpoints(s.text)
    # "55 of 101 patients" states a rate as plainly as "54.5%"
    percents = sorted(find_percentages(s.text) + find_counts_of(s.text), key=lambda p: p.span)
    respectively = (
        [code for code, _ in names.diseases(s.text)] if "respectively" in s.text else None
    )
    # "Overall and complete response rates … 89% and 70%; … 94% and 74%": pairs, in order.
    pair = _PAIRED_ENDPOINTS.search(s.text)
    paired = (["ORR", "CR"] if pair.group(1)[0].lower() == "o" else ["CR", "ORR"]) if pair else []
    after_pair = [p for p in percents if pair and p.span[0] > pair.end()]
    for pct in percents:
        after = s.text[pct.span[1] : pct.span[1] + 40]
        before = s.text[max(0, pct.span[0] - 60) : pct.span[0]]
        if _CHEAPER.search(after) or _CHEAPER.search(before) and _COST.search(s.text):
            continue
        if _TRIALS.search(after) and _WORLD.search(after + before):
            continue
        endpoint = _nearest_before(ends, pct.span[0])
        if endpoint is None or _OTHER_OUTCOME.search(_since_endpoint(s.text, ends, pct)):
            continue
        if _OTHER_OUTCOME.match(after.lstrip(" )")):
            continue
        if endpoint in ("CRS", "ICANS"):
            endpoint += "_3plus" if _severe_rate(s.text, ends, pct.span[0]) else "_any"
        elif pct in after_pair:
            endpoint = paired[after_pair.index(pct) % 2]
        countries, country_note = ctx.nearest(i, ctx.found_countries, pct.span[0])
        if len(countries) > 1 and not _joint(s.text, ctx.found_countries[i]):
            # "Compared to products in the U.S., China's reach 82.4%": the number's own country;
            # none when the countries were borrowed from an earlier sentence (the page decides).
            own = _nearest_before(ctx.found_countries[i], pct.span[0])
            countries = [own] if own else []
        diseases, disease_note = ctx.nearest(i, ctx.found_diseases, -1)
        if respectively and len(respectively) == len(percents):
            # "lymphoma and leukemia … 77.6% and 82.1%, respectively": paired in order.
            diseases = [respectively[percents.index(pct)]]
        own = [p for p, _ in products.find(s.text)]
        trials = products.find_trials(s.text)
        trial = trials[0] if len(trials) == 1 else None
        notes = [f"country {country_note}"] * bool(country_note) + [
            f"disease {disease_note}"
        ] * bool(disease_note)
        others = diseases[1:] if len(diseases) > 1 and not disease_note else []
        found.append(
            Finding(
                "safety" if endpoint[:3] in ("CRS", "ICA") else "rate",
                s,
                (s.start + pct.span[0], s.start + pct.span[1]),
                countries=countries,
                # a trial named is checked in its own indication, whatever the page's disease
                indication=products.trials[trial][0] if trial else (diseases or [None])[0],
                endpoint=endpoint,
                product=own[0] if len(set(own)) == 1 else None,
                trial=trial,
                trial_country=products.trials[trial][1] if trial else None,
                percent=pct,
                values=["approved_products"] if _SCOPE_APPROVED.search(s.text) else None,
                other_diseases=others,
                notes=notes,
            )
        )
    return found


def _prices(s: Sentence, i: int, ctx: _Context, products: names.Products) -> list[Finding]:
    if not _COST.search(s.text) or _NOT_A_PRICE.search(s.text):
        return []
    found = []
    moneys = find_money(s.text)
    claimed = [
        money
        for previous, money in zip([None, *moneys], moneys, strict=False)
        # "1 million yuan ($154,000)": the page's own conversion, not a claim
        if not (previous and _OWN_CONVERSION.fullmatch(s.text[previous.span[1] : money.span[0]]))
    ]
    spans = [money.span for money in claimed]
    paired = _clause_names(ctx.found_countries[i], spans)
    owners = _price_products(s.text, products.find(s.text), spans)
    for money, country, product in zip(claimed, paired, owners, strict=True):
        countries, note = ctx.nearest(i, ctx.found_countries, money.span[0])
        if country:
            countries = [country, *(code for code in countries if code != country)]
        if note and len(countries) > 1:
            # "American and European companies … Chinese startup Gracell" then "Gracell plans to
            # price its treatment at around $71,000": which country the price belongs to is not
            # said, and taking the first one named checks a Chinese price against US prices.
            note = f"country not named; the sentence before names several ({', '.join(countries)})"
            countries = []
        if money.currency == "CNY" and countries[:1] == ["JP"] and s.text[money.span[0]] in "¥￥":
            # "¥" is the yen's sign too: a price in Japan written "¥33.49 million" is in yen.
            money = replace(money, currency="JPY")
        window = s.text[max(0, money.span[0] - 100) : money.span[1] + 60]
        found.append(
            Finding(
                "total_cost" if _TOTAL.search(window) else "price",
                s,
                (s.start + money.span[0], s.start + money.span[1]),
                countries=countries[:1],
                product=product,
                money=money,
                values=["domestic"] if _DOMESTIC.search(window) else None,
                date=_price_year(s.text),
                notes=[note if countries == [] else f"country {note}"] * bool(note),
            )
        )
    return found


def _relative_costs(s: Sentence, i: int, ctx: _Context, products: names.Products) -> list[Finding]:
    if not _COST.search(s.text):
        return []
    ratios: list[tuple[tuple[int, int], tuple[float, float | None]]] = []
    for pct in find_percentages(s.text):
        after = s.text[pct.span[1] : pct.span[1] + 40]
        before = s.text[max(0, pct.span[0] - 40) : pct.span[0]]
        if (_CHEAPER.search(after) or _CHEAPER.search(before)) and pct.low == pct.high:
            # "about 60% less" stands for 54–66 %, "60% less" for 59.5–60.5 %, as a rate does
            ratios.append((pct.span, point_range(pct.low, pct.decimals, pct.approximate)))
        elif (_CHEAPER.search(after) or _CHEAPER.search(before)) and pct.low is not None:
            ratios.append((pct.span, (pct.low, pct.high)))
        elif (_CHEAPER.search(after) or _CHEAPER.search(before)) and pct.high is not None:
            ratios.append((pct.span, (0.0, pct.high)))
    for multiple in find_multiples(s.text):
        # "a tenth", "seven times cheaper" stand for the figure at its printed precision
        # (9.5–10.5), "roughly a tenth" for ±10 % of it (APPROXIMATE_RULE), as a rate does, and
        # so does each end of "7–10 times"; read as exactly 10 they were contradicted by any
        # discount but 90.0 %.
        low = max(point_range(multiple.low, multiple.decimals, multiple.approximate)[0], 1.0)
        high = point_range(multiple.high, multiple.decimals, multiple.approximate)[1]
        # "7–10 times lower" is a discount of 1 − 1/7 to 1 − 1/10.
        low, high = (1 - 1 / low) * 100, (1 - 1 / high) * 100
        ratios.append((multiple.span, (round(low, 1), round(high, 1))))
    # "NexCAR19 costs roughly a tenth of the US price": the one product named is the cheaper side
    named = {p for p, _ in products.find(s.text) if not p.startswith("?")}
    found = []
    for span, bounds in ratios:
        mentioned = [c for c, _ in names.countries(s.text)]
        countries = list(dict.fromkeys(mentioned))
        if not countries:
            countries, _ = ctx.nearest(i, ctx.found_countries, span[0])
        found.append(
            Finding(
                "relative_cost",
                s,
                (s.start + span[0], s.start + span[1]),
                countries=countries[:2],
                product=next(iter(named)) if len(named) == 1 else None,
                number=bounds,
            )
        )
    return found


#: A bound written before a count of approved products ("more than five approved products").
_BOUND_BEFORE = re.compile(rf"\b({_BOUNDS})\s+$", re.IGNORECASE)


def _count_bounds(n: float, word: str | None) -> tuple[float, float | None]:
    """The counts a stated count stands for: "over 300" from 300 up, "fewer than 2,000" up to
    2,000, "about 850" ±10 % (``APPROXIMATE_RULE``, as for rates and prices), "850" itself."""
    word = (word or "").lower()
    if word in ("over", "more than", "above", "at least"):
        return n, None
    if word in ("fewer than", "less than", "under", "below", "up to"):
        return 0.0, n
    if word:
        return n * (1 - APPROXIMATE_BAND), n * (1 + APPROXIMATE_BAND)
    return n, n


_DATED = re.compile(r"\b(?:as of|by|until|through|at the end of)\s$", re.IGNORECASE)

#: A year a price is given for: "in 2017", "as of 2023", "since 2022" (``_price_year``).
_PRICE_DATED = re.compile(r"\b(?:in|as of|by|since|during)\s$", re.IGNORECASE)
#: A sentence about the price now ("now costs", "currently", "has risen to"): a year in it
#: dates something else ("Since its approval in 2017, Kymriah's price has risen to …").
_PRESENT = re.compile(
    r"\b(?:now|currently|today|current|ris(?:en|es)|rose|increas\w*|rais(?:ed|es)|climb\w*)\b",
    re.IGNORECASE,
)


def _price_year(text: str) -> str | None:
    """The date a price sentence gives its price for ("In 2017, Yescarta had a list price of
    $373,000", "NexCAR19 cost about $36,000 in 2023"): checked against the latest price recorded
    in that year, a launch price is not contradicted by a later one. None when the sentence
    speaks of the price now, or dates nothing."""
    if _PRESENT.search(text):
        return None
    return next((d.iso for d in find_dates(text) if _PRICE_DATED.search(text[: d.span[0]])), None)


def _dated(text: str) -> str | None:
    """The date a count is given for ("As of Jan. 31, 2024, … 300 trials" → 2024-01-31)."""
    return next((d.iso for d in find_dates(text) if _DATED.search(text[: d.span[0]])), None)


def _country_counts(
    kind: str, pattern: re.Pattern[str], least: int, s: Sentence, i: int, ctx: _Context
) -> list[Finding]:
    """A ``kind`` finding for each count ``pattern`` matches that is at least ``least`` in a
    sentence naming a country; its bounds from the word before it, its date from "as of …"."""
    if not ctx.found_countries[i]:
        return []
    found = []
    for m in pattern.finditer(s.text):
        n = count_value(m.group("n"))
        if n < least:
            continue
        countries, _ = ctx.nearest(i, ctx.found_countries, m.start())
        found.append(
            Finding(
                kind,
                s,
                (s.start + m.start(), s.start + m.end()),
                countries=countries[:1],
                number=_count_bounds(n, m.group("above")),
                ongoing=kind == "trial_count" and bool(_ONGOING.search(m.group(0))),
                date=_dated(s.text),
            )
        )
    return found


def _counts(s: Sentence, i: int, ctx: _Context) -> list[Finding]:
    found = []
    part = _PART_OF.search(s.text)
    counts = [part] if part else _APPROVED_COUNT.finditer(s.text)
    for m in counts:
        if not _APPROVED.search(s.text):
            continue
        n = count_value(m.group("n") or m.group("n2"))
        bound = _BOUND_BEFORE.search(s.text[: m.start("n") if m.group("n") else m.start("n2")])
        countries, _ = ctx.nearest(i, ctx.found_countries, m.start())
        by = _AS_OF.search(s.text)
        found.append(
            Finding(
                "approved_count",
                s,
                (s.start + m.start(), s.start + m.end()),
                countries=countries[:1],
                number=_count_bounds(n, bound.group(1) if bound else None),
                date=by.group(1) if by else None,
            )
        )
    # "two trials" of a product or trials of a hospital ("we completed 300 trials"), "two
    # centres" of a network: a country's count is larger and names its country in the sentence.
    found += _country_counts("trial_count", _TRIAL_COUNT, 10, s, i, ctx)
    found += _country_counts("centre_count", _CENTRE_COUNT, 2, s, i, ctx)
    for pct in find_percentages(s.text):
        around = s.text[max(0, pct.span[0] - 40) : pct.span[1] + 60]
        if _TRIALS.search(around) and _WORLD.search(around):
            countries, _ = ctx.nearest(i, ctx.found_countries, pct.span[0])
            found.append(
                Finding(
                    "trial_share",
                    s,
                    (s.start + pct.span[0], s.start + pct.span[1]),
                    countries=countries[:1],
                    percent=pct,
                )
            )
    return found


def _dated_product(named: list[names.Mention], dates: list[PageDate], date: PageDate) -> str | None:
    """The product an approval date belongs to: the one named last before it ("Kymriah was
    approved in 2017"), else the first named after it ("In 2017, the FDA approved Kymriah")
    unless another date lies nearer that product ("China approved its first CAR-T in 2021, …
    the United States approved Kymriah in 2017": 2021 is not Kymriah's date)."""
    at = date.span[0]
    before = [code for code, (start, _) in named if start <= at]
    if before:
        return before[-1]
    after = [(code, start) for code, (start, _) in named if start > at]
    if not after:
        return None
    code, start = after[0]
    nearest = min(dates, key=lambda d: abs(d.span[0] - start))
    return code if nearest == date else None


def _approval_dates(s: Sentence, i: int, ctx: _Context, products: names.Products):
    if not _APPROVED.search(s.text):
        return []
    found = []
    named = products.find(s.text)
    dates = find_dates(s.text)
    if not named:
        return []
    for date in dates:
        product = _dated_product(named, dates, date)
        if product is None:
            continue
        if len(date.iso) == 4 and not re.search(r"\b(?:in|since)\s$", s.text[: date.span[0]], re.I):
            continue  # a bare year is a date only in "approved in 2017"
        # the country named nearest the date: "China approved its first CAR-T in 2021, four years
        # after the United States approved Kymriah in 2017" dates Kymriah in the US, not in CN
        countries, _ = ctx.nearest(i, ctx.found_countries, date.span[0])
        found.append(
            Finding(
                "approval_date",
                s,
                (s.start + date.span[0], s.start + date.span[1]),
                countries=countries[:1],
                product=product,
                date=date.iso,
            )
        )
    return found


def _rate_order(s: Sentence, mentioned: list[str]) -> list[Finding]:
    """ "Remission rates in China are higher than in the US": a rate compared between two
    countries without a number (the first country is the one before the comparison)."""
    order = _HIGHER.search(s.text) or _LOWER.search(s.text)
    if order is None or len(mentioned) < 2 or _COST.search(order.group(0)):
        return []
    safety = _SIDE_EFFECTS.search(s.text)
    if not (safety or _EFFICACY.search(s.text) or names.endpoints(s.text)):
        return []
    before = names.countries(s.text[: order.end()])
    subject = before[-1][0] if before else mentioned[0]
    other = next((c for c in mentioned if c != subject and c != "EU"), None)
    if other is None:
        return []
    kind = "greater" if _HIGHER.search(order.group(0)) else "less"
    ends = [code for code, _ in names.endpoints(s.text)]
    metric = "CRS_any" if safety else ("ORR" if ends and ends[0] == "ORR" else "CR")
    if metric == "ORR" and not re.search(r"\b(?:overall|objective) response|\bORR\b", s.text, re.I):
        metric = "CR"  # "results", "efficacy", "success rates": the headline response is CR
    diseases = list(dict.fromkeys(code for code, _ in names.diseases(s.text)))
    return [
        Finding(
            "order",
            s,
            (s.start + order.start(), s.start + order.end()),
            countries=[subject, other],
            indication=disease,
            endpoint=metric,
            compare=kind,
        )
        for disease in diseases or [None]
    ]


#: What a comparison word compares, read in the words right after it, in this order.
_COMPARED_THING = (
    ("trial_count", _TRIALS),
    (
        "distinct_targets",
        re.compile(r"\b(?:targets|antigens|constructs|experimental|investigational)\b", re.I),
    ),
    ("approved_products", re.compile(r"\b(?:products|therapies|treatments)\b", re.I)),
)


def _compared(text: str, lead: re.Match[str]) -> list[str]:
    """The counts a "leads" / "broader" word compares. The thing named right after it, up to the
    clause's end, decides: "a broader array of experimental … constructs targeting various
    antigens, including those not yet approved in the US" compares what is being tried
    (targets), not approved products, although the sentence says "approved"; "a higher volume
    of ongoing clinical trials" compares trials, not the approved products named before it.
    A word naming none of them compares every count the sentence speaks of."""
    kinds = []
    if _TRIALS.search(text) and not find_percentages(text) and _LEADS.search(text):
        kinds.append("trial_count")
    if _APPROVED.search(text) and re.search(r"products|therapies|treatments", text, re.I):
        kinds.append("approved_products")
    if _VARIETY.search(text):
        kinds.append("distinct_targets")
    clause = re.split(r"[,;:]", text[lead.end() :], maxsplit=1)[0][:100]
    named = next((kind for kind, words in _COMPARED_THING if words.search(clause)), None)
    if named is None:
        return kinds
    return [named] if named in kinds or named == "distinct_targets" else []


def _comparisons(s: Sentence, i: int, ctx: _Context) -> list[Finding]:
    found = []
    mentioned = list(dict.fromkeys(c for c, _ in names.countries(s.text)))
    both = bool(re.search(r"\bboth (?:countries|nations)\b|\bregardless of where\b", s.text, re.I))
    similar = _SIMILAR.search(s.text)
    if similar and (len(mentioned) >= 2 or both):
        if _SIDE_EFFECTS.search(s.text):
            # "side effects such as CRS and neurotoxicity (ICANS) are similar": each one named
            # (side effects in general: CRS, the commonest)
            neuro = bool(_NEUROTOXICITY.search(s.text))
            crs = bool(re.search(r"\bCRS\b|\bcytokine release\b", s.text, re.I)) or not neuro
            metrics = ["CRS_any"] * crs + ["ICANS_any"] * neuro
        elif _EFFICACY.search(s.text) or names.endpoints(s.text):
            metrics = ["CR"]
        else:
            metrics = []
        diseases = list(dict.fromkeys(code for code, _ in names.diseases(s.text)))
        approved = bool(_RESPECTIVE_APPROVED.search(s.text))
        for metric, disease in ((m, d) for m in metrics for d in diseases or [None]):
            found.append(
                Finding(
                    "similar",
                    s,
                    (s.start + similar.start(), s.start + similar.end()),
                    countries=mentioned,
                    indication=disease,
                    endpoint=metric,
                    compare="similar",
                    values=["approved_products"] if approved and metric == "CR" else None,
                )
            )
    found += _rate_order(s, mentioned)
    lead = _LEADS.search(s.text) or _BROADER.search(s.text)
    if lead and mentioned:
        subject = _nearest_before(names.countries(s.text), lead.start()) or mentioned[0]
        world = "world" if _WORLD_LEAD.fullmatch(lead.group()) else None
        for kind in _compared(s.text, lead):
            found.append(
                Finding(
                    "greater",
                    s,
                    (s.start + lead.start(), s.start + lead.end()),
                    countries=mentioned,
                    endpoint=kind,
                    compare="greater",
                    values=[subject],
                    ongoing=kind == "trial_count" and bool(_ONGOING.search(s.text)),
                    versus=world if kind == "trial_count" else None,
                )
            )
    combined = _US_EUROPE_LEAD.search(s.text)
    if combined and mentioned and _TRIALS.search(s.text):
        subject = _nearest_before(names.countries(s.text), combined.start()) or mentioned[0]
        found.append(
            Finding(
                "greater",
                s,
                (s.start + combined.start(), s.start + combined.end()),
                countries=[subject],
                endpoint="trial_count",
                compare="greater",
                values=[subject],
                ongoing=bool(_ONGOING.search(s.text)),
                versus="US_and_Europe",
            )
        )
    if _TARGETING.search(s.text) and _APPROVED.search(s.text) and len(mentioned) == 1:
        listed = names.targets(s.text)
        if len(listed) >= 2 and not _VARIETY.search(s.text):
            m = _TARGETING.search(s.text)
            found.append(
                Finding(
                    "targets",
                    s,
                    (s.start + m.start(), s.start + m.end()),
                    countries=mentioned,
                    values=listed,
                )
            )
    return found


def extract(text: str, products: names.Products) -> list[Finding]:
    """Every finding in ``text``, in the order of the page."""
    sentences = split_sentences(text)
    ctx = _Context(
        sentences,
        [names.countries(s.text) for s in sentences],
        [names.diseases(s.text) for s in sentences],
    )
    found: list[Finding] = []
    for i, s in enumerate(sentences):
        if s.text.endswith("?"):
            continue  # a question asserts nothing
        found += _rates(s, i, ctx, products)
        found += _prices(s, i, ctx, products)
        found += _relative_costs(s, i, ctx, products)
        found += _counts(s, i, ctx)
        found += _approval_dates(s, i, ctx, products)
        found += _comparisons(s, i, ctx)
    return sorted(found, key=lambda f: f.span)

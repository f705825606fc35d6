"""Numbers as web pages write them: percentages and percentage ranges, money with its currency
and multiplier (million, 万, lakh), multiples ("7–10 times") and counts written as words.

Every finder returns the character span of what it read, so a claim can point at its words.
Amounts are read by price-parser (it knows "1,200,000", "1.200.000" and "120 000"); this module
only adds what it lacks: ranges, multipliers and the currency names of CAR-T pages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from cartatlas.rounding import half_up

#: A number as pages write it: grouped thousands (comma, dot or space) or a plain decimal. At
#: most seven groups (10^24): unbounded, a run of 25,000 groups was scanned to its end from each
#: group, then backtracked group by group (an article of 100,000 characters took 9 minutes).
#: A number never ends where a comma, dot or no-break space goes on with digits: it is longer
#: than seven groups, or no number of this typography ("1.200.000,-" was read as 1.200).
NUMBER = r"(?:\d{1,3}(?:[,\u00a0 ]\d{3}){1,7}(?:\.\d+)?|\d+(?:\.\d+)?)(?![,.\u00a0]\d)"

_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "dozen": 12,
}
#: Where a figure may start: not inside a word or another number. Without it "often" was read as
#: ten, "weight centres" as eight centres, "COVID-19 trials" as 19 trials, "1e400" as 400,
#: "over -5 centres" as 5 and the cents of "1.234.567,89" as a price of 89.
EDGE = r"(?<![\w.,^\u2212-])"
_BARE_COUNT = rf"(?:{NUMBER}|(?:{'|'.join(_WORDS)})\b)"
COUNT = EDGE + _BARE_COUNT

_MULTIPLIERS = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "lakh": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "crore": 1e7,
    "crores": 1e7,
    "万": 1e4,
    "亿": 1e8,
}
_MULT = r"(?:\s?(?:thousand|million|billion|lakhs?|lac|crores?|mn|bn|[mk])\b|\s?[万亿])"

# Currency words before and after the amount, each mapped to its ISO 4217 code.
_PREFIX = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "CNY",
    "￥": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "₹": "INR",
    "inr": "INR",
    "rs.": "INR",
    "rs": "INR",
    "jpy": "JPY",
    "₩": "KRW",
    "krw": "KRW",
    "chf": "CHF",
}
_SUFFIX = {
    "usd": "USD",
    "us dollars": "USD",
    "dollars": "USD",
    "eur": "EUR",
    "€": "EUR",  # after the amount as European texts write it: "327.000 €"
    "euros": "EUR",
    "euro": "EUR",
    "gbp": "GBP",
    "pounds": "GBP",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "元": "CNY",
    "元人民币": "CNY",
    "inr": "INR",
    "rupees": "INR",
    "yen": "JPY",
    "jpy": "JPY",
    "円": "JPY",
    "krw": "KRW",
    "won": "KRW",  # only after a multiplier or a grouped number: ``_BARE_WON``
    "chf": "CHF",
    "swiss francs": "CHF",
}


def _alternation(words: dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# "@" stands for the group-name prefix of the first ("a") or second ("b") amount of a range.
_AMOUNT = rf"(?P<@num>{NUMBER})(?P<@mult>{_MULT})?"
_PRE = rf"(?P<@pre>{_alternation(_PREFIX)})\s?"
_POST = rf"\s?(?P<@post>{_alternation(_SUFFIX)})(?![a-z])"
_LINK = r"\s?(?:-|–|—|to|and|through)\s?(?:(?:over|more than|above)\s)?"


def _money_pattern() -> re.Pattern[str]:
    one = rf"(?:{_PRE})?{_AMOUNT}(?:{_POST})?"
    first, second = one.replace("@", "a"), one.replace("@", "b")
    return re.compile(
        rf"(?<![A-Za-z0-9.])(?<!\d,)(?:between\s)?{first}(?:{_LINK}{second})?",
        re.IGNORECASE | re.UNICODE,
    )


_MONEY = _money_pattern()
_ABOVE_MONEY = re.compile(
    r"(?:over|more than|above|exceeds?|exceeding|at least|upwards of)\s*$", re.I
)
#: "less than $200,000", "under 1.5 million yuan", "up to $500,000": the amount is an upper bound.
_BELOW_MONEY = re.compile(
    r"(?:less than|under|below|up to|at most|no more than|as much as)\s*$", re.IGNORECASE
)
#: "$375,000 and $500,000 or even higher", "$1 million or more": the amount is a lower bound.
_OR_MORE = re.compile(r",?\s(?:or|and)\s(?:even\s|much\s)?(?:higher|more|above)\b", re.I)


@dataclass(frozen=True)
class Money:
    """An amount or a range of amounts in one currency (``high`` None: a single amount;
    ``open_high``: "…to over $500,000", "more than $1 million", "… or even higher")."""

    low: float
    high: float | None
    currency: str
    span: tuple[int, int]
    open_high: bool = False
    approximate: bool = False  # written with "about", "around", … (``APPROXIMATE_RULE``)
    #: The figure the top of an open range goes beyond: "$375,000 to over $500,000" and
    #: "between $375,000 and $500,000 or even higher" → 500000 (an end the check tests too).
    top_over: float | None = None


_DECIMAL = re.compile(r"\d+\.\d+")
#: Longest figure read, in characters. price-parser takes time quadratic in a number's length (a
#: price of 100,000 digits held ``check-article`` and the API for 100 s), and no price or count
#: is printed with more; a longer one is read as infinite, which the claim refuses (not
#: checkable: ``structure.TOO_LONG``).
LONGEST_FIGURE = 64


def parse_amount(number: str, multiplier: str | None = None) -> float:
    """ "1,200,000" → 1200000; "1.2" with "million" → 1200000; "120" with "万" → 1200000."""
    from price_parser import Price

    if len(number) > LONGEST_FIGURE:
        return math.inf
    factor = _MULTIPLIERS[multiplier.strip().lower()] if multiplier and multiplier.strip() else 1
    if factor != 1 and _DECIMAL.fullmatch(number):
        # Before a scale word a dot is a decimal point: price-parser read "$1.125 million" as
        # 1125 million (1,125,000,000 USD).
        return float(Decimal(number) * Decimal(str(factor)))
    amount = Price.fromstring(number.replace("\u00a0", " ")).amount_float
    if amount is None:
        raise ValueError(f"not a number: {number!r}")
    # In decimal, so "¥33.49 million" is 33,490,000, not 33,490,000.000000004 printed as such.
    return float(Decimal(str(amount)) * Decimal(str(factor)))


_WORDED = re.compile(
    r"\b(?P<part>half a|a quarter of a|a|one) (?P<mult>million|billion) (?:US )?"
    r"(?P<cur>dollars|euros|pounds|yuan)\b",
    re.IGNORECASE,
)
_PARTS = {"half a": 0.5, "a quarter of a": 0.25, "a": 1.0, "one": 1.0}
_WORDED_CURRENCY = {"dollars": "USD", "euros": "EUR", "pounds": "GBP", "yuan": "CNY"}


def find_money(text: str) -> list[Money]:
    """Every amount of money with a currency: "$120,000 to $170,000", "1 million yuan",
    "120万元", "RMB 1.2 million", "₹45 lakh", "between $373,000 and $475,000 USD", and
    amounts in words ("half a million dollars")."""
    found = [
        Money(
            _PARTS[m.group("part").lower()] * _MULTIPLIERS[m.group("mult").lower()],
            None,
            _WORDED_CURRENCY[m.group("cur").lower()],
            m.span(),
            bool(_ABOVE_MONEY.search(text[max(0, m.start() - 20) : m.start()])),
        )
        for m in _WORDED.finditer(text)
    ]
    for m in _MONEY.finditer(text):
        code = _currency(m)
        if code is None or _bare_won(m):
            continue
        if _listed(m):
            # "price tags of $475,000 and $373,000": two prices, not a range (that needs
            # "between"); read as one, the second was dropped (it is below the first).
            first = _MONEY.match(text, m.start(), _part_end(m, "a"))
            second = _MONEY.match(text, _part_start(m, "b"), m.end())
            pair = [_money(part, text, code) for part in (first, second) if part]
            borrows = len(pair) == 2 and not m.group("amult") and m.group("bmult")
            if borrows and pair[0].low < pair[1].low / 100:
                # "1.2 and 1.5 million yuan": the first amount borrows the multiplier too.
                borrowed = parse_amount(m.group("anum"), m.group("bmult"))
                pair[0] = replace(pair[0], low=borrowed)
            found += pair
            continue
        found.append(_money(m, text, code))
    return sorted((_capped(money, text) for money in found), key=lambda money: money.span)


def _capped(money: Money, text: str) -> Money:
    """A single amount after "less than", "under", "up to" as the range from 0 to it: read as
    the amount ±10 %, "under 1.5 million yuan" was contradicted by prices of 1.0–1.3 million."""
    before = text[max(0, money.span[0] - 20) : money.span[0]]
    if money.high is None and not money.open_high and _BELOW_MONEY.search(before):
        return replace(money, low=0.0, high=money.low)
    return money


def _bare_won(m: re.Match[str]) -> bool:
    """ "In 2017 it won approval": a plain number before "won" is no amount of Korean won; one
    is read only with a multiplier or grouped digits ("360 million won", "360,039,359 won")."""
    post = (m.group("bpost") or m.group("apost") or "").lower()
    number = m.group("bnum") or m.group("anum")
    multiplier = m.group("bmult") or m.group("amult")
    return post == "won" and not multiplier and "," not in number


def _currency(m: re.Match[str]) -> str | None:
    pre_a, post_a, pre_b, post_b = (m.group(g) for g in ("apre", "apost", "bpre", "bpost"))
    return next(
        (
            table[word.lower()]
            for word, table in (
                (pre_a, _PREFIX),
                (post_a, _SUFFIX),
                (pre_b, _PREFIX),
                (post_b, _SUFFIX),
            )
            if word
        ),
        None,
    )


_PART_GROUPS = ("pre", "num", "mult", "post")


def _part_end(m: re.Match[str], part: str) -> int:
    return max(m.end(part + g) for g in _PART_GROUPS if m.group(part + g))


def _part_start(m: re.Match[str], part: str) -> int:
    return min(m.start(part + g) for g in _PART_GROUPS if m.group(part + g))


def _listed(m: re.Match[str]) -> bool:
    """Two amounts joined by "and" without "between" before them: a list of two prices."""
    if not m.group("bnum") or m.group(0).lower().startswith("between"):
        return False
    link = m.string[_part_end(m, "a") : _part_start(m, "b")]
    return link.strip().lower() == "and"


def _money(m: re.Match[str], text: str, code: str) -> Money:
    """The amount or range one match of ``_MONEY`` writes, in the currency ``code``."""
    low = parse_amount(m.group("anum"), m.group("amult"))
    high = None
    if m.group("bnum"):
        # "1.2–1.5 million yuan": the first amount borrows the second's multiplier.
        high = parse_amount(m.group("bnum"), m.group("bmult"))
        if not m.group("amult") and m.group("bmult") and low < high / 100:
            low = parse_amount(m.group("anum"), m.group("bmult"))
    if high is not None and high < low:
        # "$375,000 - 2" is not a range of money; keep the first amount alone.
        high = None
    before = text[max(0, m.start() - 20) : m.start()]
    open_high = (
        bool(re.search(r"over|more than|above", m.group(0), re.IGNORECASE))
        and (high is not None)
        or (high is None and bool(_ABOVE_MONEY.search(before)))
        or bool(_OR_MORE.match(text, m.end()))
    )
    approximate = bool(re.search(rf"\b{_ABOUT}\s*$", before, re.IGNORECASE))
    top_over = high if open_high and high is not None else None
    return Money(low, high, code, m.span(), open_high, approximate, top_over)


@dataclass(frozen=True)
class Percent:
    """A percentage or range; ``high`` None means "over/more than low"; ``decimals`` is the
    precision the page wrote (82.4 → 1), so a check can honour it."""

    low: float | None
    high: float | None
    span: tuple[int, int]
    decimals: int = 0
    approximate: bool = False
    #: The figure the top of an open range goes beyond ("30% to over 60%", "between 30% and
    #: 60%+" → 60): a lower bound on the range's top, which the check tests as its other end.
    top_over: float | None = None


_PCT = r"\s?(?:%|percent\b|per cent\b)"
_ABOVE = r"(?:over|more than|above|exceed(?:s|ed|ing)?|greater than|at least|upwards of|>|≥)"
_BELOW = (
    r"(?:under|less than|below|up to|as high as|as much as|at most|"
    r"no (?:higher|more|greater) than|<|≤)"
)
_ABOUT = r"(?:about|around|approximately|roughly|nearly|almost|close to|~|an estimated)"
_PERCENT = re.compile(
    rf"(?:(?P<between>between|from)\s)?"
    rf"(?:(?P<bound>{_ABOVE}|{_BELOW}|{_ABOUT})\s?)?"
    rf"{EDGE}(?P<a>\d+(?:\.\d+)?)(?P<apct>{_PCT})?"
    # "30% and 60%" is a range only after "between"; otherwise it is two values.
    rf"(?:\s?(?:-|–|—|to|(?(between)and|(?!)))\s?(?:(?P<open>{_ABOVE})\s?)?"
    rf"(?P<b>\d+(?:\.\d+)?))?"
    rf"(?(apct)(?P<bpct>{_PCT})?|(?P<bpct2>{_PCT}))"
    rf"(?P<plus>\+)?",
    re.IGNORECASE,
)


#: A rate written as counts of patients: "55 of 101 patients", "59 out of the 101 evaluable
#: patients". A noun for people must follow, so "2 of 3 trials" is no rate.
_COUNT_OF = re.compile(
    r"(?<![\d.,])(?P<x>\d{1,6})\s(?:of|out of)\s(?:the\s)?(?P<n>\d{1,6})(?![\d.,%])"
    r"(?=\s(?:\w+\s)?(?:patients|participants|subjects|people|children|adults)\b)",
    re.IGNORECASE,
)


def find_counts_of(text: str) -> list[Percent]:
    """ "55 of 101 patients" as the rate it states (54.5%, to one decimal: the counts fix it
    more finely than a whole percentage would); a count above its whole, or of none, is
    skipped."""
    found = []
    for m in _COUNT_OF.finditer(text):
        x, n = int(m.group("x")), int(m.group("n"))
        if n > 0 and x <= n:
            rate = half_up(100 * x / n, 1)
            found.append(Percent(rate, rate, m.span(), 1))
    return found


def _decimals(number: str) -> int:
    return len(number.partition(".")[2])


def find_percentages(text: str) -> list[Percent]:
    """ "82.4%", "40-54%", "30% to over 60%", "between 30% and 60%+", "more than 50%",
    "60–70 %", "up to 90 percent", "about 80%"."""
    found = []
    for m in _PERCENT.finditer(text):
        if m.group("b") and not (m.group("apct") or m.group("bpct") or m.group("bpct2")):
            continue
        if m.group("b") and m.group("apct") and not m.group("bpct"):
            # "30% and 5 patients": the second number is not a percentage.
            a_only = _PERCENT.match(text, m.start(), m.start("apct") + len(m.group("apct")))
            if a_only is None:
                continue
            m = a_only
        a = float(m.group("a"))
        b = float(m.group("b")) if m.group("b") else None
        bound = (m.group("bound") or "").lower()
        above = bool(re.fullmatch(_ABOVE, bound, re.IGNORECASE)) or bool(m.group("plus"))
        below = bool(re.fullmatch(_BELOW, bound, re.IGNORECASE))
        approximate = bool(re.fullmatch(_ABOUT, bound, re.IGNORECASE))
        if b is not None:
            if b < a:
                continue
            open_top = bool(m.group("open") or m.group("plus"))
            found.append(
                Percent(
                    a,
                    None if open_top else b,
                    m.span(),
                    _decimals(m.group("a")),
                    approximate,
                    b if open_top else None,
                )
            )
        elif above:
            found.append(Percent(a, None, m.span(), _decimals(m.group("a")), approximate))
        elif below:
            found.append(Percent(None, a, m.span(), _decimals(m.group("a")), approximate))
        else:
            found.append(Percent(a, a, m.span(), _decimals(m.group("a")), approximate))
    return found


#: "about X" (any word of ``_ABOUT``) stands for X ± this share of X, for rates and prices alike.
APPROXIMATE_BAND = 0.10
APPROXIMATE_RULE = (
    f"a figure written with 'about', 'around', 'approximately', 'roughly', 'nearly', 'almost', "
    f"'close to' or '~' stands for ±{APPROXIMATE_BAND:.0%} of itself (about 80% → 72–88%, about "
    f"$375,000 → $337,500–$412,500); a price without such a word stands for ±1% of itself, as "
    f"prices are printed rounded ($373,000 written $375,000: check.PRICE_ROUNDING_RULE); a rate "
    f"without one stands for its printed precision (82.4% → 82.35–82.45%)"
)


def point_range(value: float, decimals: int, approximate: bool) -> tuple[float, float]:
    """The interval a printed rate stands for (``APPROXIMATE_RULE``): 82.4 → 82.35–82.45 (the
    page's precision); "about 80" → 72–88 (±10 % of the hedged figure, never narrower than its
    printed precision)."""
    half = 0.5 * 10.0**-decimals
    if approximate:
        half = max(half, APPROXIMATE_BAND * value)
    return (max(value - half, 0.0), value + half)


@dataclass(frozen=True)
class Multiple:
    """ "7–10 times lower": a ratio range and its direction (``lower`` or ``higher``)."""

    low: float
    high: float
    direction: str
    span: tuple[int, int]
    decimals: int = 0  # the precision the figure is written to ("1.5 times" → 1)
    approximate: bool = False  # "roughly a tenth", "about five times cheaper" (APPROXIMATE_RULE)


_MULTIPLE = re.compile(
    rf"(?P<a>{COUNT})(?:\s?(?:-|–|—|to)\s?(?P<b>{_BARE_COUNT}))?\s?(?:times|x|fold|-fold)\s"
    r"(?:(?:less|lower|cheaper|more|higher|greater|as)\b|the\s(?:price|cost))",
    re.IGNORECASE,
)


_FRACTION = re.compile(
    r"\b(?:a|one)[- ](?P<word>tenth|fifth|quarter|third|half)\b|(?<![\d.])1/(?P<n>\d+)(?:th)?\b",
    re.IGNORECASE,
)
_FRACTIONS = {"tenth": 10, "fifth": 5, "quarter": 4, "third": 3, "half": 2}


def find_multiples(text: str) -> list[Multiple]:
    """ "7–10 times lower", "five times cheaper", and fractions of a price: "a tenth of",
    "1/10th of the cost" (a price ten times lower)."""
    found = []
    for m in _FRACTION.finditer(text):
        n = float(_FRACTIONS[m.group("word").lower()] if m.group("word") else m.group("n"))
        if n > 1:
            found.append(Multiple(n, n, "lower", m.span(), 0, _hedged(text, m.start())))
    for m in _MULTIPLE.finditer(text):
        a = count_value(m.group("a"))
        b = count_value(m.group("b")) if m.group("b") else a
        tail = m.group(0).lower()
        direction = "lower" if re.search(r"less|lower|cheaper", tail) else "higher"
        places = _decimals(m.group("a")) if re.match(r"\d", m.group("a")) else 0
        found.append(Multiple(a, b, direction, m.span(), places, _hedged(text, m.start())))
    return found


def _hedged(text: str, start: int) -> bool:
    """Whether "about", "roughly", … comes right before ``start`` (``APPROXIMATE_RULE``)."""
    return bool(re.search(rf"\b{_ABOUT}\s*$", text[max(0, start - 20) : start], re.IGNORECASE))


def count_value(word: str) -> float:
    """ "five" → 5, "1,200" → 1200."""
    lowered = word.strip().lower()
    if lowered in _WORDS:
        return float(_WORDS[lowered])
    return parse_amount(lowered)

"""Is a recorded number or date really in its supporting quote?

Sources print numbers as "1,200,000", "$475 000", "370'000", "1.2 million", "Rs 30 lakh",
"120万", "3264万7761円", "15·4" or "83%", and in German and other European texts as "327.000 €"
or "327.000,00 Euro";
dates as "August 30, 2017", "30 Aug 2017", "2017-08-30" or "2017年8月30日". Both sides are
normalized so a value matches only when the quote states it, and "54" never matches inside "154"
or "5.4".
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal, InvalidOperation

# Swiss sources group thousands with an apostrophe ("370'000 Franken"). Only a real grouping
# is joined: one to three leading digits, then groups of three ("1,200,000"); a CSV row
# ("JP,2017,105.101901") keeps its fields apart.
_GROUP_SEPARATOR = "[,\u202f\u00a0\u2009'\u2019]"
_THOUSANDS = re.compile(rf"(?<![\d.])\d{{1,3}}(?:{_GROUP_SEPARATOR}\d{{3}})+(?![\d])")
# Journals also group thousands with a plain space ("$475 000"); "in 2018 100 patients" must
# still give 2018 and 100, so space-grouped numbers are read in addition, never instead.
_SPACE_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_LEADING_DOT = re.compile(r"(?<![\d.])\.(\d)")
# German and other European texts group thousands with a dot and write decimals with a comma
# ("327.000,00 Euro"). "327.000" is 327 in English, so the dot is read as grouping only where the
# text is known to be European: the value is an amount in a currency whose sources print it that
# way (the checker says so), or the quote itself writes a comma decimal ("79,2 %", ",00"). A
# comma decimal is one or two digits after a comma, not after a letter or bracket, which are
# footnote marks ("MCL1,2", "2019)1,4"). Grouping starts with 1-9 ("0.125" is a decimal), and a
# dot before an English scale word is a decimal point ("€1.125 million").
_COMMA_DECIMAL = re.compile(r"(?<![\w.,)\]])(\d+(?:\.\d{3})*),(\d{1,2})(?![\d,])")
_DOT_THOUSANDS = re.compile(
    r"(?<![\d.,])[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?(?!\d|\.\d|\s*(?:million|billion|thousand))"
)
DOT_GROUPING_CURRENCIES = frozenset({"EUR", "CHF"})
# A quote that writes a decimal point ("45.5%", "0.7341") is English, whatever else it holds:
# "grade 3,4 neutropenia in 45.5%" lists grades 3 and 4 and states no 3.4. A dot before three
# digits is no such sign ("1.125" is a decimal in English and 1125 in German).
_DOT_DECIMAL = re.compile(r"(?<![\d.,])\d+\.(?:\d{1,2}|\d{4,})(?![\d.])")
_NUMBER = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*(million|billion|thousand|lakh|crore|万|亿|千))?(?![\d])"
)
# Japanese prices write the units after 万 straight on: "3264万7761円" is 32,647,761 yen.
_MAN_COMPOUND = re.compile(r"(?<![\d.])(\d+)万(\d{1,4})(?![\d.])")
_SCALE = {
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "thousand": Decimal(10) ** 3,
    "lakh": Decimal(10) ** 5,  # Indian numbering: 1 lakh = 100,000; 1 crore = 10,000,000
    "crore": Decimal(10) ** 7,
    "万": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
    "千": Decimal(10) ** 3,
}


# fmt: off
_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
# fmt: on
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_BELOW_100 = rf"(?:({'|'.join(_TENS)})(?:[- ]({'|'.join(_UNITS[1:10])}))?|({'|'.join(_UNITS)}))"
_WORD_NUMBER = re.compile(
    rf"\b(?:({'|'.join(_UNITS[1:10])})\s+hundred(?:\s+and)?(?:\s+{_BELOW_100})?|{_BELOW_100})\b",
    re.IGNORECASE,
)


def _below_100(tens: str, unit: str, small: str) -> int | None:
    if small:
        return _UNITS.index(small.lower())
    if tens:
        return 10 * (_TENS.index(tens.lower()) + 2) + (_UNITS.index(unit.lower()) if unit else 0)
    return None


def _word_numbers(text: str) -> set[Decimal]:
    """Numbers papers spell out at the start of a sentence ("Seventy-four patients",
    "One hundred twenty-two patients")."""
    found = set()
    for hundreds, h_tens, h_unit, h_small, tens, unit, small in _WORD_NUMBER.findall(text):
        if hundreds:
            rest = _below_100(h_tens, h_unit, h_small) or 0
            found.add(Decimal(100 * _UNITS.index(hundreds.lower()) + rest))
        else:
            value = _below_100(tens, unit, small)
            if value is not None:
                found.add(Decimal(value))
    return found


def _european(text: str) -> str:
    """The text with European numbers written the English way: "327.000,00" as "327000.00",
    "79,2" as "79.2"."""
    text = _DOT_THOUSANDS.sub(lambda m: m.group().replace(".", "").replace(",", "."), text)
    return _COMMA_DECIMAL.sub(r"\1.\2", text)


def numbers_in(text: str, *, dot_grouping: bool = False) -> set[Decimal]:
    """Every number the text states, with and without its word scale ("1.2 million" gives both),
    and numbers below a thousand written as words. With ``dot_grouping``, or when the text
    writes a comma decimal and no dot decimal, "327.000" is read as 327000 instead of 327."""
    text = text.replace("·", ".").replace("\u2212", "-")
    if dot_grouping or (_COMMA_DECIMAL.search(text) and not _DOT_DECIMAL.search(text)):
        text = _european(text)
    text = _LEADING_DOT.sub(r"0.\1", text)  # "P = .03" states 0.03
    text = _THOUSANDS.sub(lambda m: re.sub(_GROUP_SEPARATOR, "", m.group()), text)
    found = _word_numbers(text)
    for variant in {text, _SPACE_THOUSANDS.sub("", text)}:
        for digits, scale in _NUMBER.findall(variant):
            value = Decimal(digits)
            found.add(value)
            if scale:
                found.add(value * _SCALE[scale.lower()])
    for man, units in _MAN_COMPOUND.findall(text):
        found.add(Decimal(man) * _SCALE["万"] + Decimal(units))
    return found


def number_in_quote(value: float | int | str, quote: str, *, currency: str | None = None) -> bool:
    """True when the quote states the value; ``currency`` is given when the value is an amount
    of money in it, so a euro or franc amount is read with European dot grouping."""
    try:
        wanted = Decimal(str(value))
    except InvalidOperation:
        return False
    dot_grouping = (currency or "").upper() in DOT_GROUPING_CURRENCIES
    return any(wanted == found for found in numbers_in(quote, dot_grouping=dot_grouping))


# A count of none printed in words ("No neurologic events occurred") has no digit to find, and
# "no" alone in a quote says nothing about which count it denies; so the row names the quote's
# words in its note, ``0 stated as 'No neurologic events occurred'``, and those words must be in
# the quote and say none.
_ZERO_STATED = re.compile(r"""\b0 stated as ['"‘“](.+?)['"’”](?=\W|$)""")
_NONE = re.compile(r"\b(?:no|none|zero|nil|neither|nor|not)\b", re.IGNORECASE)


def zero_stated_words(note: str | None) -> str | None:
    """The quote's words a row's note names as stating a count of none, if it names any."""
    named = _ZERO_STATED.search(note or "")
    return named.group(1) if named else None


def zero_stated(note: str | None, quote: str) -> bool:
    """True when the note names words of the quote that say none ("No … occurred")."""
    words = zero_stated_words(note)
    return bool(words and words.lower() in quote.lower() and _NONE.search(words))


def _date_patterns(iso: str) -> list[str]:
    parts = iso.split("-")
    year = parts[0]
    if len(parts) == 1:
        return [rf"(?<!\d){year}(?!\d)"]  # digits only: "2024年" states 2024
    month = int(parts[1])
    full, abbr = calendar.month_name[month], calendar.month_abbr[month]
    sept = r"|Sept\.?" if month == 9 else ""
    months = rf"(?:{full}|{abbr}\.?{sept})"
    if len(parts) == 2:
        return [
            rf"\b{months},?\s+{year}\b",
            rf"(?<!\d){year}-{month:02d}(?![\d])",
            rf"{year}\s*年\s*0?{month}\s*月",
            rf"(?<![\d/]){month}/{year}\b",  # a US label's "Recent Major Changes": "12/2025"
        ]
    day = int(parts[2])
    return [
        rf"\b{months}\s+0?{day}(?:st|nd|rd|th)?,?\s+{year}\b",
        rf"\b0?{day}(?:st|nd|rd|th)?\s+{months},?\s+{year}\b",
        rf"(?<!\d){year}-{month:02d}-{day:02d}(?!\d)",
        rf"\b0?{month}/0?{day}/{year}\b",
        rf"(?<![\d.])0?{day}\.0?{month}\.{year}(?!\d)",  # Swiss/German day.month.year: "12.01.2023"
        rf"{year}\s*年\s*0?{month}\s*月\s*0?{day}\s*日",
    ]


def date_in_quote(iso: str, quote: str) -> bool:
    """True when the quote states the date at the precision recorded (day, month or year)."""
    return any(re.search(p, quote, flags=re.IGNORECASE) for p in _date_patterns(iso))


_YEAR_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
# Landmarks below a year that news pages spell out ("Six-month duration of response").
_MONTH_WORDS = {6: "six", 12: "twelve", 18: "eighteen"}


def landmark_in_quote(months: int, quote: str) -> bool:
    """True when the quote names the time point: "24-month", "24 months", "six-month",
    "2-year", "2 years", "two-year" (whole years only)."""
    month_unit, year_unit = r"mo(?:nths?)?", r"y(?:ears?|rs?)?"
    units = {str(months): month_unit}
    if months in _MONTH_WORDS:
        units[_MONTH_WORDS[months]] = month_unit
    if months % 12 == 0:
        years = months // 12
        units[str(years)] = year_unit
        units[_YEAR_WORDS.get(years, str(years))] = year_unit
    return any(
        re.search(rf"\b{number}[- ]?{unit}\b", quote, flags=re.IGNORECASE)
        for number, unit in units.items()
    )

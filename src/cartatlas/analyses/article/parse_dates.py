"""Dates as pages write them, kept at the precision written: "2021.12" and "June 2021" are a
month, "June 22, 2021", "2024.02.23" and "22 June 2021" a day, "in 2017" a year.

Dates with month names go through dateparser (it knows every spelling and language); the dotted
numeric forms of Chinese pages ("2021.12", "2024.02.23") are read here because dateparser would
take "2021.12" for a decimal number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
#: A year of the last two centuries, as pages write one.
YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    rf"(?P<dotted>(?<![\d.]){YEAR}[./-](?:0?[1-9]|1[0-2])(?:[./-](?:0?[1-9]|[12]\d|3[01]))?(?![\d]))"
    rf"|(?P<cjk>{YEAR}年(?:0?[1-9]|1[0-2])月(?:(?:0?[1-9]|[12]\d|3[01])日)?)"
    rf"|(?P<named>(?:\d{{1,2}}(?:st|nd|rd|th)?\s)?{_MONTHS}(?:\s\d{{1,2}}(?:st|nd|rd|th)?,?)?\s{YEAR})"
    rf"|(?P<year>(?<![\d.,$])\b{YEAR}\b(?![.,]?\d))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageDate:
    """An ISO date cut to the precision the page gave: "2021", "2021-12" or "2021-12-03"."""

    iso: str
    span: tuple[int, int]

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.iso)]


def _numeric(text: str) -> str:
    parts = [int(p) for p in re.split(r"[./\-年月日]", text) if p]
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])])


def _named(text: str) -> str | None:
    import dateparser

    has_day = bool(re.search(r"\d{1,2}(?:st|nd|rd|th)?[\s,]", text.strip()[:3] + " ")) or bool(
        re.search(rf"{_MONTHS}\s\d{{1,2}}\b(?!\d)", text, re.IGNORECASE)
    )
    parsed = dateparser.parse(
        text, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False}
    )
    if parsed is None:
        return None
    return parsed.strftime("%Y-%m-%d" if has_day else "%Y-%m")


def find_dates(text: str) -> list[PageDate]:
    """Every date in ``text`` with its span."""
    found = []
    for m in _DATE.finditer(text):
        if m.group("dotted") or m.group("cjk"):
            iso = _numeric(m.group(0))
        elif m.group("named"):
            iso = _named(m.group(0))
        else:
            iso = m.group(0)
        if iso:
            found.append(PageDate(iso, m.span()))
    return found


_WRITTEN = re.compile(
    r"\b(?:last\s)?(?:modified|updated|published|posted)(?:\s(?:date|on))?\s?[:：]?\s*", re.I
)


def written_on(text: str) -> str | None:
    """The date a page says it was written or last changed ("Modified date: 2025-12-05",
    "Updated on March 3, 2024"), at its precision; the last one a page gives wins (a page that
    lists both its publication and its update dates was in force when last updated)."""
    found = None
    for m in _WRITTEN.finditer(text):
        dates = find_dates(text[m.end() : m.end() + 40])
        if dates and dates[0].span[0] == 0 and len(dates[0].iso) > 4:
            found = dates[0].iso
    return found

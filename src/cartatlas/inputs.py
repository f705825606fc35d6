"""What people type → the values cartatlas works with: countries, products, indications.

One module for every surface (CLI and web), so that "China", "cn", "中国" and "PR China" mean the
same everywhere, and a miss always says what would have worked ("did you mean …"). Nothing here
guesses: an input that matches no known name raises :class:`InputError` with suggestions.
"""

from __future__ import annotations

import difflib
import gettext
import re
from collections.abc import Callable, Iterable
from functools import cache

from cartatlas.registries.countries import country_code

# Everyday Chinese names that differ from the ISO translations pycountry ships (大韩民国 → 韩国).
CHINESE_ALIASES = {
    "韩国": "KR",
    "南韩": "KR",
    "中国大陆": "CN",
    "大陆": "CN",
    "台湾": "TW",
    "美國": "US",
    "中國": "CN",
    "英國": "GB",
    "韓國": "KR",
}
_SEPARATORS = re.compile(r"[,;，、\s]+")
_LIST_MARKS = re.compile(r"[,;，、]+")


class InputError(ValueError):
    """A value the user typed matches nothing valid; the message says what would."""

    user_facing = True  # its message is written for the user: one line, no traceback


def suggest(text: str, names: Iterable[str], count: int = 3) -> list[str]:
    """The known names closest to ``text`` (case-insensitive), best first."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name.lower(), name)
    close = difflib.get_close_matches(text.strip().lower(), list(by_key), n=count, cutoff=0.6)
    return [by_key[key] for key in close]


def did_you_mean(text: str, names: Iterable[str], count: int = 3) -> str:
    """ "; did you mean 'ASTCT'?": the end of an error message naming the ``count`` known names
    closest to ``text`` (empty when none is close), worded the same on every surface."""
    close = suggest(text, names, count)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def not_one_of(value: str, allowed: Iterable[str], what: str, write: str) -> str:
    """ "'ASTCT2019' is not one of the allowed values; write 'Lee2014', 'ASTCT' or 'CARTOX';
    did you mean 'ASTCT'?": the one message for a value outside a closed vocabulary (an evidence
    cell's literal, population group, subgroup or indication), naming the value, ``what`` it
    should be, how to ``write`` it and the nearest allowed value, so a variant spelling is caught
    and fixed in the same words on every check."""
    return f"{value!r} is not {what}; write {write}{did_you_mean(value, allowed, count=1)}"


@cache
def _chinese_names() -> dict[str, str]:
    """Chinese country names (simplified and traditional, as pycountry's ISO translations give
    them) plus the everyday short forms in ``CHINESE_ALIASES``."""
    import pycountry

    names: dict[str, str] = {}
    for language in ("zh_TW", "zh_CN"):  # simplified wins where both spell a name the same way
        translate = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        ).gettext
        for country in pycountry.countries:
            names[translate(country.name)] = country.alpha_2
    return names | CHINESE_ALIASES


@cache
def _english_names() -> tuple[str, ...]:
    """Codes and English names, the pool suggestions are drawn from."""
    import pycountry

    names: list[str] = []
    for country in pycountry.countries:
        names += [country.alpha_2, country.name, getattr(country, "common_name", country.name)]
    return tuple(names)


def nearest_countries(text: str) -> list[str]:
    """The codes of the countries whose code or English name is nearest to ``text``, best
    first ("Chna" → CN), for a "did you mean" on surfaces that take codes only."""
    return list(dict.fromkeys(country_code(n) for n in suggest(text, _english_names())))


def _alpha_3(text: str) -> str | None:
    """The alpha-2 code of an ISO alpha-3 code (CHN → CN, GBR → GB): "CHN" was refused with
    "did you mean 'HN' (Honduras)"."""
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        return None
    import pycountry

    found = pycountry.countries.get(alpha_3=text.upper())
    return found.alpha_2 if found else None


def _code(name: str) -> str | None:
    """The alpha-2 code ``name`` spells (a code of two or three letters in any case, an English
    name, alias or Chinese name), or None."""
    return country_code(name) or _chinese_names().get(name) or _alpha_3(name)


def country(text: str) -> str:
    """The ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3 code (any case), English name,
    alias or Chinese name."""
    cleaned = text.strip()
    code = _code(cleaned)
    if code:
        return code
    raise InputError(
        f"unknown country {text!r}{did_you_mean(cleaned, _english_names())} "
        "(give an ISO code such as CN or US, an English name or a Chinese name)"
    )


def listed(values: Iterable[str]) -> list[str]:
    """The words of repeated options and comma lists alike: ``["LBCL,MM", "B-ALL"]`` gives
    ``["LBCL", "MM", "B-ALL"]``, so every list option reads both ways."""
    return [part for value in values for part in _SEPARATORS.split(value.strip()) if part]


def _country_words(values: Iterable[str]) -> list[str]:
    """The country names in ``values``: split at commas and the like, then at spaces only
    where the words together name no country, so ``"United States"`` and ``"South Korea"``
    stay one name (the "did you mean" offers them) while ``"CN US"`` is two."""
    words: list[str] = []
    for value in values:
        for piece in filter(None, (p.strip() for p in _LIST_MARKS.split(value))):
            words += [piece] if _code(piece) else piece.split()
    return words


def countries(values: Iterable[str]) -> list[str]:
    """Codes for ``CN US``, ``CN,US``, ``"United States" China`` or any mix; naming a country
    twice is an error."""
    return each_once(_country_words(values), country)


def each_once(names: Iterable[str], code_of: Callable[[str], str]) -> list[str]:
    """The code of each name in ``names``; two names of one country ([CN, China]) are an error,
    since a comparison would set the country against itself."""
    codes: list[str] = []
    for name in names:
        code = code_of(name)
        if code in codes:
            raise InputError(f"country {name!r} is given twice (as {code}); name it once")
        codes.append(code)
    return codes


def choose(text: str, valid: Iterable[str], what: str) -> str:
    """The valid value ``text`` names, ignoring case; otherwise an error listing them all."""
    options = sorted(set(valid))
    for option in options:
        if option.lower() == text.strip().lower():
            return option
    raise InputError(
        f"unknown {what} {text!r}{did_you_mean(text, options)}; valid: {', '.join(options)}"
        if options
        else f"unknown {what} {text!r}: there are none to choose from"
    )


def product_names(
    product_id: str, inn: str | None, aliases: str | None, brands: str | None
) -> set[str]:
    """Every name a product answers to: ID, INN, aliases and each brand, with a brand's
    bracketed local name on its own (``CN:Yikaida (奕凯达)`` → Yikaida, 奕凯达)."""
    names = {product_id, inn or "", *(aliases or "").split("|")}
    for brand in (brands or "").split("|"):
        name = brand.partition(":")[2].strip()
        local, _, bracketed = name.partition(" (")
        names |= {name, local, bracketed.rstrip(")")}
    return {n.strip() for n in names if n.strip()}


def product(text: str, products: Iterable[tuple[str, str | None, str | None, str | None]]) -> str:
    """The product ID that ``text`` names among ``(product_id, inn, aliases, brands)`` rows."""
    wanted = text.strip().lower()
    every: list[str] = []
    ids: list[str] = []
    for row in products:
        names = product_names(*row)
        if wanted in {name.lower() for name in names}:
            return row[0]
        every += names
        ids.append(row[0])
    hint = did_you_mean(text, every) or f"; known products: {', '.join(sorted(ids))}"
    raise InputError(
        f"no product called {text!r}{hint} "
        "(give a product ID, INN, alias or brand; `cartatlas products --country CN` lists them)"
    )

"""Request parameters shared by the API and the pages, and the 422 that names a bad one.

FastAPI checks types, ranges and patterns itself; the checks here need a table (is ``ZZ`` a
country?) and answer in FastAPI's own 422 shape, so every bad parameter reads the same whichever
check caught it. A product the knowledge base does not hold is a 404, as in the path.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, Field, StringConstraints, WithJsonSchema

from cartatlas import inputs
from cartatlas.evidence.queries import product_names, resolve_product
from cartatlas.registries.countries import all_codes
from cartatlas.store import Store

if TYPE_CHECKING:
    from cartatlas.web.cache import Memo

#: Codes as the API accepts them: upper or lower case (``cn``), never mixed.
_CODES = all_codes()
COUNTRY_SCHEMA = {"type": "string", "enum": [*_CODES, *(c.lower() for c in _CODES)]}
#: What an empty form box sends: nothing, or only spaces.
BLANK_SCHEMA = {"type": "string", "pattern": "^[ \\t\\r\\n]*$"}

# Validated by :func:`country`; documented as the exact codes accepted, so that a client or a
# contract test (schemathesis) knows which values are accepted.
CountryCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), WithJsonSchema(COUNTRY_SCHEMA)
]
Text = Annotated[str, StringConstraints(max_length=200)]
DEFAULT_COUNTRIES = ("CN", "US")


def blank_is_none(value: object) -> object:
    """An empty form box sends ``age=`` or ``country=``: that means "not given", not a bad
    value (only the blanks :data:`BLANK_SCHEMA` documents)."""
    return None if isinstance(value, str) and not value.strip(" \t\r\n") else value


def optional_country(description: str) -> Any:
    """A country-code query parameter that an empty box leaves unset; only its help differs."""
    return Annotated[
        CountryCode | None,
        BeforeValidator(blank_is_none),
        WithJsonSchema({"anyOf": [COUNTRY_SCHEMA, BLANK_SCHEMA]}),
        Query(description=description),
    ]


CountryQuery = optional_country("ISO 3166-1 alpha-2 country code, e.g. CN; empty: any country")
#: A study's country of conduct: a multinational trial (ZUMA-1, KarMMa, …) has none, so a
#: country filter leaves it out though it treated patients there (the report lists it apart).
ConductCountryQuery = optional_country(
    "the study's country of conduct, ISO 3166-1 alpha-2, e.g. CN: multinational "
    "trials (ZUMA-1, KarMMa, …) have none and are left out; empty: every study"
)
#: A form box people type in: a code in any case, an English or Chinese name or an alias.
CountryNameQuery = Annotated[
    Text | None,
    BeforeValidator(blank_is_none),
    Query(description="country: ISO code, English or Chinese name (China, 中国, USA, UK)"),
]
AgeQuery = Annotated[
    Annotated[float, Field(ge=0, le=120)] | None,
    BeforeValidator(blank_is_none),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 120}, BLANK_SCHEMA]}),
    Query(description="patient age in years, 0–120 (eligibility); empty: any age"),
]
ProductQuery = Annotated[
    Text | None, Query(description="product ID, INN, alias (axi-cel) or brand (Yescarta)")
]
CountriesQuery = Annotated[
    list[CountryCode],
    Query(
        min_length=1,
        max_length=6,
        description="ISO 3166-1 alpha-2 codes; repeat the parameter for each country",
    ),
]


def bad_param(name: str, value: object, message: str, where: str = "query") -> Exception:
    """The 422 FastAPI gives for a parameter that fails validation, for checks made here."""
    return RequestValidationError(
        [{"type": "value_error", "loc": (where, name), "msg": message, "input": value}]
    )


def given_once(name: str, values: list[str]) -> None:
    """Refuse a parameter that takes one value given several times (``?a=CN&a=US``): answering
    for one of them, silently, answers another question than the one asked."""
    if len(values) > 1:
        raise bad_param(
            name,
            values,
            f"{name!r} is given {len(values)} times ({', '.join(map(repr, values))}); it takes "
            "one value: give it once",
        )


#: What a country parameter takes, in the words every bad one is answered with.
COUNTRY_EXPECTED = "expected a two-letter ISO country code such as US, CN, DE"


def country_problem(value: object) -> str:
    """Why ``value`` is not a country code, in plain words, with the code it most likely means:
    the code of a name or alias ("China" → CN), else the codes nearest in spelling."""
    text = str(value or "").strip()
    if not text:
        return f"{COUNTRY_EXPECTED}; got nothing"
    try:
        guesses = [inputs.country(text)]
    except inputs.InputError:
        guesses = inputs.nearest_countries(text)
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    return f"{COUNTRY_EXPECTED}; got {text!r}{hint}"


#: A parameter value longer than this is echoed in an error by its start and its length: a
#: 30,000-character value came back in full, twice per problem, on every 422.
ECHO_LIMIT = 80


def clipped(value: str) -> str:
    """``value`` as an error message may repeat it: whole when short, else its first characters
    and how long it is."""
    if len(value) <= ECHO_LIMIT:
        return value
    return f"{value[: ECHO_LIMIT - 20]}… ({len(value):,} characters)"


def plain_errors(errors: list[dict]) -> list[dict]:
    """FastAPI's validation errors with a country parameter's pattern message ("String should
    match pattern '^[A-Za-z]{2}$'") replaced by :func:`country_problem`, so that pages and the
    API say the same plain words; a long value is echoed :func:`clipped`, in the message and as
    the error's input."""
    country_pattern = CountryCode.__metadata__[0].pattern
    plain = [
        {**error, "msg": country_problem(error.get("input"))}
        if error.get("type") == "string_pattern_mismatch"
        and (error.get("ctx") or {}).get("pattern") == country_pattern
        else error
        for error in errors
    ]
    return [_clip_echoes(error) for error in plain]


def _clip_echoes(error: dict) -> dict:
    """The error with every long string of its input (one value, or a repeated parameter's
    list) shortened where the message repeats it and in the input itself."""
    given = error.get("input")
    values = given if isinstance(given, list) else [given]
    long = [v for v in values if isinstance(v, str) and len(v) > ECHO_LIMIT]
    if not long:
        return error
    message = str(error.get("msg", ""))
    for value in long:
        message = message.replace(value, clipped(value))
    shown = [clipped(v) if isinstance(v, str) else v for v in values]
    return {**error, "msg": message, "input": shown if isinstance(given, list) else shown[0]}


def country(name: str, value: str | None) -> str | None:
    """The upper-case code, or 422 when ``value`` is not an ISO 3166-1 alpha-2 code in upper
    or lower case (as :data:`COUNTRY_SCHEMA` documents)."""
    if value is None:
        return None
    if value not in _accepted_codes():
        raise bad_param(name, value, country_problem(value))
    return value.upper()


@cache
def _accepted_codes() -> frozenset[str]:
    return frozenset(COUNTRY_SCHEMA["enum"])


def country_named(name: str, value: str | None) -> str | None:
    """The code for a country as typed in a form (the CLI's resolver, so "China", "中国" and
    "cn" mean the same on both), or 422 with its "did you mean"."""
    if value is None:
        return None
    try:
        return inputs.country(value)
    except inputs.InputError as exc:
        raise bad_param(name, value, str(exc)) from None


def countries(name: str, values: list[str]) -> list[str]:
    """Checked, upper-cased, duplicates dropped (order kept)."""
    return list(dict.fromkeys(country(name, v) for v in values))


def product(store: Store, name: str, value: str | None, memo: Memo | None = None) -> str | None:
    """A product filter (ID, INN, alias or brand) resolved to its ID; an unknown one is a 404
    (:class:`UnknownProduct`), as for ``/api/products/{key}``: which products exist depends on
    the data, not on the request's form. With ``memo``, the product names are read once per data
    version instead of on every request."""
    if value is None:
        return None
    names = memo.get(store, "product-names", lambda: product_names(store)) if memo else None
    return resolve_product(store, value, names)

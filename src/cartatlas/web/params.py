"""Request parameters shared by the API and the pages, and the 422 that names a bad one.

FastAPI checks types, ranges and patterns itself; the checks here need a table (is ``ZZ`` a
country?) and answer in FastAPI's own 422 shape, so every bad parameter reads the same whichever
check caught it. A product the knowledge base does not hold is a 404, as in the path.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, Field, StringConstraints, WithJsonSchema

from cartatlas.evidence.queries import resolve_product
from cartatlas.registries.countries import all_codes, country_code
from cartatlas.store import Store

# Validated by :func:`country` (lower case is accepted too); documented as the exact codes, so
# that a client or a contract test (schemathesis) knows which values are accepted.
CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{2}$"),
    WithJsonSchema({"type": "string", "enum": all_codes()}),
]
Text = Annotated[str, StringConstraints(max_length=200)]
DEFAULT_COUNTRIES = ("CN", "US")


def blank_is_none(value: object) -> object:
    """An empty form box sends ``age=`` or ``country=``: that means "not given", not a bad
    value."""
    return None if isinstance(value, str) and not value.strip() else value


CountryQuery = Annotated[
    CountryCode | None,
    BeforeValidator(blank_is_none),
    Query(description="ISO 3166-1 alpha-2 country code, e.g. CN; empty: any country"),
]
AgeQuery = Annotated[
    Annotated[float, Field(ge=0, le=120)] | None,
    BeforeValidator(blank_is_none),
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


def country(name: str, value: str | None) -> str | None:
    """The upper-case code, or 422 when ``value`` is not an ISO 3166-1 alpha-2 code."""
    if value is None:
        return None
    code = value.upper()
    if country_code(code) != code:
        raise bad_param(name, value, f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def countries(name: str, values: list[str]) -> list[str]:
    """Checked, upper-cased, duplicates dropped (order kept)."""
    return list(dict.fromkeys(country(name, v) for v in values))


def product(store: Store, name: str, value: str | None) -> str | None:
    """A product filter (ID, INN, alias or brand) resolved to its ID; an unknown one is a 404
    (:class:`UnknownProduct`), as for ``/api/products/{key}``: which products exist depends on
    the data, not on the request's form."""
    if value is None:
        return None
    return resolve_product(store, value)

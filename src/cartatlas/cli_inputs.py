"""Command-line glue for :mod:`cartatlas.inputs`: the shared country options and the one way a
command turns a bad value into a clear message and exit code 2 (never a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from cartatlas.inputs import InputError
from cartatlas.output import console, tagged

T = TypeVar("T")
err = console(stderr=True)

CountriesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--countries",
        help="Countries: ISO codes, English or Chinese names — --countries CN US, "
        "--countries CN,US or --countries China --countries 美国.",
    ),
]
WideOption = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="One table as wide as its content, source column included (default: fit the "
        "terminal: sources as numbered references below, rows as records if still too wide).",
    ),
]
MoreCountries = Annotated[
    list[str] | None,
    typer.Argument(
        help="Further countries after --countries (--countries CN US).",
        show_default=False,
        metavar="[COUNTRY]...",
    ),
]


def bad_input(message: object) -> typer.Exit:
    """Print ``message`` as an error (as plain text: it quotes what the user typed) → exit 2."""
    err.print(tagged("error", "red", message))
    return typer.Exit(2)


def parse(convert: Callable[..., T], *args: object) -> T:
    """``convert(*args)``, or exit 2 with its message when the input is not valid."""
    try:
        return convert(*args)
    except InputError as exc:
        raise bad_input(exc) from None


def country_list(
    countries: list[str] | None, more: list[str] | None, default: list[str] | None
) -> list[str] | None:
    """Codes from ``--countries`` and the words after it; ``default`` when none were given."""
    from cartatlas.inputs import countries as parse_countries

    given = [*(countries or []), *(more or [])]
    return parse(parse_countries, given) if given else default

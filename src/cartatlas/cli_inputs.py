"""Command-line glue for :mod:`cartatlas.inputs`: the shared country options and the one way a
command turns a bad value into a clear message and exit code 2 (never a traceback)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
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
    if not given:
        return default
    codes = parse(parse_countries, given)
    if not codes:  # --countries "" or ",": an empty table, as if no country had data
        raise bad_input(
            f"--countries {' '.join(map(repr, given))} names no country; give ISO codes, "
            "English or Chinese names, e.g. --countries CN US"
        )
    return codes


def _existing_ancestor(path: Path) -> Path:
    """The nearest folder (or file) on the way to ``path`` that exists."""
    for ancestor in path.absolute().parents:
        if ancestor.exists():
            return ancestor
    return Path(path.anchor or ".")


def _writable_way(path: Path, option: str) -> None:
    """Exit 2 unless the folders on the way to ``path`` exist or can be made, and can be written."""
    ancestor = _existing_ancestor(path)
    if not ancestor.is_dir():
        raise bad_input(f"{option} {path}: {ancestor} is a file, not a folder; choose another path")
    if not os.access(ancestor, os.W_OK):
        raise bad_input(
            f"{option} {path}: cannot write in {ancestor} (permission denied); choose a folder "
            "you can write to"
        )


def output_file(path: Path | None, option: str, example: str) -> Path | None:
    """``path`` when a file can be written there (its missing folders are made when written),
    checked before any work so a long computation never ends on a path that cannot be used;
    otherwise exit 2 saying why and what to give instead (``example``: a file name to suggest
    inside a folder given by mistake)."""
    if path is None:
        return None
    if path.is_dir():
        raise bad_input(
            f"{option} {path}: is a folder; give a file name, e.g. {option} {path / example}"
        )
    _writable_way(path, option)
    return path


def output_folder(path: Path, option: str) -> Path:
    """``path`` when it is, or can become, a folder to write files into; otherwise exit 2."""
    if path.exists() and not path.is_dir():
        raise bad_input(
            f"{option} {path}: is a file; give a folder (it receives several files), e.g. "
            f"{option} {path.with_name(path.name + '-report')}"
        )
    if not path.exists():
        _writable_way(path, option)
    return path


@contextmanager
def writing(path: Path, option: str) -> Iterator[None]:
    """Write ``path`` (its missing folders made first); a system refusal (no such device, no
    space left, a read-only file system) is one error line naming the option, not a traceback."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield
    except OSError as exc:
        raise bad_input(
            f"{option} {path}: cannot write ({exc.strerror or exc}); choose a path in a folder "
            "you can write to"
        ) from None


def print_rejected(message: str) -> None:
    """A record a reader skipped, on standard error as ``import`` lists them: "rejected
    file line N: field: why" (the other records are read)."""
    err.print(tagged("rejected", "red", message))

"""The ``cartatlas`` command line: one Typer app over every part of the package.

Each area keeps its commands in its own ``cli`` module (``cartatlas.evidence.cli`` …); this
file only owns the global options and mounts them, so a newcomer finds a command by its folder name.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from cartatlas.store import resolve_db


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager, a closed CI job) ends a command the way Ctrl-C
    does: the open transaction rolls back and the command says what was kept, instead of the
    process vanishing mid-write with no word."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _App(typer.Typer):
    """The Typer app with a last line of defence: an exception no command expected ends as one
    line on stderr and exit 2, never as a traceback (``CARTATLAS_DEBUG=1`` shows it)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import os

        try:
            with _terminate_as_interrupt():
                return super().__call__(*args, **kwargs)
        except Exception as exc:
            if os.environ.get("CARTATLAS_DEBUG"):
                raise
            from cartatlas.output import console, tagged

            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            if not getattr(exc, "user_facing", False):
                text = (
                    f"{type(exc).__name__}: {text} (unexpected; run again with "
                    "CARTATLAS_DEBUG=1 for the details and report it)"
                )
            console(stderr=True).print(tagged("error", "red", text))
            sys.exit(2)


app = _App(
    help="Compare CAR-T cell therapy across countries: sourced evidence, trial registries, "
    "meta-analysis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: rich-rendered help alone took as long as starting Python and Typer, and plain
    # text wraps docstrings to the terminal and fits 80 columns.
    rich_markup_mode=None,
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Store to use: a DuckDB file path or a postgresql:// URL. "
            "Default: $CARTATLAS_DB, else cartatlas.duckdb in the user data directory.",
        ),
    ] = None,
) -> None:
    """Global options shared by every command."""
    ctx.obj = {"db": resolve_db(db)}


def db_target(ctx: typer.Context) -> str:
    """The store chosen by the global ``--db`` option (or its defaults)."""
    return ctx.find_root().obj["db"]


def _mount() -> None:
    from cartatlas.analyses import cli as analyses_cli
    from cartatlas.analyses import facts_cli
    from cartatlas.analyses.article import cli as article_cli
    from cartatlas.analyses.landscape import cli as landscape_cli
    from cartatlas.classify import cli as classify_cli
    from cartatlas.evidence import cli as evidence_cli
    from cartatlas.registries import cli as registries_cli
    from cartatlas.report import cli as report_cli
    from cartatlas.web import cli as web_cli

    evidence_cli.register(app)
    registries_cli.register(app)
    classify_cli.register(app)
    landscape_cli.register(app)
    analyses_cli.register(app)
    facts_cli.register(app)
    article_cli.register(app)
    report_cli.register(app)
    web_cli.register(app)


_mount()

"""``cartatlas check-article``: every checkable claim of a page with its verdict."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from cartatlas.cli_inputs import output_file, writing
from cartatlas.output import console

out = console(markup=True)
err = console(stderr=True, markup=True)

_COLOURS = {
    "supported": "green",
    "partly supported": "yellow",
    "contradicted": "red",
    "no data": "bright_black",
    "not checkable": "magenta",
}


class ArticleFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"
    html = "html"


def check_article_command(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Argument(help="Text, Markdown or saved HTML file; '-' reads standard input."),
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Fetch the page (needs a network).")
    ] = None,
    fmt: Annotated[
        ArticleFormat,
        typer.Option(
            "--format",
            help="text (one line per claim), json (JSON Lines: one object per claim), md, html.",
        ),
    ] = ArticleFormat.text,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Find every checkable claim of an article (rates, prices, relative costs, counts, approval
    dates, comparisons between countries) and check each against the evidence and registries
    by the rules of the claims file; a sentence stating a figure no rule reads is listed as not
    checkable. The last line is a summary such as "14 checkable claims: 8 supported, 2 partly,
    1 contradicted, 3 no data (2 more not checkable)"."""
    from cartatlas.analyses.article import check_article
    from cartatlas.analyses.article.page_text import (
        ArticleInputError,
        article_text,
        fetch_page,
        read_article,
    )
    from cartatlas.cli import db_target
    from cartatlas.evidence.queries import EvidenceNotLoaded, require_loaded
    from cartatlas.store import StoreMissing, open_store

    if (file is None) == (url is None):
        err.print("[red]error[/red] give a FILE (or '-' for standard input) or --url URL, not both")
        raise typer.Exit(2)
    output = output_file(output, "--out", f"claims.{'txt' if fmt is ArticleFormat.text else fmt}")
    try:
        text = article_text(fetch_page(url)) if url else read_article(file, sys.stdin.buffer)
        with open_store(db_target(ctx), read_only=True) as store:
            require_loaded(store)
            checked = check_article(text, store, lambda: _registry_trials(store))
    except (ArticleInputError, StoreMissing, EvidenceNotLoaded) as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    _write(checked, fmt, output)


def _registry_trials(store):
    from cartatlas.report.context import ReportContext

    context = ReportContext(store, [])
    return context.trials if context.has_registry else None


def _write(checked, fmt: ArticleFormat, output: Path | None) -> None:
    from cartatlas.analyses.article import render

    if fmt is ArticleFormat.text and output is None:
        for label, line in render.to_terminal(checked):
            out.print(escape(line), style=_COLOURS.get(label))
        out.print(escape(checked.summary), style="bold")
        return
    text = {
        ArticleFormat.json: render.to_json_lines,
        ArticleFormat.md: render.to_markdown,
        ArticleFormat.html: render.to_html,
        ArticleFormat.text: lambda c: (
            "".join(line + "\n" for _, line in render.to_terminal(c)) + c.summary + "\n"
        ),
    }[fmt](checked)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()  # the summary goes to standard error; keep it after the claims
    else:
        with writing(output, "--out"):
            output.write_text(text, "utf-8")
        err.print(f"wrote {escape(str(output))}")
    if fmt is not ArticleFormat.text:
        err.print(escape(checked.summary))


def register(app: typer.Typer) -> None:
    app.command("check-article")(check_article_command)

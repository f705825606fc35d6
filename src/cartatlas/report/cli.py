"""``cartatlas report``: write "CAR-T in A vs B" as HTML, PDF and Markdown."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cartatlas.cli_inputs import (
    CountriesOption,
    MoreCountries,
    country_list,
    output_folder,
    writing,
)
from cartatlas.cli_progress import Advance, progress_bar, steps
from cartatlas.output import console, tagged
from cartatlas.report import DEFAULT_COUNTRIES
from cartatlas.store import Store, StoreMissing, open_store

if TYPE_CHECKING:
    from cartatlas.report.model import Report

err = console(stderr=True)
FORMATS = ("html", "pdf", "md")


def report(
    ctx: typer.Context,
    countries: CountriesOption = None,
    more: MoreCountries = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")] = Path(
        "report"
    ),
    formats: Annotated[
        str, typer.Option("--format", help="Comma-separated: html, pdf, md.")
    ] = "html,pdf,md",
    claims: Annotated[
        Path | None,
        typer.Option(
            "--claims",
            help="Claims YAML to check (default: the bundled example article's claims).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Write the country-comparison report from the evidence and registry data in the store."""
    from cartatlas.analyses.claims.model import ClaimsFileError
    from cartatlas.evidence.queries import EvidenceNotLoaded

    codes = country_list(countries, more, list(DEFAULT_COUNTRIES))
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted or len(codes) < 2:
        raise typer.BadParameter(
            f"formats {unknown or [formats]} unknown (use {', '.join(FORMATS)})"
            if unknown or not wanted
            else "give two countries, e.g. --countries CN US"
        )
    out = output_folder(out, "--out")
    started = time.perf_counter()
    try:
        with progress_bar("report") as advance:
            written = _build_and_write(ctx, codes, claims, wanted, out, advance)
    except (StoreMissing, EvidenceNotLoaded, ClaimsFileError) as exc:
        err.print(tagged("error", "red", exc))
        raise typer.Exit(2) from None
    for path in written:
        err.print(f"wrote {path}")
    err.print(f"report built in {time.perf_counter() - started:.1f} s")


def _build_and_write(
    ctx: typer.Context,
    codes: list[str],
    claims: Path | None,
    wanted: list[str],
    out: Path,
    advance: Advance,
) -> list[Path]:
    """Build (or read the stored build) and write each format, reporting each step."""
    from cartatlas.analyses import kept_values
    from cartatlas.analyses.claims import EXAMPLE, load_claims
    from cartatlas.analyses.claims.check import with_product_ids
    from cartatlas.cli import db_target
    from cartatlas.evidence.queries import EvidenceNotLoaded
    from cartatlas.report.build import build_report, generated_now, keep_report, report_name
    from cartatlas.report.parts import Parts
    from cartatlas.store import derived
    from cartatlas.store.versions import data_version

    claims_file = load_claims(claims or EXAMPLE)
    with open_store(db_target(ctx), read_only=True) as store:
        if not store.table_exists("evidence_products"):
            raise EvidenceNotLoaded(
                f"the store {store.shown} holds no evidence; run `cartatlas kb load` first"
            )
        claims_file = with_product_ids(store, claims_file, str(claims or EXAMPLE))
        name = report_name(codes, claims or EXAMPLE)
        version = data_version(store)
        built = derived.load(store, name, version)
        fresh = built is derived.MISSING
        if fresh:
            kept_values.read_stored(store)  # fits and evidence frames are read, not recomputed
            kept = Parts.of(store)  # and the parts that read only the evidence (kb load's)
            built = build_report(store, codes, claims_file, steps(advance, len(wanted)), kept)
        else:
            advance(0, len(wanted), "read from the store")
    if fresh:
        keep_report(db_target(ctx), name, version, built, kept)
    else:
        built = replace(built, generated=generated_now())
        err.print("report read from the store (computed before on the same data)")
    with writing(out, "--out"):
        return _write_formats(built, codes, wanted, out, advance, fresh)


def _write_formats(
    built: Report, codes: list[str], wanted: list[str], out: Path, advance: Advance, fresh: bool
) -> list[Path]:
    """Render the built report into ``out``, one file per format asked for."""
    from cartatlas.report.render import render_html, render_markdown, render_pdf

    out.mkdir(parents=True, exist_ok=True)
    stem = f"cart-{'-vs-'.join(c.lower() for c in codes)}"
    advance(1 if fresh else 0, step="html")
    html_text = render_html(built)
    written = []
    if "html" in wanted:
        written.append(out / f"{stem}.html")
        written[-1].write_text(html_text, "utf-8")
    if "md" in wanted:
        advance(1, step="markdown")
        written.append(out / f"{stem}.md")
        written[-1].write_text(render_markdown(built, out / f"{stem}-figures"), "utf-8")
    if "pdf" in wanted:
        advance(1, step="pdf")
        written.append(out / f"{stem}.pdf")
        render_pdf(html_text, written[-1])
    advance(1)
    return written


def keep_report_parts(store: Store) -> None:
    """After ``kb load`` or an import (``store`` writable): compute the report's parts that
    read only the evidence and the registry sites of its studies, for the default countries,
    where not kept yet (:func:`~cartatlas.report.build.keep_parts`), and say so."""
    from cartatlas.report.build import keep_parts

    if not store.table_exists("evidence_products"):
        return  # no evidence loaded: nothing to compute before `kb load`
    started = time.perf_counter()
    with progress_bar("report parts") as advance:
        computed = keep_parts(store, list(DEFAULT_COUNTRIES), steps(advance))
    if computed:
        err.print(
            f"computed {computed} report part{'s' if computed > 1 else ''} for "
            f"{' vs '.join(DEFAULT_COUNTRIES)} that read only the evidence and its studies' "
            f"registry sites, kept for later reports ({time.perf_counter() - started:.1f} s)"
        )


def register(app: typer.Typer) -> None:
    app.command()(report)

"""Commands over the curated evidence: ``kb check``, ``kb load``, ``kb coverage``,
``kb countries``, ``kb sources``, ``products``, ``outcomes``, ``safety``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from cartatlas.cli_inputs import WideOption, bad_input, parse
from cartatlas.evidence.absence import no_approvals
from cartatlas.inputs import country as country_code
from cartatlas.output import Format, console, emit, tagged
from cartatlas.store import StoreMissing, open_store

if TYPE_CHECKING:  # pydantic and statsmodels load only when a command runs
    from cartatlas.evidence.checks import Evidence
    from cartatlas.store import Store

err = console(stderr=True)

DirOption = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Evidence folder with one CSV per table (default: the bundled data).",
        exists=True,
        file_okay=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]


def _report(evidence: Evidence) -> None:
    for problem in evidence.problems:
        err.print(tagged("error", "red", problem))
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in evidence.rows.items())
    err.print(f"valid rows: {counts}")


def _bundled(directory: Path | None) -> Path:
    from cartatlas.evidence.reading import BUNDLED_DIR

    return directory or BUNDLED_DIR


def kb_check(directory: DirOption = None) -> None:
    """Check every evidence file: sources, quotes, arithmetic, references, duplicates."""
    from cartatlas.evidence.checks import check_evidence

    evidence = check_evidence(_bundled(directory))
    _report(evidence)
    if not evidence.ok:
        err.print(Text(f"{len(evidence.problems)} problem(s) found", "red"))
        raise typer.Exit(1)
    err.print(Text("evidence OK", "green"))


def kb_load(ctx: typer.Context, directory: DirOption = None) -> None:
    """Check the evidence and load every valid row into the store (rejected rows are listed).

    Exits 1 when any row was rejected; the valid rows are loaded all the same. Refuses (exit 2,
    store unchanged) a load that would empty a table that holds rows. After a load, computes
    once the report's parts that read only the evidence (for CN vs US) and keeps them in the
    store, so each later report builds only its registry sections.
    """
    from cartatlas.cli import db_target
    from cartatlas.cli_progress import progress_bar, steps
    from cartatlas.evidence.loader import EmptyingRefused, load_evidence
    from cartatlas.report.cli import keep_report_parts
    from cartatlas.store.connection import shown_url

    try:
        with open_store(db_target(ctx)) as store, progress_bar("kb load") as advance:
            evidence = load_evidence(store, _bundled(directory), steps(advance))
    except EmptyingRefused as exc:
        _report(exc.evidence)
        raise _fail(exc) from None
    _report(evidence)
    err.print(f"loaded into {shown_url(db_target(ctx))}")
    with open_store(db_target(ctx)) as store:
        keep_report_parts(store)  # the report's evidence-only parts, computed once, now
    if not evidence.ok:
        raise typer.Exit(1)


def _fail(exc: Exception) -> typer.Exit:
    return bad_input(exc)


def products(
    ctx: typer.Context,
    country: Annotated[
        str, typer.Option("--country", help="ISO code or name, e.g. CN, US, China, 中国.")
    ],
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
) -> None:
    """Approved CAR-T products in a country, with indications, lines of therapy and dates: one
    row per approval, dated and cited by its strongest source (``cartatlas approvals`` lists
    the others)."""
    from cartatlas.analyses.approvals import approved_product_rows
    from cartatlas.cli import db_target
    from cartatlas.evidence import queries

    code = parse(country_code, country)
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            queries.require_loaded(store)
            rows = approved_product_rows(store, code)
    except (StoreMissing, queries.EvidenceNotLoaded) as exc:
        raise _fail(exc) from None
    if not rows:
        err.print(no_approvals(code))
    emit(queries.APPROVED_COLUMNS, rows, fmt, title=f"CAR-T approvals in {code}", wide=wide)


def _results(ctx: typer.Context, product: str, fmt: Format, kind: str, wide: bool) -> None:
    from cartatlas.cli import db_target
    from cartatlas.evidence import queries

    try:
        with open_store(db_target(ctx), read_only=True) as store:
            rows = queries.study_results(store, product, kind)
    except (StoreMissing, queries.EvidenceNotLoaded, queries.UnknownProduct) as exc:
        raise _fail(exc) from None
    if not rows:
        err.print(f"no data: no {kind} recorded for {product}")
    title = f"{kind} of {product} ({queries.CI_METHOD})"
    columns = queries.RESULT_COLUMNS[kind]
    if fmt is Format.table:
        rows = [_readable(columns, row) for row in rows]
    emit(columns, rows, fmt, title=title, wide=wide)


#: How a table words a result's flags (CSV and JSON keep the stored values).
_WORDS = {
    "grading": {None: "not stated"},
    "events_derived": {True: "derived", False: "counted"},
}


def _readable(columns: list[str], row: tuple) -> tuple:
    """A result row as a reader sees it in a table: "grading: not stated", not "—"; a count
    the source does not print (derived from its percentage, or added up from the cohort or grade
    counts it prints) says "derived", not "True"."""
    return tuple(
        _WORDS[c].get(v, v) if c in _WORDS else v for c, v in zip(columns, row, strict=True)
    )


ProductArg = Annotated[
    str, typer.Option("--product", help="Product ID, INN, alias or brand (axi-cel, Yescarta).")
]


def outcomes(
    ctx: typer.Context,
    product: ProductArg,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
) -> None:
    """Response rates (ORR, CR, …) of a product's studies with n, events and exact 95% CIs;
    sources are numbered references below the table (--wide: a column)."""
    _results(ctx, product, fmt, "outcomes", wide)


def safety(
    ctx: typer.Context,
    product: ProductArg,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
) -> None:
    """CRS and ICANS rates of a product's studies, with grading system and exact 95% CIs;
    sources are numbered references below the table (--wide: a column)."""
    _results(ctx, product, fmt, "safety", wide)


def _from_loaded(ctx: typer.Context, build: Callable[[Store], list[list[str]]]) -> list[list[str]]:
    """Rows ``build`` computes from the store's loaded evidence (exit 2 when there is none)."""
    from cartatlas.cli import db_target
    from cartatlas.evidence import queries

    try:
        with open_store(db_target(ctx), read_only=True) as store:
            queries.require_loaded(store)
            return build(store)
    except (StoreMissing, queries.EvidenceNotLoaded) as exc:
        raise _fail(exc) from None


def kb_coverage(
    ctx: typer.Context,
    fmt: FormatOption = Format.table,
    randomized: Annotated[
        bool,
        typer.Option(
            "--randomized",
            help="List each randomized CAR-T vs standard-of-care trial of an approved product "
            "with its primary-endpoint and OS hazard ratios instead.",
        ),
    ] = False,
    prices: Annotated[
        bool,
        typer.Option(
            "--prices",
            help="List each price year (country × currency) with the exchange-rate year and the "
            "PPP factor that convert it, or the gap, instead.",
        ),
    ] = False,
) -> None:
    """What the loaded evidence holds per approved product × indication, and its gaps."""
    from cartatlas.evidence import conversion_coverage as conversions
    from cartatlas.evidence import coverage as c
    from cartatlas.evidence.absence import hazard_ratio_gaps_said

    if randomized:
        rows = _from_loaded(ctx, c.randomized_coverage)
        title = (
            "Randomized CAR-T vs standard of care: hazard ratios recorded (HR < 1 favours CAR-T)"
        )
        emit(c.RANDOMIZED_COLUMNS, rows, fmt, title=title)
        return
    if prices:
        rows = _from_loaded(ctx, conversions.conversion_coverage)
        title = "Conversion coverage of prices (country × currency × price year)"
        emit(conversions.COLUMNS, rows, fmt, title=title)
        return
    emit(c.COLUMNS, _from_loaded(ctx, c.coverage), fmt, title=c.TITLE)
    if fmt is not Format.table:
        return
    fx_gaps, ppp_gaps = conversions.gap_counts(_from_loaded(ctx, conversions.conversion_coverage))
    if fx_gaps or ppp_gaps:
        console().print(
            Text(
                f"Price years without an exchange rate: {fx_gaps}; without a PPP factor: "
                f"{ppp_gaps} (see `kb coverage --prices`)."
            )
        )
    if gaps := c.randomized_gaps(_from_loaded(ctx, c.randomized_coverage)):
        console().print(
            Text(
                f"Hazard ratios of randomized trials vs standard of care, "
                f"{hazard_ratio_gaps_said(gaps)}."
            )
        )


def kb_countries(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Each registered study's country of conduct next to what its registry site list supports.

    Needs the evidence and the registry records in the store (`kb load`, then `import` or
    `sync`). Exits 1 when a country whose basis is the registry is not supported by it.
    """
    from cartatlas.evidence.countries import COLUMNS, country_audit, failures

    rows = _from_loaded(ctx, country_audit)
    emit(COLUMNS, rows, fmt, title="Country of conduct: curated vs registry sites (≥ 80 % rule)")
    if bad := failures(rows):
        err.print(
            Text(
                f"{len(bad)} registry-based country(ies) not supported by the stored registry "
                f"records: {', '.join(r[0] for r in bad)}",
                "red",
            ),
            "(import the registry snapshot that holds them, or correct country_of_conduct in "
            "studies.csv)",
        )
        raise typer.Exit(1)


def kb_sources(directory: DirOption = None, fmt: FormatOption = Format.table) -> None:
    """How many rows of each table rest on each kind of source, strongest kind first.

    Counts the rows that pass `kb check`; news and secondary sources are weak (never alone
    behind a headline when a stronger source exists). The last columns count the result rows
    on weak pages that name no DOI or PMID, then split them by what their value derives from
    (journal, conference abstract, approval data, or a page that does not say).
    """
    from cartatlas.evidence.checks import check_evidence
    from cartatlas.evidence.source_strength import (
        DERIVATIONS,
        RANKING,
        RESULT_TABLES,
        UNIDENTIFIED,
        kind_counts,
        unidentified,
        unidentified_by_derivation,
    )

    evidence = check_evidence(_bundled(directory))
    records = {name: [row.record for row in rows] for name, rows in evidence.rows.items()}
    counts = kind_counts({name: [r.source_kind for r in rows] for name, rows in records.items()})
    results = {name: rows for name, rows in records.items() if name in RESULT_TABLES}
    gaps = {name: unidentified(rows) for name, rows in results.items()}
    splits = {name: unidentified_by_derivation(rows) for name, rows in results.items()}
    gaps["all tables"] = sum(gaps.values())  # kind_counts' row of totals
    splits["all tables"] = {d: sum(split[d] for split in splits.values()) for d in DERIVATIONS}
    for row in counts:
        split = splits.get(row[0], dict.fromkeys(DERIVATIONS, ""))
        row.extend([gaps.get(row[0], ""), *split.values()])
    columns = ["table", *RANKING, "total", UNIDENTIFIED, *_split_columns(UNIDENTIFIED, DERIVATIONS)]
    emit(columns, counts, fmt, title="Evidence rows per source kind")
    if fmt is Format.table and gaps["all tables"]:
        err.print(_unidentified_said(gaps["all tables"], splits), markup=False)
    if not evidence.ok:
        err.print(f"{len(evidence.problems)} row problem(s) not counted; run `cartatlas kb check`")


def _split_columns(column: str, derivations: tuple[str, ...]) -> list[str]:
    """``weak_no_identifier_journal``, …: one column per value of derived_from."""
    return [f"{column}_{derivation}" for derivation in derivations]


def _unidentified_said(total: int, splits: dict[str, dict[str, int]]) -> str:
    """The closing sentence of `kb sources`: the weak rows without identifier, what their values
    come from, and which of them are still to be cited at their source (the journal-derived
    ones, issue #14: a journal paper has a DOI or PMID to find, a meeting abstract or approval
    data may not)."""
    split = splits["all tables"]
    results = sum(splits[name]["journal"] for name in ("outcomes", "safety"))
    return (
        f"weak no identifier: {total} result rows rest on news or secondary pages and name no "
        f"DOI or PMID. What their values come from: a journal paper {split['journal']}, a "
        f"conference abstract {split['conference_abstract']}, approval data (regulator, label "
        f"or company release) {split['approval']}, not said by the page {split['unnamed']}. "
        f"The {split['journal']} journal-derived rows ({results} of them outcome or safety "
        "rows) are the ones still to be cited at their source: each restates a paper that has "
        "a DOI or PMID no stored page has shown yet. docs/evidence/curation-log.md lists the "
        "searches; all these rows stay in detail tables, marked as weak sources."
    )


def register(app: typer.Typer) -> None:
    kb = typer.Typer(
        help="The curated knowledge base: check it, load it, and list its coverage, sources "
        "and countries of conduct.",
        no_args_is_help=True,
        rich_markup_mode=None,  # plain help, as the main app (cartatlas.cli)
    )
    kb.command("check")(kb_check)
    kb.command("load")(kb_load)
    kb.command("coverage")(kb_coverage)
    kb.command("countries")(kb_countries)
    kb.command("sources")(kb_sources)
    app.add_typer(kb, name="kb")
    app.command()(products)
    app.command()(outcomes)
    app.command()(safety)

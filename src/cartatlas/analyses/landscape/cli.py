"""``cartatlas landscape``: counts and shares of CAR trials by country and chosen dimensions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cartatlas.cli_inputs import (
    CountriesOption,
    MoreCountries,
    bad_input,
    country_list,
    output_file,
    print_rejected,
    writing,
)
from cartatlas.output import Format, console, emit
from cartatlas.store import Store, open_store

if TYPE_CHECKING:
    import pandas as pd

err = console(stderr=True)
DIMENSION_NAMES = (
    "year",
    "phase",
    "target",
    "disease",
    "group",
    "status",
    "sponsor",
    "source",
    "cell",
    "in_vivo",
)


def landscape_command(
    ctx: typer.Context,
    countries: CountriesOption = None,
    more_countries: MoreCountries = None,
    by: Annotated[
        str, typer.Option("--by", help=f"Comma-separated dimensions: {', '.join(DIMENSION_NAMES)}.")
    ] = "year",
    shares: Annotated[
        bool,
        typer.Option(
            "--shares",
            help="Print yearly shares of allogeneic, solid-tumour, "
            "autoimmune and in vivo trials instead of counts, with the trials stating a cell "
            "source and the allogeneic share among them (exact 95% CI).",
        ),
    ] = False,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            exists=True,
            dir_okay=False,
            help="API v2 files to use instead of the store.",
        ),
    ] = None,
    include_non_car: Annotated[
        bool, typer.Option("--include-non-car", help="Count every trial, not only CAR trials.")
    ] = False,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Also write the table as CSV.")
    ] = None,
    parquet_path: Annotated[
        Path | None, typer.Option("--parquet", help="Also write the table as Parquet.")
    ] = None,
    figure_path: Annotated[
        Path | None,
        typer.Option(
            "--figure", help="Write the China-vs-US style figure (PNG or SVG by extension)."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Trial activity by country × start year × phase × target × disease × status × sponsor ×
    cell source. Multi-country trials count once per country and once in 'all'; without
    --countries, every country is listed. A printed table is kept in the store and read back
    while the data stay the same."""
    from cartatlas.cli import db_target

    dims = [d.strip() for d in by.split(",") if d.strip()]
    unknown = [d for d in dims if d not in DIMENSION_NAMES]
    if unknown:
        raise typer.BadParameter(
            f"unknown dimension(s) {unknown}; choose from {list(DIMENSION_NAMES)}"
        )
    if len(set(dims)) < len(dims):
        raise typer.BadParameter(
            f"{by!r} names a dimension twice; name each once", param_hint="--by"
        )
    codes = country_list(countries, more_countries, None)
    csv_path = output_file(csv_path, "--csv", "landscape.csv")
    parquet_path = output_file(parquet_path, "--parquet", "landscape.parquet")
    figure_path = output_file(figure_path, "--figure", "landscape.png")
    if figure_path and figure_path.suffix.lower() not in FIGURE_FORMATS:
        raise bad_input(
            f"--figure {figure_path}: cannot draw a figure as {figure_path.suffix or 'no type'!r}; "
            f"end the name with {', '.join(FIGURE_FORMATS)}, e.g. "
            f"--figure {figure_path.with_suffix('.png')}"
        )
    # A table printed from the store is kept under the data version: asked again, it is read
    # back without loading pandas or reading the trials (written files need the frame itself).
    name = (
        None
        if inputs or csv_path or parquet_path or figure_path
        else _name(dims, codes, shares, include_non_car)
    )
    kept = _read(db_target(ctx), name) if name else None
    if kept is None and name and codes and not shares:
        # A country's rows do not depend on the other countries asked for: read them from the
        # every-country table an import keeps (keep_year_table) or an earlier run printed.
        every = _read(db_target(ctx), _name(dims, None, shares, include_non_car))
        kept = _only(every, codes) if every is not None else None
    if kept is None:
        kept = _counted(
            db_target(ctx),
            dims,
            codes,
            shares,
            inputs,
            include_non_car,
            csv_path,
            parquet_path,
            figure_path,
        )
        if name:
            _keep(db_target(ctx), name, kept)
    counted, columns, rows = kept
    err.print(f"{counted} trials counted")
    if "status" in dims:
        from cartatlas.registries.concepts import STATUS_DIMENSION

        err.print(f"Note: {STATUS_DIMENSION}.", markup=False)
    if fmt is Format.table:
        rows = _stated(columns, rows)
    emit(columns, rows, fmt, title="CAR trial landscape")


FIGURE_FORMATS = (".png", ".svg", ".pdf")


def _stated(columns: list[str], rows: list[tuple]) -> list[tuple]:
    """A printed table's missing dimension values (a trial whose record gives no start year)
    as "not stated": a blank cell beside 140 trials read as a row of nothing; a share among the
    trials stating a cell source, where none does, as "no data". CSV and JSON keep them
    empty / null."""
    counts = {"trials", "share", "allogeneic", "solid", "autoimmune", "in_vivo", "stating_source"}
    return [
        tuple(_missing(c, counts) if v is None else v for c, v in zip(columns, row, strict=True))
        for row in rows
    ]


def _missing(column: str, counts: set[str]) -> str | None:
    """What a printed table shows for a missing value in ``column``."""
    if column.startswith("allogeneic_of_stating"):
        return "no data"
    return None if column in counts else "not stated"


def _name(dims: list[str], codes: list[str] | None, shares: bool, include_non_car: bool) -> str:
    """The store's name for one landscape table: everything that decides its rows."""
    return f"landscape:{','.join(dims)}:{','.join(codes or ['*'])}:{shares}:{include_non_car}"


#: The ``all`` row of every table (counts.ALL, not imported here: counts loads pandas).
_ALL = "all"


def _only(table: tuple, codes: list[str]) -> tuple:
    """The rows of ``codes`` (and the ``all`` total) from a table kept for every country."""
    counted, columns, rows = table
    wanted = {*codes, _ALL}
    return counted, columns, [row for row in rows if row[0] in wanted]


def keep_year_table(store: Store) -> None:
    """After an import changed the trials (``store`` writable): keep the by-start-year table of
    every country, so that the first ``landscape --countries …`` on the new data reads its rows
    instead of loading pandas and counting (it is the command's default view)."""
    from cartatlas.analyses.landscape.counts import count
    from cartatlas.analyses.landscape.data import stored_trial_frame
    from cartatlas.store import derived
    from cartatlas.store.versions import data_version

    frame = stored_trial_frame(store)
    frame = frame[frame["is_car"]]
    table = count(frame, ["year"], None)
    kept = (len(frame), list(table.columns), _plain_rows(table))
    derived.save(store, _name(["year"], None, False, False), data_version(store), kept)


def _plain_rows(table: pd.DataFrame) -> list[tuple]:
    """The table's rows as tuples with None for missing values (kept tables hold no pandas)."""
    import pandas as pd

    return [tuple(None if pd.isna(v) else v for v in row) for row in table.itertuples(index=False)]


def _read(target: str, name: str) -> tuple | None:
    """The table kept as ``name`` under the store's current data version, if any."""
    from cartatlas.store import derived

    with open_store(target, read_only=True) as store:
        kept = derived.load(store, name)
    return None if kept is derived.MISSING else kept


def _keep(target: str, name: str, table: tuple) -> None:
    """Keep a printed table for the next run on the same data (not when another process holds
    the store for writing: then it is simply computed again next time)."""
    from cartatlas.store import StoreBusy, derived
    from cartatlas.store.versions import data_version

    try:
        with open_store(target) as store:
            derived.save(store, name, data_version(store), table)
    except StoreBusy:
        return


def _counted(
    target: str,
    dims: list[str],
    codes: list[str] | None,
    shares: bool,
    inputs: list[Path] | None,
    include_non_car: bool,
    csv_path: Path | None,
    parquet_path: Path | None,
    figure_path: Path | None,
) -> tuple[int, list[str], list[tuple]]:
    """Count the trials (and write the files asked for): the number of trials counted, and the
    table's columns and rows."""
    from cartatlas.analyses.landscape.counts import count, yearly_shares
    from cartatlas.analyses.landscape.data import stored_trial_frame, trial_frame
    from cartatlas.classify.sources import read_api_v2

    if inputs:
        records = list(read_api_v2(inputs, print_rejected))
        if not records:  # an empty frame has no columns to count by
            raise bad_input(
                "no study could be read from the --input files; give ClinicalTrials.gov API v2 "
                "files (.json, .jsonl, .jsonl.gz, .zip)"
            )
        frame = trial_frame(records)
    else:
        with open_store(target, read_only=True) as store:
            frame = stored_trial_frame(store)
    if not include_non_car:
        frame = frame[frame["is_car"]]
    table = yearly_shares(frame, codes) if shares else count(frame, dims, codes)
    if csv_path:
        from cartatlas.spreadsheet import defused

        with writing(csv_path, "--csv"):
            defused(table).to_csv(csv_path, index=False)
    if parquet_path:
        with writing(parquet_path, "--parquet"):
            table.to_parquet(parquet_path, index=False)
    if figure_path:
        from cartatlas.cli_progress import progress_bar

        with progress_bar("figure", total=2) as advance:
            advance(0, step="loading matplotlib")
            from cartatlas.analyses.landscape.figure import plot

            advance(1, step="drawing")
            title = f"CAR trials by start year: {' vs '.join(codes) if codes else 'all countries'}"
            with writing(figure_path, "--figure"):
                plot(yearly_shares(frame, codes), figure_path, title)
            advance(1)
        err.print(f"figure written to {figure_path}")
    return len(frame), list(table.columns), _plain_rows(table)


def register(app: typer.Typer) -> None:
    app.command("landscape")(landscape_command)

"""Registry commands: ``sync``, ``import``, ``import-aact``, ``import-ictrp`` and ``trials``.

Thin wrappers: each command opens the store chosen by ``--db``, calls one loader, shows a rich
progress bar and prints what was loaded and rejected. Exit codes: 0 done, 1 done with rejected
records, 2 nothing changed (bad input or arguments), 130 interrupted (a sync resumes next time).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cartatlas.cli_inputs import WideOption
from cartatlas.cli_progress import progress_bar
from cartatlas.missing import is_missing
from cartatlas.output import Format, console, emit, tagged
from cartatlas.store import StoreMissing, open_store

if TYPE_CHECKING:  # the loaders (and pandas) load only when a command runs
    from cartatlas.registries.ingest import LoadReport
    from cartatlas.store import Store

err = console(stderr=True)
MAX_LISTED = 20


def _db(ctx: typer.Context) -> str:
    from cartatlas.cli import db_target  # at call time: cartatlas.cli imports this module

    return db_target(ctx)


def _print_report(report: LoadReport) -> None:
    for issue in report.rejected[:MAX_LISTED]:
        err.print(tagged("rejected", "red", issue))
    if len(report.rejected) > MAX_LISTED:
        err.print(
            f"… and {len(report.rejected) - MAX_LISTED} more "
            f"(table reg_run_issue, run {report.run_id})"
        )
    for issue in report.warnings[:MAX_LISTED]:
        err.print(tagged("warning", "yellow", issue))
    err.print(
        f"loaded {report.studies:,} studies and {report.sites:,} sites into selection "
        f"'{report.selection}'; {len(report.rejected):,} rejected; "
        f"changes: {report.added:,} added, {report.updated:,} updated, "
        f"{report.removed:,} removed (run {report.run_id})"
    )


def _refresh_labels(store: Store) -> int | None:
    """Re-label the current trials when the import changed them (or the rules changed), so
    every reader finds current labels; the number of trials labelled, or ``None``."""
    from cartatlas.classify.store import labels_current, relabel
    from cartatlas.store.registry_runs import utc_now

    return None if labels_current(store) else relabel(store, utc_now())


def _finish(report: LoadReport, relabelled: int | None, target: str) -> None:
    from cartatlas.analyses.landscape.cli import keep_year_table
    from cartatlas.report.cli import keep_report_parts

    _print_report(report)
    if relabelled is not None:
        err.print(
            f"classification labels were stale: labelled {relabelled:,} current trials "
            "(table trial_labels)"
        )
        with open_store(target) as store:  # the trials changed: so may the report's parts
            keep_report_parts(store)
            keep_year_table(store)
    if report.rejected:
        raise typer.Exit(1)


def _fail(message: object) -> typer.Exit:
    err.print(tagged("error", "red", message))
    return typer.Exit(2)


#: Longest selection name: a name, not a document.
MAX_SELECTION = 200


def _selection_name(name: str | None) -> str | None:
    """A name a person can read back and type again: '', '  ', a tab or a terminal escape
    ('x\\x1b[2Jy') were stored as a selection's name and printed wherever it is listed."""
    if name is None:
        return None
    from cartatlas.controls import CONTROL_CHARACTERS

    hidden = CONTROL_CHARACTERS.search(name) or "\t" in name or "\n" in name
    if not name.strip() or name != name.strip() or hidden:
        raise typer.BadParameter(
            f"{name!r} is not a name one can read back and type again; give visible text "
            "without control characters or spaces at either end, e.g. --selection oncology-2026"
        )
    if len(name) > MAX_SELECTION:
        raise typer.BadParameter(
            f"a name of {len(name):,} characters; give at most {MAX_SELECTION}, e.g. --selection "
            "oncology-2026"
        )
    return name


SelectionOption = Annotated[
    str | None,
    typer.Option(
        "--selection",
        help="Name of the set of trials this snapshot replaces "
        "(default: from the file name or query). Same name = newer snapshot of the same set.",
        callback=_selection_name,
    ),
]


def _load_and_label(
    ctx: typer.Context, title: str, load: Callable[[Store, Callable], LoadReport]
) -> tuple[LoadReport, int | None]:
    """Run one import (``load(store, advance)``) and re-label the trials; Ctrl-C or SIGTERM
    says what the store holds afterwards (the import's transaction was rolled back, or it was
    committed and only the labels wait for the next command) and exits 130."""
    report = None
    try:
        with open_store(_db(ctx)) as store, progress_bar(title) as advance:
            report = load(store, advance)
            return report, _refresh_labels(store)
    except KeyboardInterrupt as exc:
        report = report or getattr(exc, "report", None)  # committed before the signal landed
        if report is None:
            err.print("interrupted: nothing of this import was stored; the store is as it was")
        else:
            err.print(
                f"interrupted after the import was stored ({report.studies:,} studies, run "
                f"{report.run_id}); the trial labels are brought up to date by the next command"
            )
        raise typer.Exit(130) from None


def sync_command(
    ctx: typer.Context,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            help="ClinicalTrials.gov search expression "
            "(Essie syntax). Default: CAR-based cell therapy.",
        ),
    ] = None,
    selection: SelectionOption = None,
    rate: Annotated[float, typer.Option("--rate", help="Maximum requests per second.")] = 1.0,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=1000)] = 1000,
    full: Annotated[
        bool, typer.Option("--full", help="Fetch every study, not only updated ones.")
    ] = False,
    restart: Annotated[
        bool, typer.Option("--restart", help="Discard an interrupted run instead of resuming it.")
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="API root (default: $CARTATLAS_CTGOV_URL or https://clinicaltrials.gov/api/v2).",
        ),
    ] = None,
) -> None:
    """Sync trials from the ClinicalTrials.gov API v2 (resumable; incremental after a first run)."""
    from cartatlas.registries.ctgov_api import ApiError, ApiSettings
    from cartatlas.registries.ctgov_sync import sync
    from cartatlas.registries.ingest import LoadError

    try:
        settings = ApiSettings(
            page_size=page_size,
            requests_per_second=rate,
            **({"base_url": base_url} if base_url else {}),
        )
    except ValueError as exc:
        raise _fail(exc) from exc
    try:
        with open_store(_db(ctx)) as store, progress_bar("syncing studies") as advance:
            report = sync(
                store,
                query=query,
                selection=selection,
                settings=settings,
                full=full,
                restart=restart,
                progress=advance,
                on_unreachable=lambda line: err.print(tagged("warning", "yellow", line)),
            )
            relabelled = _refresh_labels(store)
    except KeyboardInterrupt:
        err.print("interrupted: committed pages are kept; run the same `cartatlas sync` to resume")
        raise typer.Exit(130) from None
    except (ApiError, LoadError) as exc:
        raise _fail(exc) from exc
    err.print(
        f"{report.mode} sync{' (resumed)' if report.resumed else ''}: {report.pages} pages, "
        f"{report.errors} retried errors"
    )
    _finish(report.load, relabelled, _db(ctx))


def import_command(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="API v2 study JSON, API page, JSON Lines, .gz or .zip.")
    ],
    selection: SelectionOption = None,
    snapshot_date: Annotated[
        str | None,
        typer.Option(
            "--snapshot-date", help="Date the data was exported (default: from the file name)."
        ),
    ] = None,
) -> None:
    """Import ClinicalTrials.gov API v2 studies from a file as a snapshot of its selection."""
    from cartatlas.registries.ctgov_files import import_file
    from cartatlas.registries.ingest import LoadError
    from cartatlas.registries.limits import LimitError

    try:
        report, relabelled = _load_and_label(
            ctx,
            f"importing {path.name}",
            lambda store, advance: import_file(
                store, path, selection=selection, snapshot_date=snapshot_date, progress=advance
            ),
        )
    except (FileNotFoundError, LoadError, LimitError) as exc:
        raise _fail(exc) from exc
    _finish(report, relabelled, _db(ctx))


def import_aact_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Option("--url", help="postgresql:// URL of an AACT database.")],
    schema: Annotated[
        str, typer.Option("--schema", help="Schema holding the AACT tables.")
    ] = "ctgov",
    selection: SelectionOption = None,
) -> None:
    """Import CAR-based studies from an AACT (ClinicalTrials.gov in PostgreSQL) database."""
    from cartatlas.registries.aact import AactError, import_aact
    from cartatlas.registries.ingest import LoadError

    try:
        report, relabelled = _load_and_label(
            ctx,
            "importing from AACT",
            lambda store, advance: import_aact(
                store, url, schema=schema, selection=selection, progress=advance
            ),
        )
    except (AactError, LoadError) as exc:
        raise _fail(exc) from exc
    _finish(report, relabelled, _db(ctx))


def import_ictrp_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="WHO ICTRP search-portal export (.xml or .csv).")],
    selection: SelectionOption = None,
) -> None:
    """Import a WHO ICTRP export (the route to ChiCTR and other registries without an API)."""
    from cartatlas.registries.ictrp import import_ictrp
    from cartatlas.registries.ingest import LoadError

    try:
        report, relabelled = _load_and_label(
            ctx,
            f"importing {path.name}",
            lambda store, advance: import_ictrp(store, path, selection=selection, progress=advance),
        )
    except (FileNotFoundError, LoadError) as exc:
        raise _fail(exc) from exc
    err.print(
        "Source: WHO International Clinical Trials Registry Platform (ICTRP); "
        "cite it with the processing date wherever these records are used."
    )
    _finish(report, relabelled, _db(ctx))


TRIAL_COLUMNS = (
    "trial_id",
    "registry",
    "nct_id",
    "title",
    "status",
    "phases",
    "start_date",
    "countries",
    "sponsor_name",
    "enrollment",
    "also_registered_as",
)
TABLE_COLUMNS = ("trial_id", "status", "phases", "start_date", "countries", "title")


def trials_command(
    ctx: typer.Context,
    country: Annotated[
        str | None, typer.Option("--country", help="ISO code or name, e.g. CN, China, 中国.")
    ] = None,
    phase: Annotated[
        str | None, typer.Option("--phase", help="e.g. PHASE2, 'Phase 1/2', 2.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="e.g. RECRUITING, COMPLETED.")
    ] = None,
    recruiting: Annotated[
        bool,
        typer.Option(
            "--recruiting",
            help="Recruiting or enrolling by invitation; with --country, also a site there "
            "recruiting or without a status (the report's and dashboard's definition).",
        ),
    ] = False,
    text: Annotated[
        str | None,
        typer.Option(
            "--text",
            help="Words as you would say them, best match first: 'r/r MM', 'DLBCL children', "
            "'lupus CD19', '骨髓瘤', '上海 淋巴瘤' (abbreviations, synonyms and Chinese terms).",
        ),
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="CAR target, e.g. CD19, BCMA (needs classify).")
    ] = None,
    disease: Annotated[
        str | None,
        typer.Option(
            "--disease",
            help="Disease area (LBCL, MM, autoimmune:SLE, solid:lung) or group (solid, "
            "autoimmune); needs classify.",
        ),
    ] = None,
    age: Annotated[
        float | None,
        typer.Option("--age", min=0, max=120, help="Patient age in years: trials that admit it."),
    ] = None,
    car_only: Annotated[
        bool,
        typer.Option(
            "--car/--all",
            help="Only the trials the classifier labels as CAR, as the report, the dashboard "
            "and the API count them (default); --all: every stored record, CAR or not.",
        ),
    ] = True,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Show at most this many trials.")
    ] = None,
    wide: WideOption = False,
) -> None:
    """List stored trials (each trial once, across registries), filtered; with the labels of
    `cartatlas classify` (is_car, targets, cell type and source, disease area…) once it has run,
    only those it labels as CAR unless --all. With --text, the best matches come first."""
    from cartatlas.classify.store import labels_frame
    from cartatlas.cli_inputs import bad_input, parse
    from cartatlas.inputs import InputError
    from cartatlas.inputs import country as country_code
    from cartatlas.registries.national import unloaded_register_line
    from cartatlas.search.stored import keep_index, stored_index
    from cartatlas.store.registry_read import (
        NoRegistryData,
        attribution_notes,
        find_trials,
        snapshot_info,
    )

    if country:
        country = parse(country_code, country)
    try:
        with open_store(_db(ctx), read_only=True) as store:
            frame = find_trials(
                store, country=country, phase=phase, status=status, recruiting=recruiting, age=age
            )
            labels = labels_frame(store).drop(columns=["countries"])
            loaded = set(snapshot_info(store)["registry"]) if country else set()
            index, unkept = stored_index(store) if text else (None, None)
        if not labels.empty:
            frame = _with_labels(frame, labels)
        frame = _car_only(frame) if car_only else frame
        frame = _by_labels(frame, target=target, disease=disease)
    except (StoreMissing, NoRegistryData, ValueError) as exc:
        raise (bad_input if isinstance(exc, InputError) else _fail)(exc) from exc
    if index is not None:
        if unkept:
            keep_index(_db(ctx), unkept, index)
        keys = frame["nct_id"].where(frame["nct_id"].notna(), frame["trial_id"]).tolist()
        ranked, query = index.search(text, among=set(keys))
        if ranked is not None:
            position = {key: i for i, key in enumerate(keys)}
            frame = frame.iloc[[position[index.keys[r]] for r in ranked]].reset_index(drop=True)
            err.print(f"searched for: {query.meaning()}")
    label_columns: tuple[str, ...] = ()
    if not labels.empty:
        label_columns = (
            ("is_car", "targets")
            if fmt is Format.table
            else tuple(c for c in labels.columns if c != "nct_id")
        )
    notes = attribution_notes(frame)
    columns = (
        (TABLE_COLUMNS if fmt is Format.table else TRIAL_COLUMNS)
        + label_columns
        + (("attribution", "source_date") if notes else ())
    )
    shown = frame.head(limit) if limit else frame
    rows = [
        [_cell(row[c], fmt) for c in columns] for row in shown[list(columns)].to_dict("records")
    ]
    kind = "CAR trials" if car_only and "is_car" in frame else "trials"
    emit(columns, rows, fmt, title=f"{len(frame):,} {kind}", wide=wide)
    for note in notes:
        err.print(note)
    if country and (line := unloaded_register_line(country, loaded)):
        err.print(line)


def trial_command(
    ctx: typer.Context,
    trial_id: Annotated[str, typer.Argument(help="NCT number or another registry's ID.")],
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="table (readable text), json (the whole record) or csv (its sites, one row each).",
        ),
    ] = Format.table,
) -> None:
    """One trial: what it tests, its sites (city and status), contacts and eligibility where the
    record has them, and links to each registry that holds it."""
    import json

    from cartatlas.registries.trial_view import SITE_FIELDS, TrialNotFound, trial_view
    from cartatlas.store.registry_read import NoRegistryData

    try:
        with open_store(_db(ctx), read_only=True) as store:
            view = trial_view(store, trial_id)
    except (StoreMissing, NoRegistryData, TrialNotFound) as exc:
        raise _fail(exc) from exc
    if fmt is Format.json:
        print(json.dumps(view, ensure_ascii=False, indent=2, default=str))
        return
    if fmt is Format.csv:
        rows = [[view["trial_id"], *(site[k] for k in SITE_FIELDS)] for site in view["sites"]]
        emit(["trial_id", *SITE_FIELDS], rows, Format.csv)
        return
    out = console()
    out.print(f"{view['trial_id']}  {view['title']}")
    facts = {
        "status": view["status"],
        "phase": ", ".join(view["phases"]) or None,
        "start": view["start_date"],
        "enrolment": view["enrollment"],
        "sponsor": view["sponsor"],
        "conditions": "; ".join(view["conditions"]) or None,
        "interventions": "; ".join(view["interventions"]) or None,
        "countries": ", ".join(view["countries"]) or None,
    }
    eligible = view["eligibility"]
    ages = (eligible["minimum_age_years"], eligible["maximum_age_years"])
    facts["ages"] = " to ".join("any" if a is None else f"{a:g}" for a in ages)
    facts["sex"] = eligible["sex"]
    for label, value in facts.items():
        out.print(f"  {label + ':':<15}{'not stated' if value in (None, '') else value}")
    for person in view["contacts"]:
        out.print(f"  {person.pop('kind') + ':':<15}{', '.join(person.values())}")
    if not view["contacts"]:
        out.print(f"  {'contacts:':<15}not in the record (see the registry page)")
    if eligible["criteria"]:
        out.print("Eligibility criteria (as registered):")
        out.print(eligible["criteria"])
    sites = [[site[k] for k in SITE_FIELDS] for site in view["sites"]]
    emit(SITE_FIELDS, sites, Format.table, title=f"{len(sites)} sites")
    for link in view["links"]:
        out.print(f"registry: {link}")


def _label_sets(frame, column: str) -> list[set[str]]:
    return [set(v.split("|")) if isinstance(v, str) and v else set() for v in frame[column]]


def _with_labels(frame, labels):
    """``frame`` with each trial's stored labels, found by its key as the classifier stores it:
    the NCT number, else the trial's own registry ID (a ChiCTR-only record has no NCT number,
    and joined on it alone read as unlabelled)."""
    has_nct = frame["nct_id"].notna() & frame["nct_id"].astype(str).ne("")
    keyed = frame.assign(_key=frame["nct_id"].where(has_nct, frame["trial_id"]))
    joined = keyed.merge(labels.rename(columns={"nct_id": "_key"}), on="_key", how="left")
    return joined.drop(columns="_key")


def _car_only(frame):
    """The trials the classifier labels as CAR (the report's, dashboard's and API's count: a
    snapshot selected by other rules holds some non-CAR records); every trial while no labels
    are stored, where the table's title then says "trials", not "CAR trials"."""
    if "is_car" not in frame:
        return frame
    return frame[frame["is_car"].eq(True)].reset_index(drop=True)


def _by_labels(frame, *, target: str | None, disease: str | None):
    """Trials whose stored labels carry ``target`` / ``disease`` (any case; a value no trial
    carries is an error that lists the valid ones)."""
    from cartatlas.inputs import choose

    if not (target or disease):
        return frame
    if "targets" not in frame:
        raise ValueError("--target and --disease need labels: run `cartatlas classify` first")
    if target:
        targets = _label_sets(frame, "targets")
        wanted = choose(target, set().union(*targets), "target")
        frame = frame[[wanted in t for t in targets]]
    if disease:
        areas = [
            a | {x.split(":", 1)[0] for x in a if ":" in x}
            for a in _label_sets(frame, "disease_area")
        ]
        wanted = choose(disease, set().union(*areas), "disease")
        frame = frame[[wanted in a for a in areas]]
    return frame.reset_index(drop=True)


def _cell(value: object, fmt: Format) -> object:
    """Lists stay lists in JSON, read "a; b" in a table and "a|b" in CSV; missing values print
    as empty."""
    if isinstance(value, list):
        return value if fmt is Format.json else ("|" if fmt is Format.csv else "; ").join(value)
    return None if is_missing(value) else value


def register(app: typer.Typer) -> None:
    app.command("sync")(sync_command)
    app.command("import")(import_command)
    app.command("import-aact")(import_aact_command)
    app.command("import-ictrp")(import_ictrp_command)
    app.command("trials")(trials_command)
    app.command("trial")(trial_command)

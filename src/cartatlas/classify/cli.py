"""``cartatlas classify``: label every stored trial (or API v2 files), store and print labels."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cartatlas.cli_inputs import bad_input, print_rejected
from cartatlas.output import Format, console, emit
from cartatlas.store import open_store

err = console(stderr=True)


def classify_command(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            "-i",
            exists=True,
            dir_okay=False,
            help="ClinicalTrials.gov API v2 files (.json, .jsonl, .jsonl.gz) to classify instead "
            "of the store's trials. Repeat for several files.",
        ),
    ] = None,
    save: Annotated[
        bool | None,
        typer.Option(
            "--save/--no-save",
            help="Write the labels to the store's trial_labels table (replacing the previous "
            "run). Default: yes for the store's trials, never for --input files.",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Print every trial's labels with a 'reasons' column: the words behind each label.",
        ),
    ] = False,
    table: Annotated[
        bool,
        typer.Option("--table", help="Print every trial's labels, not only the summary."),
    ] = False,
    only_car: Annotated[bool, typer.Option("--car-only", help="Print only CAR trials.")] = False,
    evaluate_with: Annotated[
        Path | None,
        typer.Option(
            "--evaluate",
            exists=True,
            dir_okay=False,
            help="Hand-label CSV (tests/classify/dev_labels.csv): print per-label precision, "
            "recall and F1 on those trials instead of the labels.",
        ),
    ] = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="Output format of the per-trial labels (printing them); without it, --table "
            "or --explain, only a summary is printed.",
        ),
    ] = None,
) -> None:
    """Label trials: CAR or not, targets, cell type and source, in vivo, disease area, sponsor
    type, countries — each with its reason (see docs/classification.md). Prints a summary;
    --table, --explain or --format print every trial's labels."""
    from cartatlas.classify.evaluate import SCORE_COLUMNS, evaluate, read_gold, score_rows
    from cartatlas.classify.labels import COLUMNS, classify_all
    from cartatlas.classify.sources import read_api_v2, read_store
    from cartatlas.classify.store import labels_version, write_labels
    from cartatlas.classify.summary import SUMMARY_COLUMNS, summary_rows
    from cartatlas.cli import db_target
    from cartatlas.cli_progress import progress_bar
    from cartatlas.store.connection import shown_url

    started = time.perf_counter()
    if save and inputs:
        raise bad_input(
            "--save with --input would replace the labels of the store's trials in trial_labels "
            "with those of the files, and every reader (trials, report, dashboard) would see only "
            "those; drop --save (labels of --input files are printed, not saved)"
        )
    save = not inputs if save is None else save
    gold = read_gold(evaluate_with) if evaluate_with else None  # a bad file: before any work
    if inputs:
        records = list(read_api_v2(inputs, print_rejected))
    else:
        with open_store(db_target(ctx), read_only=True) as store:
            records = list(read_store(store))
    if gold is not None:
        scores, missing = evaluate(records, gold)
        emit(
            SCORE_COLUMNS,
            score_rows(scores),
            fmt or Format.table,
            title="Classifier vs hand labels",
        )
        if missing:
            err.print(Text(f"{len(missing)} labelled trial(s) not among the records", "yellow"))
        return
    with progress_bar("classifying", total=len(records)) as advance:
        labels = classify_all(records, advance)
    elapsed = time.perf_counter() - started
    cars = sum(item.is_car for item in labels)
    err.print(f"classified {len(labels)} trials ({cars} CAR) in {elapsed:.1f} s")
    if save:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with open_store(db_target(ctx)) as store:
            written = write_labels(store, labels, stamp, labels_version(store))
        err.print(f"wrote {written} rows to trial_labels in {shown_url(db_target(ctx))}")
    shown = [item for item in labels if item.is_car or not only_car]
    if not (table or explain or fmt):
        emit(SUMMARY_COLUMNS, summary_rows(shown), Format.table, title="Label summary")
        return
    columns = COLUMNS + (("reasons",) if explain else ())
    rows = [
        item.row()
        + ((" || ".join(f"{k}: {v}" for k, v in item.reasons.items() if v),) if explain else ())
        for item in shown
    ]
    emit(columns, rows, fmt or Format.table, title="Trial labels")


def register(app: typer.Typer) -> None:
    app.command("classify")(classify_command)

"""Commands over the analyses of curated evidence: ``meta`` and ``cohorts``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cartatlas.cli_inputs import CountriesOption, MoreCountries, bad_input, country_list
from cartatlas.inputs import InputError
from cartatlas.output import Format, console, emit, tagged
from cartatlas.store import StoreMissing, open_store

if TYPE_CHECKING:  # statsmodels and pandas load only when a command runs
    from cartatlas.analyses.success_rates import CountryPooling

ENDPOINT_NAMES = ("ORR", "CR", "CRS_any", "CRS_3plus", "ICANS_any", "ICANS_3plus")

out = console()
err = console(stderr=True)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def pooled_table(pooling: CountryPooling) -> tuple[list[str], list[list]]:
    columns = ["country", "studies", "patients", "pooled_%", "ci95_%", "pi95_%", "tau2", "i2_%"]
    rows = []
    for country, result in pooling.by_country.items():
        bt = result.backtransformed()
        patients = int(pooling.rows.loc[pooling.rows["country"] == country, "n"].sum())
        rows.append(
            [
                country,
                result.k,
                patients,
                _pct(bt.estimate),
                f"{_pct(bt.ci_low)}–{_pct(bt.ci_high)}",
                f"{_pct(bt.pi_low)}–{_pct(bt.pi_high)}" if result.k > 1 else "",
                f"{result.tau2:.3f}",
                f"{result.i2:.0f}" if result.k > 1 else "",
            ]
        )
    return columns, rows


STUDY_COLUMNS = [
    "study_id",
    "country",
    "code",
    "analysis",
    "denominator",
    "n",
    "events",
    "line_of_therapy",
    "real_world",
]


def meta(
    ctx: typer.Context,
    indication: Annotated[str, typer.Option(help="LBCL, B-ALL, MM, FL, MCL, … (any case)")],
    endpoint: Annotated[str, typer.Option(help=f"One of {', '.join(ENDPOINT_NAMES)}.")] = "CR",
    by: Annotated[str, typer.Option(help="Subgroup variable (only 'country').")] = "country",
    countries: CountriesOption = None,
    more: MoreCountries = None,
    method: Annotated[
        str | None,
        typer.Option(help="GLMM, REML, DL, … (default: GLMM, REML + Knapp–Hartung if it fails)."),
    ] = None,
    test: Annotated[str | None, typer.Option(help="z, t or knha.")] = None,
    adjust: Annotated[
        str | None, typer.Option(help="Meta-regression moderators besides country: line,real_world")
    ] = None,
    forest: Annotated[
        Path | None, typer.Option(help="Write a forest plot here (.svg or .png).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Pool a response or safety rate by country of conduct, with CI, PI and subgroup test."""
    from cartatlas.analyses.study_rows import ENDPOINTS
    from cartatlas.analyses.success_rates import adjusted_comparison, pool_by_country
    from cartatlas.cli import db_target

    if by != "country":
        raise typer.BadParameter("only --by country is supported", param_hint="--by")
    if endpoint not in ENDPOINTS:
        raise typer.BadParameter(f"choose one of {', '.join(ENDPOINTS)}", param_hint="--endpoint")
    from cartatlas.evidence.queries import EvidenceNotLoaded, resolve_indication

    wanted = country_list(countries, more, ["CN", "US"])
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            indication = resolve_indication(store, indication)
            pooling = pool_by_country(store, indication, endpoint, wanted, method, test)
    except (StoreMissing, EvidenceNotLoaded, InputError) as exc:
        raise bad_input(exc) from None
    if pooling.result is None:
        err.print(f"no data: no {endpoint} rows for {indication} in {', '.join(wanted)}")
        raise typer.Exit(0)
    columns, rows = pooled_table(pooling)
    emit(columns, rows, fmt, title=f"{ENDPOINTS[endpoint].label}, {indication}, by country")
    if fmt is Format.table:
        _print_details(pooling)
        if adjust:
            try:
                regression = adjusted_comparison(pooling, [a.strip() for a in adjust.split(",")])
            except ValueError as exc:
                err.print(
                    tagged("error", "red", f"cannot adjust with {pooling.result.k} studies: {exc}")
                )
                raise typer.Exit(2) from None
            out.print(
                "Meta-regression on country and the moderators (line grouped as early / "
                "mixed / later / not stated):"
            )
            out.print(regression.summary(), markup=False)
    if forest:
        from cartatlas.analyses.figures import forest_for

        forest_for(pooling, forest)
        err.print(f"forest plot written to {forest}")


def _print_details(pooling: CountryPooling) -> None:
    from cartatlas.analyses.study_rows import SELECTION_RULE

    result = pooling.result
    out.print(f"Model: {pooling.method_note}.")
    if result.subgroups is not None:
        sub = result.subgroups
        out.print(
            f"Test for a difference between countries (separate τ²): Q = {sub.q_between:.2f}, "
            f"df = {sub.q_between_df}, p = {sub.q_between_p:.3g}"
        )
    for country in pooling.missing:
        out.print(f"{country}: no data (no study conducted there reports this endpoint).")
    out.print(f"Selection: {SELECTION_RULE}.")
    emit(
        STUDY_COLUMNS,
        pooling.rows[STUDY_COLUMNS].values.tolist(),
        Format.table,
        title="Studies pooled (sources: cartatlas outcomes --product …, or the report)",
    )


def cohorts(
    ctx: typer.Context,
    indications: Annotated[
        list[str] | None,
        typer.Option("--indication", help="Indications, any case (default LBCL, B-ALL, MM)."),
    ] = None,
    countries: CountriesOption = None,
    more: MoreCountries = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Cohorts each country contributes to the CR / ORR comparison, counted as `meta` pools them."""
    from cartatlas.analyses.cohorts import cohort_counts
    from cartatlas.analyses.study_rows import SELECTION_RULE
    from cartatlas.cli import db_target
    from cartatlas.evidence.queries import EvidenceNotLoaded, resolve_indication

    wanted = country_list(countries, more, ["CN", "US"])
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            chosen = [resolve_indication(store, i) for i in indications or ["LBCL", "B-ALL", "MM"]]
            counts = cohort_counts(store, chosen, wanted)
    except (StoreMissing, EvidenceNotLoaded, InputError) as exc:
        raise bad_input(exc) from None
    columns = ["indication", "country", "cohorts", "real_world", "patients", "studies"]
    rows = [
        [c.indication, c.country, c.cohorts, c.real_world, c.patients, " ".join(c.study_ids)]
        for c in counts
    ]
    for country in wanted:
        mine = [c for c in counts if c.country == country]
        rows.append(
            [
                "all",
                country,
                sum(c.cohorts for c in mine),
                sum(c.real_world for c in mine),
                sum(c.patients for c in mine),
                "",
            ]
        )
    emit(columns, rows, fmt, title="Cohorts pooled for CR or ORR, by country of conduct")
    if fmt is Format.table:
        out.print(f"Selection: {SELECTION_RULE}; a cohort counts once if it reports CR or ORR.")


def register(app: typer.Typer) -> None:
    from cartatlas.analyses import durability_cli

    app.command()(meta)
    app.command()(cohorts)
    durability_cli.register(app)

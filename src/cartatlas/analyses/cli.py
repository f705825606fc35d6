"""Commands over the analyses of curated evidence: ``meta`` and ``cohorts``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cartatlas.cli_inputs import (
    CountriesOption,
    MoreCountries,
    WideOption,
    bad_input,
    country_list,
    output_file,
    parse,
    writing,
)
from cartatlas.inputs import InputError
from cartatlas.output import Format, console, emit, tagged
from cartatlas.rounding import half_up
from cartatlas.store import StoreMissing, open_store

if TYPE_CHECKING:  # statsmodels and pandas load only when a command runs
    import pandas as pd

    from cartatlas.analyses.success_rates import CountryPooling

ENDPOINT_NAMES = ("ORR", "CR", "CRS_any", "CRS_3plus", "ICANS_any", "ICANS_3plus")

out = console()
err = console(stderr=True)


def _pct(value: float) -> str:
    return f"{half_up(100 * value, 1):.1f}"


def pooled_table(pooling: CountryPooling) -> tuple[list[str], list[list]]:
    """One row per country: pooled over several studies, or the single study's exact CI."""
    columns = [
        "country",
        "studies",
        "patients",
        "rate_%",
        "ci95_%",
        "pi95_%",
        "tau2",
        "i2_%",
        "basis",
    ]
    rows = []
    for country, s in pooling.summaries.items():
        rows.append(
            [
                country,
                s.k,
                s.patients,
                _pct(s.estimate),
                f"{_pct(s.ci_low)}–{_pct(s.ci_high)}",
                f"{_pct(s.pi_low)}–{_pct(s.pi_high)}" if s.pi_low is not None else "",
                f"{s.tau2:.3f}" if s.tau2 is not None else "",
                f"{s.i2:.0f}" if s.i2 is not None and s.k > 1 else "",
                "pooled" if s.k > 1 else "1 study",
            ]
        )
    return columns, rows


def comparison_record(pooling: CountryPooling) -> dict | None:
    """The test for a country difference as plain values (for --format json)."""
    from cartatlas.analyses.success_rates import difference_wording

    c = pooling.comparison
    if c is None:
        return None
    return {"test": c.test, "statistic": c.statistic, "p": c.p, "wording": difference_wording(c.p)}


STUDY_COLUMNS = [
    "study_id",
    "country",
    "product",
    "code",
    "analysis",
    "denominator",
    "n",
    "events",
    "line_of_therapy",
    "real_world",
    "source_url",
]


def study_columns(endpoint: str) -> list[str]:
    """The pooled studies' columns; a safety pool adds each study's grading system, the one
    thing a reader needs to see that the rates pooled were graded alike."""
    from cartatlas.analyses.study_rows import ENDPOINTS

    return STUDY_COLUMNS + (["grading"] if ENDPOINTS[endpoint].table == "safety" else [])


APART_COLUMNS = ["study_id", "country", "reason", "code", "events/n", "rate %", "ci95 %"]
LATER_COLUMNS = ["study_id", "country", "assessor", "code", "events/n", "rate %", "ci95 %"]
GRADED_COLUMNS = ["study_id", "country", "grading", "code", "events/n", "rate %", "ci95 %"]
GRADED_TITLE = "Listed, not pooled: graded with another system or none stated (exact 95% CI)"


def apart_table(apart: pd.DataFrame) -> list[list]:
    """The rows shown beside a pool and never in it (special populations, one dose level or a
    selected subgroup): each with its reason, its own rate and exact (Clopper–Pearson) CI."""
    from cartatlas.analyses.populations import population_label

    return _rate_rows(apart, lambda row: population_label(row.population_group, row.subgroup))


def later_table(later: pd.DataFrame) -> list[list]:
    """The later data cuts of pooled cohorts, shown beside the pool and never in it: each with
    its assessor, its own rate and exact (Clopper–Pearson) CI."""
    return _rate_rows(
        later, lambda row: row.assessor if isinstance(row.assessor, str) else "not stated"
    )


def graded_table(graded: pd.DataFrame) -> list[list]:
    """The safety rows the grading rule keeps out of a pool, each with its grading system (or
    "not stated"), its own rate and exact (Clopper–Pearson) CI: the rule says they are listed,
    and a refused comparison had printed no rate at all."""
    return _rate_rows(
        graded, lambda row: row.grading if isinstance(row.grading, str) else "not stated"
    )


def _rate_rows(frame: pd.DataFrame, describe: Callable[[Any], str]) -> list[list]:
    """One row per study row: ID, country, ``describe(row)``, code, events/n, rate, exact CI."""
    from cartatlas.evidence.queries import exact_ci

    rows = []
    for row in frame.itertuples():
        events, n = int(row.events), int(row.n)
        low, high = exact_ci(events, n)
        ci = f"{half_up(low, 1):.1f}–{half_up(high, 1):.1f}"
        rows.append(
            [
                row.study_id,
                row.country,
                describe(row),
                row.code,
                f"{events}/{n}",
                _pct(events / n),
                ci,
            ]
        )
    return rows


def _model_options(method: str | None, test: str | None) -> tuple[str | None, str | None]:
    """``--method`` and ``--test`` in canonical form (any case), checked before any work: a
    misspelt method used to end as "no data", and a test without a method was ignored."""
    from cartatlas.stats.rma import METHODS, check_method, check_test

    if test is not None and method is None:
        raise bad_input(
            f"--test {test} needs --method (the default, GLMM with REML + Knapp–Hartung if it "
            "fails, chooses its own test); e.g. --method REML --test knha"
        )
    try:
        method = check_method(method, ("GLMM", *METHODS)) if method is not None else None
        test = check_test(test) if test is not None else None
    except ValueError as exc:
        raise bad_input(f"{exc}; e.g. --method REML --test {test or 'knha'}") from None
    if method == "GLMM" and test not in (None, "z"):
        raise bad_input("--method GLMM has no Knapp–Hartung or t form; use --test z or omit it")
    return method, test


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
    test: Annotated[
        str | None,
        typer.Option(help="z, t, knha or adhoc (Knapp–Hartung with its factor not below 1)."),
    ] = None,
    adjust: Annotated[
        str | None, typer.Option(help="Meta-regression moderators besides country: line,real_world")
    ] = None,
    forest: Annotated[
        Path | None,
        typer.Option(
            help="Write a forest plot here (.svg, .png or .pdf; no extension: both .svg and .png)."
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    wide: WideOption = False,
) -> None:
    """Pool a response or safety rate by country of conduct, with CI, PI and subgroup test;
    the studies pooled follow, their sources numbered below (--wide: a column)."""
    from cartatlas.analyses.study_labels import study_labels
    from cartatlas.analyses.study_rows import ENDPOINTS
    from cartatlas.analyses.success_rates import (
        GRADING_RULE,
        adjusted_comparison,
        country_absence,
        pool_by_country,
    )
    from cartatlas.cli import db_target

    if by != "country":
        raise typer.BadParameter("only --by country is supported", param_hint="--by")
    from cartatlas.evidence.queries import EvidenceNotLoaded, resolve_indication
    from cartatlas.inputs import choose

    endpoint = parse(choose, endpoint, ENDPOINTS, "endpoint")
    method, test = _model_options(method, test)
    wanted = country_list(countries, more, ["CN", "US"])
    forest = output_file(forest, "--forest", "forest.svg")
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            indication = resolve_indication(store, indication)
            pooling = pool_by_country(store, indication, endpoint, wanted, method, test)
            names = study_labels(store) if forest else {}
    except (StoreMissing, EvidenceNotLoaded, InputError) as exc:
        raise bad_input(exc) from None
    if pooling.refusal:
        err.print(f"{endpoint} for {indication}: {pooling.refusal}. Grading: {GRADING_RULE}.")
        for country in pooling.missing:  # US's rows refused, CN's absence still said
            err.print(f"{country}: {country_absence(pooling, country)}.", markup=False)
        if fmt is Format.json:  # a script reading stdout gets the refusal, not an empty page
            refused = {"indication": indication, "endpoint": endpoint, "pooled": []}
            refused |= {"refusal": pooling.refusal, "grading_rule": GRADING_RULE}
            refused["missing"] = pooling.missing  # as the pooled document names them
            refused["graded_apart"] = _rated_records(pooling.graded_apart, "grading", graded_table)
            print(json.dumps(refused, ensure_ascii=False, indent=2))
        else:
            emit(GRADED_COLUMNS, graded_table(pooling.graded_apart), Format.table, GRADED_TITLE)
        raise typer.Exit(0)
    if not pooling.has_data and not pooling.rows.empty:  # studies there, no model fitted
        raise bad_input(
            f"{endpoint} for {indication}: {len(pooling.rows)} studies, not pooled: "
            f"{pooling.method_note}; omit --method for the default (GLMM, then REML + "
            "Knapp–Hartung), or choose another, e.g. --method DL"
        )
    if not pooling.has_data:
        err.print(
            f"no data: no study conducted in {', '.join(wanted)} reports {endpoint} "
            f"for {indication}"
        )
        raise typer.Exit(0)
    if fmt is Format.json:
        emit_json(pooling)
    else:
        title = f"{ENDPOINTS[endpoint].label}, {indication}, by country of conduct"
        emit(*pooled_table(pooling), fmt, title=title)
    if fmt is Format.table:
        _print_details(pooling, wide)
        if adjust:
            if pooling.result is None:
                err.print(tagged("error", "red", "cannot adjust: too few studies to fit a model"))
                raise typer.Exit(2)
            from cartatlas.stats import ConvergenceError

            try:
                regression = adjusted_comparison(pooling, [a.strip() for a in adjust.split(",")])
            except (ValueError, ConvergenceError) as exc:
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

        try:
            with writing(forest, "--forest"):
                written = forest_for(pooling, forest, names)
        except ValueError as exc:
            err.print(tagged("error", "red", f"--forest: {exc}"))
            raise typer.Exit(2) from None
        err.print(f"forest plot written to {', '.join(map(str, written))}")


def emit_json(pooling: CountryPooling) -> None:
    """Per-country rates (proportions 0–1), the named test and the studies as one document;
    cohorts in special populations under ``apart``, never in ``pooled``."""
    from cartatlas.analyses.populations import apart_sentence

    document = {
        "indication": pooling.indication,
        "endpoint": pooling.endpoint,
        "model": pooling.method_note,
        "pooled": [
            {k: v for k, v in asdict(s).items() if k not in ("logit", "logit_se")}
            for s in pooling.summaries.values()
        ],
        "comparison": comparison_record(pooling),
        "missing": pooling.missing,
        "left_out": pooling.left_out,
        "complete_response_floors": pooling.floors.to_dict(orient="records"),
        "secondary_only": pooling.secondary_only,
        "not_pooled": apart_sentence(pooling.apart),
        "studies": pooling.rows[study_columns(pooling.endpoint)].to_dict(orient="records"),
        "apart": [
            {**record, "reason": shown[2], "rate_percent": shown[5], "ci95_percent": shown[6]}
            for record, shown in zip(
                pooling.apart.reindex(
                    columns=[*STUDY_COLUMNS, "population_group", "subgroup"]
                ).to_dict(orient="records"),
                apart_table(pooling.apart),
                strict=True,
            )
        ],
        "later": _rated_records(pooling.later, "assessor", later_table),
        "graded_apart": _rated_records(pooling.graded_apart, "grading", graded_table),
    }
    print(json.dumps(document, ensure_ascii=False, indent=2, default=str))


def _rated_records(
    frame: pd.DataFrame, column: str, table: Callable[[pd.DataFrame], list[list]]
) -> list[dict[str, Any]]:
    """Study rows listed beside a pool (later data cuts, rows another grading keeps out) as JSON
    records: the study columns and ``column``, blanks as null, with the rate and exact CI that
    ``table`` shows for each."""
    if frame.empty:
        return []
    shown = frame.reindex(columns=[*STUDY_COLUMNS, column]).astype(object)
    return [
        {**record, "rate_percent": row[5], "ci95_percent": row[6]}
        for record, row in zip(
            shown.where(shown.notna(), None).to_dict(orient="records"), table(frame), strict=True
        )
    ]


def _print_details(pooling: CountryPooling, wide: bool) -> None:
    from cartatlas.analyses.populations import apart_rule, apart_sentence
    from cartatlas.analyses.response_floors import floor_sentence
    from cartatlas.analyses.study_rows import ENDPOINTS, LATER_RULE, SELECTION_RULE
    from cartatlas.analyses.success_rates import (
        GRADING_RULE,
        country_absence,
        difference_wording,
    )

    out.print(f"Model: {pooling.method_note}.", markup=False)
    if pooling.comparison is not None:
        c = pooling.comparison
        out.print(
            f"Test for a difference between countries ({c.test}): {c.statistic}, "
            f"p = {c.p:.3g} — {difference_wording(c.p)}.",
            markup=False,
        )
    for country in pooling.missing:
        out.print(f"{country}: {country_absence(pooling, country)}.", markup=False)
    if pooling.left_out:
        out.print(
            f"Not in this pool, as they report no such row: {'; '.join(pooling.left_out)}.",
            markup=False,
        )
    if floors := floor_sentence(pooling.floors):
        out.print(f"Of these, {floors}.", markup=False)
    if pooling.secondary_only:
        out.print(
            "Not in this pool, as their only source is a secondary page: "
            f"{'; '.join(pooling.secondary_only)}.",
            markup=False,
        )
    if apart := apart_sentence(pooling.apart):
        out.print(f"Not in this pool: {apart}.", markup=False)
        out.print(f"Why: {apart_rule(pooling.apart)}.", markup=False)
        emit(
            APART_COLUMNS,
            apart_table(pooling.apart),
            Format.table,
            title="Shown separately, not pooled (exact 95% CI)",
            wide=wide,
        )
    if ENDPOINTS[pooling.endpoint].table == "safety":
        out.print(f"Grading systems: {GRADING_RULE}.", markup=False)
        if not pooling.graded_apart.empty:
            emit(
                GRADED_COLUMNS,
                graded_table(pooling.graded_apart),
                Format.table,
                title=GRADED_TITLE,
                wide=wide,
            )
    out.print(f"Selection: {SELECTION_RULE}.")
    columns = study_columns(pooling.endpoint)
    emit(
        columns,
        pooling.rows[columns].values.tolist(),
        Format.table,
        title=f"Studies pooled: {ENDPOINTS[pooling.endpoint].label}, {pooling.indication}",
        wide=wide,
    )
    if not pooling.later.empty:
        emit(
            LATER_COLUMNS,
            later_table(pooling.later),
            Format.table,
            title="Later data cuts of pooled cohorts, not pooled (exact 95% CI)",
            wide=wide,
        )
        out.print(f"Why: {LATER_RULE}.", markup=False)


def cohorts(
    ctx: typer.Context,
    indications: Annotated[
        list[str] | None,
        typer.Option(
            "--indication",
            help=(
                "Indications, any case: --indication LBCL,MM or repeated (default LBCL, B-ALL, MM)."
            ),
        ),
    ] = None,
    countries: CountriesOption = None,
    more: MoreCountries = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Cohorts each country contributes to the CR / ORR comparison, selected as `meta` selects
    them; cohorts in special populations are counted but shown apart, never pooled."""
    from cartatlas.analyses.cohorts import cohort_counts
    from cartatlas.analyses.study_rows import SELECTION_RULE
    from cartatlas.cli import db_target
    from cartatlas.evidence.queries import EvidenceNotLoaded, resolve_indication
    from cartatlas.inputs import listed

    wanted = country_list(countries, more, ["CN", "US"])
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            chosen = [
                resolve_indication(store, i) for i in listed(indications or ["LBCL,B-ALL,MM"])
            ]
            counts = cohort_counts(store, chosen, wanted)
    except (StoreMissing, EvidenceNotLoaded, InputError) as exc:
        raise bad_input(exc) from None
    columns = [
        "indication",
        "country",
        "cohorts",
        "real_world",
        "patients",
        "apart",
        "pooled_patients",
        "studies",
    ]
    rows = [
        [
            c.indication,
            c.country,
            c.cohorts,
            c.real_world,
            c.patients,
            c.apart,
            c.pooled_patients,
            " ".join(c.study_ids),
        ]
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
                sum(c.apart for c in mine),
                sum(c.pooled_patients for c in mine),
                "",
            ]
        )
    emit(columns, rows, fmt, title="Cohorts reporting CR or ORR, by country of conduct")
    if fmt is Format.table:
        out.print(f"Selection: {SELECTION_RULE}; a cohort counts once if it reports CR or ORR.")
        out.print(
            "apart: cohorts in special populations (CNS lymphoma, after prior CD19 CAR-T, …) "
            "or reported only for one dose level or a selected subgroup, counted as cohorts "
            "found but never pooled; pooled_patients leaves them out.",
            markup=False,
        )


def same_product_command(
    ctx: typer.Context,
    product: Annotated[
        str, typer.Option("--product", help="Product ID, INN, alias or brand (cilta-cel, 奕凯达).")
    ],
    countries: CountriesOption = None,
    more: MoreCountries = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """One product's results in its own trials in each country (the most comparable CN vs US
    evidence), with exact or pooled CIs and a named test; multinational trials count for the
    country holding at least half of their registry sites."""
    from cartatlas.analyses.like_for_like import ASSIGNMENT_RULE, no_rate_reason, same_product
    from cartatlas.analyses.response_floors import FLOOR_RULE, floor_sentence
    from cartatlas.analyses.success_rates import difference_wording
    from cartatlas.cli import db_target
    from cartatlas.evidence.queries import EvidenceNotLoaded, UnknownProduct, resolve_product

    wanted = country_list(countries, more, ["US", "CN"])
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            product_id = resolve_product(store, product)
            comparisons = same_product(store, product_id, wanted)
    except (StoreMissing, EvidenceNotLoaded, UnknownProduct) as exc:
        err.print(tagged("error", "red", exc))
        raise typer.Exit(2) from None
    columns = ["product", "indication", "endpoint", "country", "studies", "k", "patients"]
    columns += ["rate_%", "ci95_%", "test", "p", "cr_floor"]
    rows = []
    for c in comparisons:
        test = c.pooling.comparison
        for country in wanted:
            s = c.pooling.summaries.get(country)
            studies = c.pooling.rows.loc[c.pooling.rows["country"] == country, "study_id"]
            floors = c.pooling.floors
            floor = floors[floors["country"] == country] if not floors.empty else floors
            rows.append(
                [
                    product_id,
                    c.indication,
                    c.endpoint,
                    country,
                    " ".join(studies),
                    s.k if s else 0,
                    s.patients if s else 0,
                    _pct(s.estimate) if s else (c.pooling.refusal or no_rate_reason(c, country)),
                    f"{_pct(s.ci_low)}–{_pct(s.ci_high)}" if s else "",
                    test.test if test else "",
                    f"{test.p:.3g}" if test else "",
                    floor_sentence(floor, rule=False),
                ]
            )
    if fmt is Format.json:
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False))
        return
    emit(columns, rows, fmt, title=f"{product_id}: the same product in {' vs '.join(wanted)}")
    if fmt is Format.table:
        for c in comparisons:
            if c.pooling.comparison:
                out.print(
                    f"{c.indication} {c.endpoint}: {difference_wording(c.pooling.comparison.p)}."
                )
        out.print(
            "Caveat: the trials differ in line of therapy, follow-up and real-world share even "
            f"for one product; countries: country of conduct, and {ASSIGNMENT_RULE}."
        )
        if any(not c.pooling.floors.empty for c in comparisons):
            out.print(f"cr_floor: {FLOOR_RULE}.")


def register(app: typer.Typer) -> None:
    from cartatlas.analyses import durability_cli

    app.command()(meta)
    app.command()(cohorts)
    app.command("same-product")(same_product_command)
    durability_cli.register(app)

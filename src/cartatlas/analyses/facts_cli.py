"""Commands for questions that were answered only inside the report: ``approvals [--lag]``,
``prices [--usd]`` and ``claims FILE``. Each wraps the analysis the report uses, so the command
and the report give the same numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cartatlas.cli_inputs import CountriesOption, MoreCountries, WideOption, bad_input, country_list
from cartatlas.missing import is_missing
from cartatlas.output import Format, console, emit

FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]
err = console(stderr=True)


def _blank(value: object) -> object:
    """Missing values read "no data" in a table (never 0); CSV and JSON keep them empty.
    Whole numbers print without ".0" (a year, an amount in yuan)."""
    if is_missing(value):
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _rows(frame, columns: list[str], fmt: Format) -> list[list]:
    rows = [[_blank(v) for v in row] for row in frame[columns].itertuples(index=False)]
    if fmt is Format.table:
        rows = [["no data" if v is None else v for v in row] for row in rows]
    return rows


def _lag_cells(columns: list[str], row: list) -> list:
    """A lag row as a table shows it: an unstated line, population or kind is "not stated"; in a row
    approved in one country only, the empty side is "none recorded" and its other cells "—"
    (the status says why), not "no data", which would read as a gap in the evidence."""
    one_side = " only " in str(row[columns.index("status")])
    cells = []
    for column, value in zip(columns, row, strict=True):
        if value == "no data" and one_side:
            value = "none recorded" if column.startswith("product_id") else "—"
        elif value == "no data" and column.startswith(("line_of_therapy", "population", "kind")):
            value = "not stated"
        cells.append(value)
    return cells


def approvals(
    ctx: typer.Context,
    countries: CountriesOption = None,
    more: MoreCountries = None,
    lag: Annotated[
        bool,
        typer.Option(
            "--lag",
            help="Months from the first approval in the first country to the first in the second, "
            "per target and indication.",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
) -> None:
    """CAR-T approvals by agency and date in each country (default CN, US), or the approval lag
    between two countries; a target approved in one country only has no lag and its status says
    so ("approved in US only"), one approved on a date no source states reads "no data"; a
    country without any recorded approval is named "no data" (never 0)."""
    from cartatlas.analyses.approvals import (
        LAG_DEFINITION,
        approvals_frame,
        approved_product_counts,
        oriented_lag,
    )
    from cartatlas.cli import db_target
    from cartatlas.evidence.absence import no_approvals
    from cartatlas.evidence.queries import EvidenceNotLoaded, require_loaded
    from cartatlas.store import StoreMissing, open_store

    codes = country_list(countries, more, ["CN", "US"])
    if lag and len(codes) != 2:
        raise bad_input("--lag compares two countries, e.g. --countries CN US")
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            require_loaded(store)
            frame = approvals_frame(store, codes)
    except (StoreMissing, EvidenceNotLoaded) as exc:
        raise bad_input(exc) from None
    # A country without a recorded approval is "no data", not zero and not an empty table.
    counts = approved_product_counts(frame, codes)
    for code in (c for c in codes if counts[c] is None):
        err.print(no_approvals(code))
    if lag:
        a, b, table = oriented_lag(frame, codes)
        columns = ["target", "indication"]
        for side in (a, b):
            columns += [f"{c}_{side}" for c in ("product_id", "approval_date", "line_of_therapy")]
            columns += [f"population_{side}", f"kind_{side}", f"date_source_kind_{side}"]
        columns += ["lag_months", "status"]
        definition = LAG_DEFINITION.format(a=a, b=b)
        title = definition[0].upper() + definition[1:]
        rows = _rows(table, columns, fmt)
        if fmt is Format.table:
            rows = [_lag_cells(columns, row) for row in rows]
        emit(columns, rows, fmt, title=title, wide=wide)
        return
    columns = ["country", "agency", "product_id", "indication", "line_of_therapy", "population"]
    columns += ["approval_date", "kind", "source_url", "alternative_sources", "choice"]
    emit(
        columns,
        _rows(frame, columns, fmt),
        fmt,
        title="CAR-T approvals, one row per approval (other sources listed as alternatives)",
        wide=wide,
    )


def prices(
    ctx: typer.Context,
    countries: CountriesOption = None,
    more: MoreCountries = None,
    usd: Annotated[
        bool,
        typer.Option(
            "--usd",
            help="Add US dollars at the price year's average exchange rate and international "
            "dollars at PPP (empty when the knowledge base has no rate for that year).",
        ),
    ] = False,
    per_responder: Annotated[
        bool,
        typer.Option(
            "--per-responder",
            help="Instead of the prices: each registrational trial's price (USD) divided by its "
            "complete-response rate, paired by product, indication, line, country and era as "
            "the report's cost-per-responder table, or 'no data' with the reason.",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
) -> None:
    """CAR-T prices in each country (default CN, US) in local currency, each with its source and
    indication, and 'confidential' under discount where the price's note says the payer pays
    less under a confidential discount; with --usd, which prices the report's headline range
    counts (in_headline: for each product, indication, country and year, the prices of the
    strongest sources, as the report states) and each country's range; with --per-responder,
    the cost per complete responder the report derives."""
    from cartatlas.analyses.cost import LATEST_RATE_RULE, confidential_discount, prices_frame
    from cartatlas.analyses.headline_prices import HEADLINE_PRICE_RULE, headline_range, in_headline
    from cartatlas.analyses.responder_cost import PAIRING_RULE, cost_per_responder
    from cartatlas.cli import db_target
    from cartatlas.evidence.absence import no_data
    from cartatlas.evidence.queries import EvidenceNotLoaded, require_loaded
    from cartatlas.store import StoreMissing, open_store

    codes = country_list(countries, more, ["CN", "US"])
    try:
        with open_store(db_target(ctx), read_only=True) as store:
            require_loaded(store)
            frame = (
                cost_per_responder(store, codes) if per_responder else prices_frame(store, codes)
            )
    except (StoreMissing, EvidenceNotLoaded) as exc:
        raise bad_input(exc) from None
    if per_responder:
        frame = frame.assign(
            **{
                c: frame[c].round(0)
                for c in ("price_usd", "cost_usd", "cost_ci_low", "cost_ci_high")
            },
            rate_ci95=[
                f"{100 * low:.0f}–{100 * high:.0f}%"
                for low, high in zip(frame["rate_ci_low"], frame["rate_ci_high"], strict=True)
            ],
        )
        columns = ["product_id", "country", "indication", "study_id", "endpoint", "events", "n"]
        columns += ["denominator", "rate_ci95", "price_year", "price_choice", "price_usd"]
        columns += ["cost_usd"]
        columns += ["cost_ci_low", "cost_ci_high", "status", "price_source_url"]
        title = "Cost per responder: price (USD) ÷ complete-response rate"
        emit(columns, _rows(frame, columns, fmt), fmt, title=title, wide=wide)
        if fmt is Format.table:
            if frame.empty:
                where = " or ".join(codes)
                console().print(
                    no_data(f"no registrational trial reporting a CR ran in {where}"),
                    markup=False,
                )
            console().print(f"Pairing: {PAIRING_RULE}.")
        return
    columns = ["country", "product_id", "indication", "year", "kind", "amount", "currency"]
    # "confidential": the note says the payer pays less, in confidence (as the report marks it)
    frame = frame.assign(
        discount=frame["note"].map(confidential_discount).map({True: "confidential", False: ""})
    )
    columns += ["discount"]
    if usd:
        ranges = {code: headline_range(frame, code) for code in codes}
        frame = frame.assign(
            usd=frame["usd"].round(0),
            intl_dollars=frame["intl_dollars"].round(0),
            in_headline=in_headline(frame).map({True: "yes", False: "no"}),
        )
        columns += ["usd", "fx_year", "intl_dollars", "ppp_year", "in_headline"]
    columns += ["source_url"]
    emit(columns, _rows(frame, columns, fmt), fmt, title="CAR-T prices", wide=wide)
    if usd and fmt is Format.table:
        console().print(
            f"Conversion: year-matched average exchange rate; {LATEST_RATE_RULE}; fx_year and "
            "ppp_year name the years used."
        )
        for code, span in ranges.items():
            console().print(f"Headline range, {code}: {_range_words(frame, code, span)}")
        console().print(f"Rule for the headline ranges: {HEADLINE_PRICE_RULE}.")


def _range_words(prices, country: str, span: tuple[float, float, int] | None) -> str:
    """A country's headline range in words: one value or a span with its count of reports, or
    "no data (reason)": none recorded, or none that may stand behind a headline."""
    from cartatlas.evidence.absence import no_data, no_prices
    from cartatlas.wording import counted

    if span is None:
        if prices.empty or not (prices["country"] == country).any():
            return no_prices(country)
        return no_data(
            "its recorded prices are noted as low reliability or read on secondary pages"
        )
    low, high, reports = span
    value = f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
    return f"{value} USD ({counted(reports, 'price report')}, in_headline = yes)"


def claims(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="Claims YAML (see docs/claims.md).", exists=True, dir_okay=False),
    ],
    fmt: FormatOption = Format.table,
    wide: WideOption = False,
) -> None:
    """Check an article's claims file against the evidence and registries, without building the
    report: each claim with its verdict, the evidence and the rule, and its sources."""
    from cartatlas.analyses.claims import check_claims, load_claims
    from cartatlas.analyses.claims.model import ClaimsFileError
    from cartatlas.cli import db_target
    from cartatlas.evidence.queries import EvidenceNotLoaded, require_loaded
    from cartatlas.report.context import ReportContext
    from cartatlas.store import StoreMissing, open_store

    try:
        document = load_claims(file)
        with open_store(db_target(ctx), read_only=True) as store:
            require_loaded(store)
            context = ReportContext(store, [])
            trials = context.trials if context.has_registry else None
            verdicts = check_claims(store, document, trials, str(file))
    except (StoreMissing, EvidenceNotLoaded, ClaimsFileError) as exc:
        raise bad_input(exc) from None
    columns = ["claim", "verdict", "evidence", "rule", "sources"]
    rows = [
        [
            v.claim.text,
            v.verdict,
            v.evidence,
            v.rule,
            " ".join(dict.fromkeys(filter(None, v.sources))),
        ]
        for v in verdicts
    ]
    emit(
        columns, rows, fmt, title=f"Claims of {document.source.get('title', file.name)}", wide=wide
    )


def register(app: typer.Typer) -> None:
    app.command()(approvals)
    app.command()(prices)
    app.command()(claims)

"""Regulatory safety actions per agency (timeline) and who pays (coverage), with sources."""

from __future__ import annotations

import re

import pandas as pd

from cartatlas.analyses.treated_share import SHARE_CAVEAT, treated_phrase
from cartatlas.evidence.absence import no_coverage
from cartatlas.evidence.jurisdictions import EEA, EU, with_eu_if_member
from cartatlas.evidence.source_strength import is_weak
from cartatlas.missing import is_missing
from cartatlas.report.context import ReportContext
from cartatlas.report.durability_figures import actions_timeline
from cartatlas.report.model import Figure, Paragraph, Section, Table
from cartatlas.report.sections.common import cite_marked
from cartatlas.wording import in_words


def _weeks(before: object, after: object) -> str:
    if is_missing(before) and is_missing(after):
        return ""
    before, after = ("?" if is_missing(w) else f"{w:g}" for w in (before, after))
    return f"{before} → {after}"


def _restrictions(row: dict) -> str:
    """ "stay near centre 4 → 2; no driving 8 → 2" from the weeks columns that are filled."""
    pairs = (
        ("stay near centre", row["monitoring_weeks_before"], row["monitoring_weeks_after"]),
        ("no driving", row["driving_weeks_before"], row["driving_weeks_after"]),
    )
    return "; ".join(
        f"{what} {weeks}" for what, before, after in pairs if (weeks := _weeks(before, after))
    )


def regulatory(ctx: ReportContext) -> Section:
    frame = ctx.store.frame(
        "SELECT * FROM evidence_regulatory_actions ORDER BY agency, action_date"
    )
    # An EMA action (country EU) applies to every EEA state asked for, as EMA approvals do.
    frame = frame[frame["country"].isin(with_eu_if_member(ctx.countries))]
    if frame.empty:
        return Section(
            "regulatory",
            "Regulatory safety actions",
            "No data (no regulatory safety actions are recorded).",
        )
    rows = [
        [
            f"{r['agency']} ({r['country']})",
            r["action_date"],
            in_words(r["action"]),
            r["scope"],
            r["summary"],
            _restrictions(r),
            cite_marked(ctx.refs, r),
        ]
        for r in frame.to_dict("records")
    ]
    agencies = ", ".join(sorted(set(frame["agency"])))
    acted = set(frame["country"])
    missing_countries = [
        c for c in ctx.countries if c not in acted and not (EU in acted and c in EEA)
    ]
    answer = (
        f"Recorded actions ({agencies}): "
        + "; ".join(f"{r[1]} {r[0]} {r[2]}" for r in rows)
        + "."
        + (
            f" No data ({', '.join(missing_countries)}: no safety-related label change, "
            "boxed warning or monitoring rule was found for its agency)."
            if missing_countries
            else ""
        )
    )
    return Section(
        "regulatory",
        "Regulatory safety actions",
        answer,
        [
            Figure(
                "Regulatory safety actions per agency",
                actions_timeline(frame),
                "Each marker is one dated action; month-precision dates sit at the start of "
                "their month, and actions dated only by year are in the table only.",
                Table(
                    "Actions plotted",
                    ["agency", "date", "action", "source"],
                    [[r[0], r[1], r[2], r[6]] for r in rows if len(r[1]) > 4],
                ),
                slug="regulatory-timeline",
            ),
            Table(
                "Regulatory safety actions",
                [
                    "agency",
                    "date",
                    "action",
                    "scope",
                    "what changed",
                    "restrictions (weeks, before → after)",
                    "source",
                ],
                rows,
            ),
        ],
        ["Dates at month or year precision are as precise as their source."],
    )


def _payer_item(payer: str, status: str, rows: pd.DataFrame, short: bool = False) -> str:
    """ "Hu Hui Bao (…) covered (axicabtagene-ciloleucel; news page only, weak source)": a
    payer's decision names what it covers — one product on a city plan is not CAR-T covered —
    and, as every headline does, says when nothing stronger than a news or secondary page
    stands behind it. ``short``: for the short answer, the payer without its description and
    several products counted and the weak source said briefly ("Commercial Health Insurance
    Innovative Drug List covered (5 products; weak source: news and secondary only)"); the
    full statement below it names them."""
    products = sorted({"CAR-T as a class" if is_missing(p) else p for p in rows["product_id"]})
    said = f"{len(products)} products" if short and len(products) > 1 else ", ".join(products)
    payer = _SHORT_PAYER.sub("", payer) if short else payer
    kinds = sorted(set(rows["source_kind"]))
    if all(is_weak(kind) for kind in kinds) and short:
        said += f"; weak source: {' and '.join(kinds)} only"
    elif all(is_weak(kind) for kind in kinds):
        pages = "page" if len(rows) == 1 else "pages"
        said += f"; {' and '.join(kinds)} {pages} only, weak source"
    return f"{payer} {status} ({said})"


#: A payer's description in brackets ("Medicare (CMS National Coverage Determination 110.24)"),
#: left out of the short answer; the full statement and the table keep it.
_SHORT_PAYER = re.compile(r"\s*\([^()]*\)$")


def _counts_patients(frame: pd.DataFrame) -> pd.Series:
    """Rows whose source counts both the patients treated and those eligible: a study of who
    received CAR-T under a payer (SEER-Medicare claims, a national access scheme's cohort), told
    in the treated-vs-eligible paragraph rather than as one more coverage decision."""
    return frame["patients_treated"].notna() & frame["patients_eligible"].notna()


def _who_pays(ctx: ReportContext, frame: pd.DataFrame, short: bool) -> str:
    """ "Who pays for CAR-T — CN: …. US: …." with each payer's decision (``_payer_item``); the
    short answer, under the question, leaves out its opening words. Patient counts are not
    decisions: "Medicare beneficiaries in SEER areas covered" would read as a second Medicare
    policy beside the NCD."""
    parts = []
    decisions = frame[~_counts_patients(frame)]
    for country in ctx.countries:
        mine = decisions[decisions["country"] == country]
        if mine.empty:
            parts.append(f"{country}: {no_coverage(country)}")
            continue
        parts.append(
            f"{country}: "
            + "; ".join(
                _payer_item(payer, status, part, short)
                for (payer, status), part in mine.groupby(["payer", "status"], sort=True)
            )
        )
    return ("" if short else "Who pays for CAR-T — ") + ". ".join(parts) + "."


def _treated_vs_eligible(ctx: ReportContext, frame: pd.DataFrame) -> str:
    """ "Patients treated against patients eligible, where one source counts both — US: …" per
    country, each count with its date and source, or the country's "no data"."""
    parts = []
    for country in ctx.countries:
        counted = frame[_counts_patients(frame) & (frame["country"] == country)].to_dict("records")
        if not counted:
            parts.append(f"{country}: no data (no source counts both)")
            continue
        parts.append(
            f"{country}: "
            + "; ".join(
                f"{r['payer']}, {r['scope']}: {treated_phrase(r)} {cite_marked(ctx.refs, r)}"
                for r in counted
            )
        )
    return (
        "Patients treated against patients eligible, where one source counts both — "
        + ". ".join(parts)
        + f". {SHARE_CAVEAT}"
    )


def coverage(ctx: ReportContext) -> Section:
    frame = ctx.store.frame("SELECT * FROM evidence_coverage ORDER BY country, effective_date")
    frame = frame[frame["country"].isin(ctx.countries)]
    if frame.empty:
        return Section("coverage", "Who pays", "No data (no coverage decisions are recorded).")
    rows = []
    for r in frame.to_dict("records"):
        pocket = (
            "not stated"
            if is_missing(r["out_of_pocket_amount"])
            else f"{r['out_of_pocket_amount']:,.0f} {r['out_of_pocket_currency']}"
            + (" (year not stated)" if is_missing(r["effective_date"]) else "")
        )
        stated = "; ".join(part for part in (treated_phrase(r), f"out of pocket {pocket}") if part)
        rows.append(
            [
                r["country"],
                "CAR-T (class)" if is_missing(r["product_id"]) else r["product_id"],
                f"{r['payer']} ({r['scheme'].replace('_', ' ')})",
                r["status"]
                + ("" if is_missing(r["effective_date"]) else f", {r['effective_date']}"),
                r["scope"] + (f"; {r['conditions']}" if not is_missing(r["conditions"]) else ""),
                stated,
                cite_marked(ctx.refs, r),
            ]
        )
    full, short = _who_pays(ctx, frame, False), _who_pays(ctx, frame, True)
    return Section(
        "coverage",
        "Who pays",
        f"{short} Products, scope, conditions and sources: see Who pays.",
        [
            Paragraph(full),
            Paragraph(_treated_vs_eligible(ctx, frame)),
            Table(
                "Coverage decisions and schemes",
                [
                    "country",
                    "product",
                    "payer (kind of scheme)",
                    "status, date",
                    "scope and conditions",
                    "patients; out of pocket",
                    "source",
                ],
                rows,
                note="Out-of-pocket amounts are shown only where a source states them; "
                "'not stated' is not zero.",
            ),
        ],
        [
            "A listing (e.g. China's commercial insurance list) is not coverage of every "
            "patient: it applies to people whose plan includes it.",
            "Medicare coverage (NCD 110.24) was conditioned on treatment at REMS-enrolled "
            "facilities; the REMS was eliminated in June 2025 (see Regulatory safety actions).",
        ],
    )

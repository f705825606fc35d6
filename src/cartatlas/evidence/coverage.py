"""What the knowledge base holds for each approved product × indication, and what it lacks.

The gaps are part of the evidence: a missing grading system or follow-up row is shown as such,
so curators know what to look for next and readers know what cannot be compared.
"""

from __future__ import annotations

import pandas as pd

from cartatlas.evidence.absence import no_data, no_hazard_ratio
from cartatlas.evidence.schema import ANALYSIS_ORDER
from cartatlas.store import Store

TITLE = "Evidence coverage of approved product × indication"
COLUMNS = [
    "product",
    "indication",
    "registrational study",
    "ORR",
    "CR",
    "CRS any",
    "CRS ≥3",
    "ICANS any",
    "ICANS ≥3",
    "durability",
    "HR vs SoC",
    "grading",
    "analyses",
]

_CELLS = {
    "ORR": ("outcomes", "endpoint IN ('ORR')"),
    "CR": ("outcomes", "endpoint IN ('CR', 'CR_CRi', 'sCR')"),
    "CRS any": ("safety", "event = 'CRS' AND grade = 'any'"),
    "CRS ≥3": ("safety", "event = 'CRS' AND grade = '3plus'"),
    "ICANS any": ("safety", "event IN ('ICANS', 'neurotoxicity') AND grade = 'any'"),
    "ICANS ≥3": ("safety", "event IN ('ICANS', 'neurotoxicity') AND grade = '3plus'"),
    "durability": ("survival", "arm = 'car-t'"),
}


def coverage(store: Store) -> list[list[str]]:
    """One row per approved product × indication: its registrational studies and, for each
    endpoint, "yes" or "—"; the grading systems named and the analyses recorded."""
    pairs = store.execute(
        "SELECT DISTINCT product_id, indication FROM evidence_approvals ORDER BY 1, 2"
    )
    rows = []
    for product, indication in pairs:
        studies = [
            s
            for (s,) in store.execute(
                "SELECT study_id FROM evidence_studies WHERE product_id = ? AND indication = ? "
                "AND registrational ORDER BY study_id",
                (product, indication),
            )
        ]
        marks = ", ".join("?" * len(studies)) or "NULL"
        cells = []
        for table, condition in _CELLS.values():
            [(n,)] = store.execute(
                f"SELECT count(*) FROM evidence_{table} WHERE study_id IN ({marks}) "
                f"AND {condition}",
                studies,
            )
            cells.append("yes" if n else "—")
        cells.append(_hazard_ratio_cell(store, studies))
        gradings = [
            g
            for (g,) in store.execute(
                f"SELECT DISTINCT grading FROM evidence_safety WHERE study_id IN ({marks}) "
                "AND grading IS NOT NULL ORDER BY 1",
                studies,
            )
        ]
        analyses = [
            a
            for (a,) in store.execute(
                f"SELECT DISTINCT analysis FROM evidence_outcomes WHERE study_id IN ({marks}) "
                "ORDER BY 1",
                studies,
            )
        ]
        rows.append(
            [
                product,
                indication,
                ", ".join(studies) or "no data",
                *cells,
                ", ".join(gradings) or "not stated",
                ", ".join(analyses) or "—",
            ]
        )
    return rows


RANDOMIZED_COLUMNS = [
    "study",
    "product",
    "indication",
    "registrational",
    "primary endpoint",
    "primary HR",
    "OS HR",
    "crossover %",
]


#: A bare "—" could be read as "none" (no crossover allowed, no primary endpoint): the cells say
#: what is missing is the record.
NO_CROSSOVER = no_data("no stored source of this trial's hazard ratios gives the crossover")
NO_PRIMARY_ENDPOINT = no_data("no hazard ratio row is marked as the primary endpoint")


def randomized_coverage(store: Store) -> list[list[str]]:
    """One row per randomized CAR-T vs standard-of-care trial of an approved product (whether
    or not the trial supported an approval): its primary-endpoint and overall-survival hazard
    ratios as "HR (low–high)", "immature" or "not reported" when the source says so, and
    :func:`no_hazard_ratio` when nothing is recorded (a gap to fill)."""
    trials = store.execute(
        "SELECT study_id, product_id, indication, registrational FROM evidence_studies "
        "WHERE design LIKE 'randomized%' AND product_id IN "
        "(SELECT product_id FROM evidence_approvals) ORDER BY product_id, study_id"
    )
    rows = []
    for study, product, indication, registrational in trials:
        comparisons = store.frame(
            "SELECT endpoint, primary_endpoint, analysis, status, hr, ci_low, ci_high, "
            "crossover_percent FROM evidence_comparisons WHERE study_id = ?",
            (study,),
        )
        primary = comparisons[comparisons["primary_endpoint"].astype(bool)]
        endpoint = primary["endpoint"].iloc[0] if not primary.empty else None
        crossover = comparisons["crossover_percent"].dropna()
        rows.append(
            [
                study,
                product,
                indication,
                "yes" if registrational else "no",
                endpoint or NO_PRIMARY_ENDPOINT,
                _latest_hr(primary),
                _latest_hr(comparisons[comparisons["endpoint"] == "OS"]),
                f"{crossover.max():g}" if not crossover.empty else NO_CROSSOVER,
            ]
        )
    return rows


def randomized_gaps(rows: list[list[str]]) -> list[str]:
    """ "BELINDA (primary HR, OS HR)" for each randomized trial missing a hazard ratio row."""
    gaps = []
    for row in rows:
        missing = [
            name
            for name, cell in zip(("primary HR", "OS HR"), row[5:7], strict=True)
            if cell == no_hazard_ratio()
        ]
        if missing:
            gaps.append(f"{row[0]} ({', '.join(missing)})")
    return gaps


def _latest_hr(frame: pd.DataFrame) -> str:
    """The latest analysis's hazard ratio as printed, the status that explains its absence,
    or, with no row at all, :func:`no_hazard_ratio`."""
    if frame.empty:
        return no_hazard_ratio()
    frame = frame.assign(_order=frame["analysis"].map(ANALYSIS_ORDER)).sort_values("_order")
    reported = frame.dropna(subset=["hr"])
    if reported.empty:
        return frame["status"].iloc[0].replace("_", " ")
    row = reported.iloc[0]
    interval = f" ({row['ci_low']:g}–{row['ci_high']:g})" if pd.notna(row["ci_low"]) else ""
    return f"{row['hr']:g}{interval}, {row['analysis'].replace('_', ' ')}"


def _hazard_ratio_cell(store: Store, studies: list[str]) -> str:
    """ "yes" when a randomized registrational trial has a hazard ratio recorded,
    :func:`no_hazard_ratio` when it has none (a gap), "n/a" when no registrational trial is
    randomized."""
    marks = ", ".join("?" * len(studies)) or "NULL"
    [(randomized,)] = store.execute(
        f"SELECT count(*) FROM evidence_studies WHERE study_id IN ({marks}) "
        "AND design LIKE 'randomized%'",
        studies,
    )
    if not randomized:
        return "n/a"
    [(n,)] = store.execute(
        f"SELECT count(*) FROM evidence_comparisons WHERE study_id IN ({marks}) AND hr IS NOT NULL",
        studies,
    )
    return "yes" if n else no_hazard_ratio()

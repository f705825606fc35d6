"""What the knowledge base holds for each approved product × indication, and what it lacks.

The gaps are part of the evidence: a missing grading system or follow-up row is shown as such,
so curators know what to look for next and readers know what cannot be compared.
"""

from __future__ import annotations

from cartatlas.store import Store

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


def _hazard_ratio_cell(store: Store, studies: list[str]) -> str:
    """ "yes" when a randomized registrational trial has a hazard ratio recorded, "—" when it
    has none (a gap), "n/a" when no registrational trial is randomized."""
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
    return "yes" if n else "—"

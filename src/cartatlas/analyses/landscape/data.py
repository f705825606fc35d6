"""One row per trial with the facts and labels the landscape counts by.

List-valued dimensions (countries, targets, disease areas, cell sources) stay lists here; the
counting module decides how a trial with several values is counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from cartatlas.classify.columns import COLUMNS, LIST_COLUMNS, SEPARATOR
from cartatlas.store.connection import Store

if TYPE_CHECKING:  # the rules compile on import: only classifying now (--input) loads them
    from cartatlas.classify.labels import TrialLabels
    from cartatlas.classify.record import TrialRecord

_PHASES = {
    ("EARLY_PHASE1",): "early 1",
    ("PHASE1",): "1",
    ("PHASE1", "PHASE2"): "1/2",
    ("PHASE2",): "2",
    ("PHASE2", "PHASE3"): "2/3",
    ("PHASE3",): "3",
    ("PHASE4",): "4",
    ("NA",): "n/a",
}


def phase(phases: Iterable[str]) -> str:
    """ClinicalTrials.gov phase codes as one short label ("1/2", "early 1", "n/a", "unknown")."""
    return _PHASES.get(tuple(sorted(phases)), "unknown")


def group(areas: list[str]) -> str:
    """Haematological, solid or autoimmune (or mixed/unknown) for a list of disease areas."""
    kinds = {
        "solid"
        if a.startswith("solid:")
        else "autoimmune"
        if a.startswith("autoimmune:")
        else "haematological"
        for a in areas
    }
    return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "unknown")


def trial_frame(records: Iterable[TrialRecord]) -> pd.DataFrame:
    """Facts and labels of every record, classified now (CAR or not; filter on ``is_car``)."""
    from cartatlas.classify.labels import classify

    rows = []
    for record in records:
        labels: TrialLabels = classify(record)
        values = tuple(getattr(labels, name) for name in COLUMNS)
        rows.append(_row(record.trial_id, values, record.start_date, record.phases, record.status))
    return _frame(rows)


def stored_trial_frame(store: Store) -> pd.DataFrame:
    """:func:`trial_frame` of the store's current trials from their stored labels
    (:func:`~cartatlas.classify.store.current_labels`) and registry columns: no JSON is
    parsed and nothing is classified again."""
    from cartatlas.classify.store import current_labels
    from cartatlas.store.registry_read import current_studies

    studies = current_studies(store)
    facts = dict(
        zip(
            studies["nct_id"].fillna(studies["trial_id"]),
            zip(studies["start_date"], studies["phases"], studies["status"], strict=True),
            strict=True,
        )
    )
    rows = []
    for labels in current_labels(store).itertuples(index=False):
        values = tuple(
            (value.split(SEPARATOR) if value else []) if name in LIST_COLUMNS else value
            for name, value in zip(COLUMNS, labels, strict=True)
        )
        rows.append(_row(labels.nct_id, values, *facts[labels.nct_id]))
    return _frame(rows)


def _row(
    trial_id: str, labels: tuple, start_date: str | None, phases: Iterable[str], status: str | None
) -> dict:
    """One trial's landscape row from its labels (in :data:`COLUMNS` order, lists as lists)."""
    got = dict(zip(COLUMNS, labels, strict=True))
    year = (start_date or "")[:4]
    return {
        "nct_id": trial_id,
        "is_car": bool(got["is_car"]),
        "start_year": int(year) if year.isdigit() else None,
        "phase": phase(phases),
        "status": status or "UNKNOWN",
        "targets": got["targets"] or ["unnamed"],
        "disease_area": got["disease_area"] or ["unspecified"],
        "disease_group": group(got["disease_area"]),
        "sponsor_type": got["sponsor_type"] or "unknown",
        "cell_type": got["cell_type"],
        "cell_source": got["cell_source"],
        "allogeneic": any(s.startswith("allogeneic") for s in got["cell_source"]),
        "in_vivo": bool(got["in_vivo"]),
        "countries": got["countries"],
        "sponsor_country": got["sponsor_country"],
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["start_year"] = frame["start_year"].astype("Int64")
    return frame

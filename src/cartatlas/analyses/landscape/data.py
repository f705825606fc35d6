"""One row per trial with the facts and labels the landscape counts by.

List-valued dimensions (countries, targets, disease areas, cell sources) stay lists here; the
counting module decides how a trial with several values is counted.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cartatlas.classify.labels import TrialLabels, classify
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
    """Facts and labels of every record (CAR or not; filter on ``is_car``)."""
    rows = []
    for record in records:
        labels: TrialLabels = classify(record)
        year = (record.start_date or "")[:4]
        rows.append(
            {
                "nct_id": record.trial_id,
                "is_car": labels.is_car,
                "start_year": int(year) if year.isdigit() else None,
                "phase": phase(record.phases),
                "status": record.status or "UNKNOWN",
                "targets": labels.targets or ["unnamed"],
                "disease_area": labels.disease_area or ["unspecified"],
                "disease_group": group(labels.disease_area),
                "sponsor_type": labels.sponsor_type or "unknown",
                "cell_type": labels.cell_type,
                "cell_source": labels.cell_source,
                "allogeneic": any(s.startswith("allogeneic") for s in labels.cell_source),
                "in_vivo": labels.in_vivo,
                "countries": labels.countries,
                "sponsor_country": labels.sponsor_country,
            }
        )
    frame = pd.DataFrame(rows)
    frame["start_year"] = frame["start_year"].astype("Int64")
    return frame

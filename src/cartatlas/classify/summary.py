"""What ``cartatlas classify`` prints by default: how many trials got each label value.

A table of every trial's labels is thousands of lines that nobody reads in a terminal (and
printing it cost a fifth of the run); the per-trial labels are in the store and in
``--table`` / ``--format csv``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from cartatlas.classify.labels import TrialLabels

SUMMARY_COLUMNS = ("label", "trials", "most frequent values (trials)")
_SHOWN = 6


def summary_rows(labels: Sequence[TrialLabels]) -> list[tuple[str, int, str]]:
    """One row per label: trials with a value, and the most frequent values with counts.

    List labels count each trial once per value; ``targets``, ``cell_type``, ``cell_source``
    and ``in_vivo`` are counted among CAR trials only, as the classifier gives them only there.
    """
    cars = [item for item in labels if item.is_car]
    rows = [("trials", len(labels), f"CAR {len(cars)}, not CAR {len(labels) - len(cars)}")]
    for name, scope in (
        ("targets", cars),
        ("cell_type", cars),
        ("cell_source", cars),
        ("in_vivo", cars),
        ("disease_area", labels),
        ("sponsor_type", labels),
        ("countries", labels),
    ):
        counts: Counter[str] = Counter()
        for item in scope:
            value = getattr(item, name)
            values = value if isinstance(value, list) else [str(value)] if value != "" else []
            counts.update(set(values))
        with_value = sum(1 for item in scope if getattr(item, name) not in ([], ""))
        shown = ", ".join(f"{v} {n}" for v, n in counts.most_common(_SHOWN))
        rows.append((name, with_value, shown))
    return rows

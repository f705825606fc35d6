"""All labels of one trial, and the table of labels for many trials.

:func:`classify` runs each label rule once, in dependency order (targets need ``is_car``;
disease needs targets). :data:`COLUMNS` is the label table's schema, shared by the store table
``trial_labels``, ``cartatlas classify`` output and ``cartatlas trials --format csv``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from cartatlas.classify.cells import cell_source, cell_types, in_vivo
from cartatlas.classify.columns import COLUMNS, SEPARATOR
from cartatlas.classify.countries import countries
from cartatlas.classify.disease import disease_area
from cartatlas.classify.is_car import is_car
from cartatlas.classify.record import TrialRecord
from cartatlas.classify.sponsor import sponsor_country, sponsor_type
from cartatlas.classify.targets import targets


@dataclass(slots=True)
class TrialLabels:
    """The labels of one trial; ``reasons`` maps each label to the words that decided it."""

    nct_id: str
    is_car: bool
    targets: list[str]
    cell_type: list[str]
    cell_source: list[str]
    in_vivo: bool
    disease_area: list[str]
    sponsor_type: str
    countries: list[str]
    sponsor_country: str | None
    reasons: dict[str, str] = field(default_factory=dict)

    def row(self) -> tuple:
        """One output row in :data:`COLUMNS` order, lists ``|``-joined."""
        values = []
        for column in COLUMNS:
            value = getattr(self, column)
            values.append(SEPARATOR.join(value) if isinstance(value, list) else value)
        return tuple(values)


def classify(record: TrialRecord) -> TrialLabels:
    """Every label of one trial, each with its reason."""
    reasons: dict[str, str] = {}

    def keep(name: str, result: tuple) -> object:
        value, reasons[name] = result
        return value

    car = keep("is_car", is_car(record))
    found_targets = keep("targets", targets(record, car))
    sources = keep("cell_source", cell_source(record, car))
    kind = keep("sponsor_type", sponsor_type(record))
    return TrialLabels(
        nct_id=record.trial_id,
        is_car=car,
        targets=found_targets,
        cell_type=keep("cell_type", cell_types(record, car)),
        cell_source=sources,
        in_vivo=keep("in_vivo", in_vivo(sources)),
        disease_area=keep("disease_area", disease_area(record, found_targets)),
        sponsor_type=kind,
        countries=keep("countries", countries(record)),
        sponsor_country=keep("sponsor_country", sponsor_country(record, kind)),
        reasons=reasons,
    )


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Labelling makes no reference cycles (a pass over the store's trials leaves 0 unreachable
    objects; ``tests/classify/test_labels.py`` checks it), so reference counting frees all it
    drops. The cyclic collector, started by allocation counts, would still walk the growing
    heap of labels and per-text caches again and again: about a sixth of a pass's CPU. It is
    restored afterwards, also on error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def classify_all(
    records: Iterable[TrialRecord], progress: Callable[[int], None] | None = None
) -> list[TrialLabels]:
    """Labels of every record; ``progress(n)`` hears every hundred records done (a bar)."""
    labels = []
    with cycle_collector_paused():
        for done, record in enumerate(records, 1):
            labels.append(classify(record))
            if progress and done % 100 == 0:
                progress(100)
    return labels

"""Structured, explainable labels for registry trials (is it a CAR trial, which targets, cells,
disease area, sponsor type, countries), from rules over a small registry-neutral record."""

from cartatlas.classify.labels import COLUMNS, TrialLabels, classify, classify_all
from cartatlas.classify.record import TrialRecord, from_api_v2
from cartatlas.classify.store import labels_frame, write_labels

__all__ = [
    "COLUMNS",
    "TrialLabels",
    "TrialRecord",
    "classify",
    "classify_all",
    "from_api_v2",
    "labels_frame",
    "write_labels",
]

"""Compare the classifier with hand labels: per-label precision, recall, F1 and failures.

Binary labels (``is_car``, ``in_vivo``) are scored on the positive class. List labels
(``targets``, ``cell_type``, ``cell_source``, ``disease_area``, ``countries``) are scored per
element, micro-averaged: every gold element found is a true positive, every extra one a false
positive. ``sponsor_type`` is scored per class and macro-averaged. Product labels (targets,
cells, in vivo) are scored only on trials that are CAR trials by the hand label, so an
``is_car`` miss is counted once, under ``is_car``.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cartatlas.classify.columns import COLUMNS, LIST_COLUMNS, SEPARATOR
from cartatlas.classify.labels import TrialLabels, classify
from cartatlas.classify.record import TrialRecord
from cartatlas.inputs import did_you_mean

# Every label but the sponsor's country, which the development set does not hand-label.
SCORED = tuple(c for c in COLUMNS if c not in ("nct_id", "sponsor_country"))
CAR_ONLY = ("targets", "cell_type", "cell_source", "in_vivo")


@dataclass(slots=True)
class Score:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact: int = 0
    n: int = 0
    failures: list[tuple[str, str, str, str]] = field(default_factory=list)
    macro: tuple[float, float] | None = None  # (precision, recall) for multi-class labels

    @property
    def precision(self) -> float:
        if self.macro:
            return self.macro[0]
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        if self.macro:
            return self.macro[1]
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.exact / self.n if self.n else 1.0


class GoldFileError(ValueError):
    """A hand-label file that cannot be scored against: the message names file, line and field."""

    user_facing = True


_BOOLEAN = {"True": True, "False": False}


def read_gold(path: Path) -> dict[str, dict[str, object]]:
    """Hand labels by NCT ID, parsed into the classifier's value types. A file without the
    label columns, or without rows, is refused (it scored "precision 1.0" on nothing), and so
    is a yes/no column holding anything but True or False (it read as False)."""
    try:
        return _read_gold(path)
    except UnicodeDecodeError as exc:
        raise GoldFileError(
            f"{path}: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None


def _read_gold(path: Path) -> dict[str, dict[str, object]]:
    gold = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("nct_id", *SCORED) if c not in (reader.fieldnames or [])]
        if missing:
            raise GoldFileError(
                f"{path}: not a hand-label file: no column {', '.join(missing)}; its first line "
                f"must name the columns nct_id, {', '.join(SCORED)} (as in "
                "tests/classify/dev_labels.csv)"
            )
        for row in reader:
            parsed: dict[str, object] = dict(row)
            for column in LIST_COLUMNS:
                parsed[column] = [v for v in (row[column] or "").split(SEPARATOR) if v]
            for column in ("is_car", "in_vivo"):
                if row[column] not in _BOOLEAN:
                    raise GoldFileError(
                        f"{path}, line {reader.line_num}: {column}: {row[column]!r} is not "
                        f"True or False{did_you_mean(row[column] or '', _BOOLEAN)}"
                    )
                parsed[column] = _BOOLEAN[row[column]]
            gold[row["nct_id"]] = parsed
    if not gold:
        raise GoldFileError(f"{path}: has the columns but no hand-labelled trial; add rows")
    return gold


def _value(labels: TrialLabels, column: str) -> object:
    return getattr(labels, column)


def _show(value: object) -> str:
    return SEPARATOR.join(value) if isinstance(value, list) else str(value)


def evaluate(
    records: Iterable[TrialRecord], gold: dict[str, dict[str, object]]
) -> tuple[dict[str, Score], list[str]]:
    """Scores per label, and the gold IDs that no record was found for."""
    scores = {label: Score(label) for label in SCORED}
    sponsor: Counter = Counter()
    seen = set()
    for record in records:
        truth = gold.get(record.trial_id)
        if truth is None:
            continue
        seen.add(record.trial_id)
        labels = classify(record)
        for label in SCORED:
            if label in CAR_ONLY and not truth["is_car"]:
                continue
            score, want, got = scores[label], truth[label], _value(labels, label)
            score.n += 1
            if label == "sponsor_type":
                sponsor[(want, got)] += 1
            elif isinstance(want, list):
                want_set, got_set = set(want), set(got)
                score.tp += len(want_set & got_set)
                score.fp += len(got_set - want_set)
                score.fn += len(want_set - got_set)
                want, got = sorted(want_set), sorted(got_set)
            else:
                score.tp += bool(want and got)
                score.fp += bool(got and not want)
                score.fn += bool(want and not got)
            if want == got:
                score.exact += 1
            else:
                reason = labels.reasons.get(label, "")
                score.failures.append((record.trial_id, _show(want), _show(got), reason))
    _macro_sponsor(scores["sponsor_type"], sponsor)
    return scores, sorted(set(gold) - seen)


def _macro_sponsor(score: Score, pairs: Counter) -> None:
    """Macro-averaged precision and recall over the sponsor classes."""
    classes = sorted({c for pair in pairs for c in pair if c})
    precisions, recalls = [], []
    for c in classes:
        tp = pairs[(c, c)]
        predicted = sum(n for (_, g), n in pairs.items() if g == c)
        actual = sum(n for (w, _), n in pairs.items() if w == c)
        precisions.append(tp / predicted if predicted else 1.0)
        recalls.append(tp / actual if actual else 1.0)
    if classes:
        score.macro = (sum(precisions) / len(classes), sum(recalls) / len(classes))


def score_rows(scores: dict[str, Score]) -> list[tuple]:
    """Rows for :func:`cartatlas.output.emit`: label, n, precision, recall, F1, exact match."""
    return [
        (
            s.label,
            s.n,
            round(s.precision, 3),
            round(s.recall, 3),
            round(s.f1, 3),
            round(s.accuracy, 3),
        )
        for s in scores.values()
    ]


SCORE_COLUMNS = ("label", "trials", "precision", "recall", "f1", "exact_match")

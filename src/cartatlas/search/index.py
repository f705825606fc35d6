"""A ranked full-text index over trials: SQLite FTS5 (it ships with Python), built in memory
from whatever store the trials came from, so DuckDB and PostgreSQL stores search alike.

The index is derived data, built from a trial frame. It pickles as the bytes of its SQLite
database, so the index of every current trial is kept in the store under the data version
(:mod:`cartatlas.search.stored`) and a later command reads it instead of rebuilding it. Each
trial is one document with weighted columns (title and conditions count more than the
summary); its classifier labels are indexed as the words of their concepts (a trial labelled
MM is found by "myeloma") and its sites as place names (so "Shanghai lymphoma" works).
Ranking is FTS5's BM25.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from cartatlas.search.query import Query, normalise, parse
from cartatlas.search.vocabulary import CONCEPTS

COLUMNS = ("key", "title", "conditions", "labels", "interventions", "summary", "places")
WEIGHTS = (10.0, 8.0, 5.0, 5.0, 3.0, 1.0, 1.0)


@dataclass(frozen=True)
class Document:
    """One trial's searchable text; lists are joined with spaces."""

    key: str
    title: str = ""
    conditions: Sequence[str] = ()
    interventions: Sequence[str] = ()
    summary: str = ""
    targets: Sequence[str] = ()
    disease_areas: Sequence[str] = ()
    places: Sequence[str] = ()


@cache
def _label_words() -> dict[str, str]:
    """Classifier label → the words of every concept that names it."""
    words: dict[str, list[str]] = {}
    for concept in CONCEPTS.values():
        for label in concept.labels:
            words.setdefault(label, []).extend(concept.terms)
    return {label: " ".join(terms) for label, terms in words.items()}


def _labels(document: Document) -> str:
    label_words = _label_words()
    return " ".join([*document.targets, *(label_words.get(a, a) for a in document.disease_areas)])


class TrialSearch:
    """Search ``documents`` by typed text; answers are positions into ``documents``, best first.

    Safe to share between threads (the web serves requests from a thread pool)."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._open()
        documents = list(documents)
        self.keys = [d.key for d in documents]
        self._db.execute(
            f"CREATE VIRTUAL TABLE doc USING fts5({', '.join(COLUMNS)}, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            f"INSERT INTO doc(rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    position,
                    d.key,
                    d.title,
                    " ".join(d.conditions),
                    _labels(d),
                    " ".join(d.interventions),
                    d.summary,
                    " ".join(normalise(p) for p in d.places),
                )
                for position, d in enumerate(documents)
            ),
        )
        self._db.execute("INSERT INTO doc(doc) VALUES ('optimize')")
        self._db.commit()  # serialize() writes the committed database only

    def _open(self, image: bytes | None = None) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        if image is not None:
            self._db.deserialize(image)
        self._rank = f"bm25(doc, {', '.join(str(w) for w in WEIGHTS)})"
        parse("warm up")  # compiles the vocabulary now, not during the first search

    def __getstate__(self) -> dict:
        with self._lock:
            return {"keys": self.keys, "image": self._db.serialize()}

    def __setstate__(self, state: dict) -> None:
        self._open(state["image"])
        self.keys = state["keys"]

    def _match(self, expression: str, among: Collection[str] | None) -> list[int]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT rowid FROM doc WHERE doc MATCH ? ORDER BY {self._rank}, rowid",
                (expression,),
            ).fetchall()
        return [row[0] for row in rows if among is None or self.keys[row[0]] in among]

    def search(
        self, text: str, among: Collection[str] | None = None
    ) -> tuple[list[int] | None, Query]:
        """Positions of the trials that contain every term of ``text``, best first; when none
        does, those that contain any, ranked by how well they match. ``None`` when the text asks
        for nothing in particular (only words like "CAR-T therapy"). ``among``: only trials with
        these keys count (a filtered list searched in the index of all trials; ranks are then
        those of the whole index, as on the dashboard)."""
        query = parse(text)
        if not query.terms:
            return None, query
        found = self._match(query.all_terms, among)
        if not found and len(query.terms) > 1:
            found = self._match(query.any_term, among)
        return found, query

"""The read API of the registry store: what the classifier, landscape, report and web read.

"Current" trials are those that belong to the latest snapshot of at least one selection (a trial
dropped from every selection is kept in ``reg_study`` for history, never returned here). With
``dedupe=True`` (the default) a trial registered in two registries and matched through its IDs
is returned once — as its ClinicalTrials.gov record when it has one — with the other records
listed in ``also_registered_as``, so counts are counts of trials, not of registrations.

Records that came through WHO ICTRP carry ``attribution`` ("WHO ICTRP") and ``source_date``
(the date WHO processed them); any output built from them must show
:func:`attribution_notes` — WHO's terms of use require it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from cartatlas.registries import concepts
from cartatlas.registries.eligibility import admits, age_limits
from cartatlas.store.connection import Store
from cartatlas.store.registry_schema import (  # noqa: F401 (NoRegistryData: imported from here)
    STUDY_COLUMNS,
    NoRegistryData,
    schema_mismatch,
)


def _require(store: Store) -> None:
    if not store.table_exists("reg_study"):
        raise NoRegistryData(
            f"no registry data in {store.shown}; load some with `cartatlas import FILE` or "
            "`cartatlas sync` first"
        )
    if mismatch := schema_mismatch(store):
        raise mismatch


CURRENT = "SELECT DISTINCT study_key FROM reg_membership WHERE active"
# Every stored study column except the writer's bookkeeping (hash, run) and the raw record.
_STUDY_FIELDS = tuple(c for c in STUDY_COLUMNS if c not in ("content_hash", "run_id", "raw"))


_NUMERIC = {
    "enrollment": "Int64",
    "records": "Int64",
    "sites": "Int64",
    "rejected": "Int64",
    "added": "Int64",
    "updated": "Int64",
    "removed": "Int64",
    "ord": "Int64",
    "lat": "float64",
    "lon": "float64",
}


def _frame(store: Store, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Rows as a DataFrame that keeps ``None`` for missing text (object columns) and uses
    nullable integers, the same on both backends."""
    names, rows = store.query(sql, params)
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    return frame.astype({n: t for n, t in _NUMERIC.items() if n in frame.columns})


def _lists(store: Store, sql: str, params: tuple = ()) -> dict[str, list]:
    """``study_key → [values in order]`` from a two-column (key, value) query."""
    grouped: dict[str, list] = {}
    for key, value in store.execute(sql, params):
        grouped.setdefault(key, []).append(value)
    return grouped


def _split(value: str | None) -> list[str]:
    return value.split("|") if value else []


def _canonical_map(store: Store, keys: set[str]) -> dict[str, list[str]]:
    """For every current record that is matched to others: the current group members, canonical
    first (the ``reg_match`` canonical when it is current, else the next preferred member)."""
    groups: dict[str, list[str]] = {}
    for key, canonical in store.execute(
        "SELECT study_key, canonical_key FROM reg_match ORDER BY study_key"
    ):
        if key in keys:
            groups.setdefault(canonical, []).append(key)
    ordered: dict[str, list[str]] = {}
    for canonical, members in groups.items():
        members.sort(key=lambda k: (k != canonical, not k.startswith("CTGOV:"), k))
        for key in members:
            ordered[key] = members
    return ordered


def current_studies(
    store: Store, *, dedupe: bool = True, include_raw: bool = False
) -> pd.DataFrame:
    """One row per current trial (see the module docstring), with list columns ``conditions``,
    ``interventions``, ``phases``, ``countries``, ``selections`` and ``also_registered_as``, and
    ``nct_id`` (the trial's NCT number, also for a ChiCTR record matched to one)."""
    keys, groups = _current_keys(store, dedupe)
    return _studies(store, keys, groups, include_raw)


def current_study_batches(
    store: Store, size: int, *, dedupe: bool = True, include_raw: bool = False
) -> Iterator[pd.DataFrame]:
    """:func:`current_studies` ``size`` trials at a time, in the same order and shape, so that a
    reader that handles one trial at a time (the classifier) holds one batch of titles,
    summaries and raw records, never the whole store's (≈ 250 MB of text at 100,000 trials,
    ≈ 1 GB with the raw JSON)."""
    keys, groups = _current_keys(store, dedupe)
    for start in range(0, len(keys), size):
        yield _studies(store, keys[start : start + size], groups, include_raw)


def _current_keys(store: Store, dedupe: bool) -> tuple[list[str], dict[str, list[str]]]:
    """The current trials' keys in order (each matched group's canonical member only when
    ``dedupe``), and the match groups (:func:`_canonical_map`)."""
    _require(store)
    keys = [key for (key,) in store.execute(f"{CURRENT} ORDER BY study_key")]
    groups = _canonical_map(store, set(keys))
    if dedupe and groups:
        keys = [k for k in keys if groups.get(k, [k])[0] == k]
    return keys, groups


def _studies(
    store: Store, keys: list[str], groups: dict[str, list[str]], include_raw: bool
) -> pd.DataFrame:
    """The :func:`current_studies` rows of ``keys`` (current and in order): read by the key
    range they span, then kept when in ``keys`` — no parameter per key, and on DuckDB 2.5×
    faster than the range joined with the current set (a trial dropped from every selection
    is read and left out)."""
    fields = _STUDY_FIELDS + (("raw",) if include_raw else ())
    span = (keys[0], keys[-1]) if keys else (None, None)
    within = "study_key BETWEEN ? AND ?"
    frame = _frame(
        store,
        f"SELECT {', '.join(fields)} FROM reg_study WHERE {within} ORDER BY study_key",
        span,
    )
    frame = frame[frame["study_key"].isin(keys)].reset_index(drop=True)
    conditions = _lists(
        store,
        f"SELECT study_key, name FROM reg_condition WHERE {within} ORDER BY study_key, ord",
        span,
    )
    interventions = _lists(
        store,
        f"SELECT study_key, name FROM reg_intervention WHERE {within} ORDER BY study_key, ord",
        span,
    )
    selections = _lists(
        store,
        "SELECT study_key, selection FROM reg_membership"
        f" WHERE active AND {within} ORDER BY study_key, selection",
        span,
    )
    frame["conditions"] = [conditions.get(k, []) for k in frame["study_key"]]
    frame["interventions"] = [interventions.get(k, []) for k in frame["study_key"]]
    frame["phases"] = [_split(v) for v in frame["phases"]]
    frame["countries"] = [_split(v) for v in frame["countries"]]
    frame["selections"] = [selections.get(k, []) for k in frame["study_key"]]
    frame["also_registered_as"] = [
        [m for m in groups.get(k, []) if m != k] for k in frame["study_key"]
    ]
    frame["nct_id"] = [
        next((m.split(":", 1)[1] for m in [k, *others] if m.startswith("CTGOV:")), None)
        for k, others in zip(frame["study_key"], frame["also_registered_as"], strict=True)
    ]
    return frame


def sites(store: Store, *, dedupe: bool = True) -> pd.DataFrame:
    """Sites of the current trials (of those :func:`current_studies` returns), one per row:
    facility, city, state, zip, country (as registered), country_code (alpha-2), lat, lon,
    status."""
    _require(store)
    frame = _frame(
        store,
        f"""SELECT s.study_key, st.registry, st.trial_id, s.ord, s.facility, s.city, s.state, s.zip,
                   s.country, s.country_code, s.lat, s.lon, s.status
            FROM reg_site s JOIN reg_study st ON st.study_key = s.study_key
            WHERE s.study_key IN ({CURRENT}) ORDER BY s.study_key, s.ord""",
    )
    if dedupe:
        groups = _canonical_map(store, {k for (k,) in store.execute(CURRENT)})
        frame = frame[[groups.get(k, [k])[0] == k for k in frame["study_key"]]].reset_index(
            drop=True
        )
    return frame


def public_source(source: object) -> object:
    """A snapshot's source as it may be shown to anyone: a file by its name, never the folder
    it was imported from on this machine; a database by its name, never its host."""
    if not isinstance(source, str):
        return source
    if source.startswith(("postgresql://", "postgres://")):
        return f"PostgreSQL database {source.rsplit('/', 1)[-1].split('?')[0]}"
    if source.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", source):
        return re.split(r"[\\/]", source)[-1]
    return source


def snapshot_info(store: Store) -> pd.DataFrame:
    """Per selection, its latest complete snapshot: kind and registry, source (file name or
    query, see :func:`public_source`), snapshot / data date, import time, counts and
    attribution — what a report cites."""
    _require(store)
    frame = _frame(
        store,
        """SELECT r.selection, r.kind, r.registry, COALESCE(r.source_path, r.query) AS source,
                  r.snapshot_date, r.data_timestamp, r.finished_at AS imported_at, r.records,
                  r.sites, r.rejected, r.added, r.updated, r.removed, r.attribution, r.run_id
           FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY selection
                                              ORDER BY finished_at DESC, run_id DESC) AS n
                 FROM reg_run WHERE status = 'complete') r
           WHERE r.n = 1
           ORDER BY r.selection""",
    )
    frame["source"] = [public_source(v) for v in frame["source"]]
    return frame


def trial_matches(store: Store) -> pd.DataFrame:
    """The cross-registry match table: each linked record, its group's canonical record and the
    registry IDs that linked it."""
    _require(store)
    return _frame(
        store,
        "SELECT study_key, canonical_key, matched_via FROM reg_match"
        " ORDER BY canonical_key, study_key",
    )


def changes(store: Store, run_id: str | None = None) -> pd.DataFrame:
    """Trials added, updated or removed by each run (or by one run)."""
    _require(store)
    where, params = ("WHERE c.run_id = ?", (run_id,)) if run_id else ("", ())
    return _frame(
        store,
        f"""SELECT c.run_id, c.selection, c.study_key, c.change, r.finished_at
            FROM reg_change c JOIN reg_run r ON r.run_id = c.run_id {where}
            ORDER BY r.finished_at, c.selection, c.change, c.study_key""",
        params,
    )


def find_trials(
    store: Store,
    *,
    country: str | None = None,
    phase: str | None = None,
    status: str | None = None,
    recruiting: bool = False,
    age: float | None = None,
) -> pd.DataFrame:
    """Current trials filtered like ``cartatlas trials``; raises ``ValueError`` for a filter value
    that cannot match anything (unknown status or phase), naming the accepted values. Text
    search is :mod:`cartatlas.search` (ranked, over the trials' labels too)."""
    frame = current_studies(store, include_raw=age is not None)
    if country:
        code = country.strip().upper()
        frame = frame[[code in c for c in frame["countries"]]]
    if phase:
        wanted = concepts.phases(phase)
        if not wanted:
            raise ValueError(f"unknown phase {phase!r}; use one of {', '.join(concepts.PHASES)}")
        frame = frame[[bool(set(wanted) & set(p)) for p in frame["phases"]]]
    if status:
        wanted_status = concepts.status(status)
        if wanted_status == "UNKNOWN" and "UNKNOWN" not in status.upper():
            raise ValueError(
                f"unknown status {status!r}; use one of {', '.join(sorted(concepts.STATUSES))}"
            )
        frame = frame[frame["status"] == wanted_status]
    if recruiting and country:
        # One definition everywhere (concepts.RECRUITING_DEFINITION): an open site there too.
        status = frame.set_index("trial_id")["status"]
        open_here = concepts.recruiting_in(sites(store), status, country.strip().upper())
        frame = frame[frame["trial_id"].isin(open_here)]
    elif recruiting:
        frame = frame[frame["status"].isin(concepts.RECRUITING_STATUSES)]
    if age is not None:
        limits = [age_limits(raw) for raw in frame["raw"]]
        frame = frame[[admits(age, low, high) for low, high in limits]].drop(columns=["raw"])
    return frame.reset_index(drop=True)


def attribution_notes(frame: pd.DataFrame) -> list[str]:
    """The citations an output built from ``frame`` must carry (WHO ICTRP's terms of use)."""
    if "attribution" not in frame:
        return []
    notes = set()
    for attribution, day in zip(frame["attribution"], frame["source_date"], strict=True):
        if attribution:
            notes.add(
                f"Includes data from the {attribution} (International Clinical Trials Registry "
                f"Platform), processed {day or 'on an unknown date'}."
                if attribution == "WHO ICTRP"
                else f"Includes data from {attribution}, {day}."
            )
    return sorted(notes)

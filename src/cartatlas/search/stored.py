"""The index of every current trial, kept in the store under the data version.

Building the index (documents from the trial frame, labels and site places, then FTS5) costs
about half a second, which ``cartatlas trials --text`` used to pay on every call. The index is
built once per data version, kept as a derived result (:mod:`cartatlas.store.derived`), and
read back by later commands; a filtered list is searched in it with ``among``.
"""

from __future__ import annotations

from cartatlas.search.index import TrialSearch
from cartatlas.store import Store, StoreBusy, derived, open_store
from cartatlas.store.versions import data_version

NAME = "search:trials"


def _build(store: Store) -> TrialSearch:
    from cartatlas.classify.store import labels_frame
    from cartatlas.search.trials import site_places, trial_search
    from cartatlas.store.registry_read import find_trials, sites

    frame = find_trials(store)
    labels = labels_frame(store).drop(columns=["countries"])
    if not labels.empty:
        frame = frame.merge(labels, on="nct_id", how="left")
    return trial_search(frame, site_places(sites(store)))


def stored_index(store: Store) -> tuple[TrialSearch, str | None]:
    """The index of every current trial (labels and site places included), read from the store
    when it holds one under the current data version, else built now. The second value is the
    version to keep a newly built index under (:func:`keep_index`), ``None`` when it was read."""
    version = data_version(store)
    index = derived.load(store, NAME, version)
    if index is not derived.MISSING:
        return index, None
    return _build(store), version


def keep_index(target: str, version: str, index: TrialSearch) -> None:
    """Keep a newly built index for later commands. A command reads a read-only store, so this
    opens it for writing afterwards; when another process holds it, the index is not kept."""
    try:
        with open_store(target) as store:
            derived.save(store, NAME, version, index)
    except StoreBusy:
        return

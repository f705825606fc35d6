"""Frames derived from the evidence alone, computed once per evidence version and read thereafter.

The approvals of a set of countries (one row per approval, chosen among its sources), a study's
rows for an endpoint and the like are pure functions of the loaded evidence and the code, yet
the dashboard's question pages for one pair of countries asked for the same approvals frame
eight times (the timeline chart, the cost and claims checks, each page's own context) and for
90 study-row selections, on every page set of a new pair. So a function marked :func:`kept`
computes its value once per evidence version (:func:`~cartatlas.store.versions.
evidence_code_version`: the evidence loads and the code) and arguments, and this process reads
it thereafter. The values are also stored (:mod:`cartatlas.store.derived`, one entry per
evidence version): ``kb load`` keeps those it computed, ``cartatlas serve`` those it built, and
a later process reads them (:func:`read_stored`).

A kept DataFrame is handed out as a copy, so a caller that adds a column changes nothing kept.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cartatlas.evidence.queries import require_current
from cartatlas.store import Store, derived
from cartatlas.store.versions import evidence_code_version

F = TypeVar("F", bound=Callable[..., Any])
NAME = "evidence-kept"

_KEPT = derived.Kept(NAME)


def _frozen(value: object) -> Hashable:
    """An argument as part of a key: lists (of countries) as tuples, sets as frozen sets."""
    if isinstance(value, list):
        return tuple(value)
    return frozenset(value) if isinstance(value, set) else value  # type: ignore[return-value]


@functools.cache
def _place(target: str) -> str:
    """Which store: its file's real path (the server and ``open_store`` spell a path
    differently), or its URL."""
    return target if "://" in target else os.path.realpath(os.path.expanduser(target))


def _handed_out(value: Any) -> Any:
    import pandas as pd

    return value.copy() if isinstance(value, pd.DataFrame) else value


def kept(function: F) -> F:
    """Mark ``function(store, *args)``, which must read nothing but the store's evidence
    tables and ``args``, as computed once per evidence version and ``args``. The key holds
    the store's target too: two stores loaded in the same second share a version."""
    name = f"{function.__module__}.{function.__qualname__}"
    signature = inspect.signature(function)

    @functools.wraps(function)
    def read_or_compute(store: Store, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(store, *args, **kwargs)
        bound.apply_defaults()
        arguments = list(bound.arguments.values())[1:]
        version = evidence_code_version(store)
        key = (version, _place(store.target), name, *map(_frozen, arguments))
        value = _KEPT.get(key)
        if value is derived.MISSING:
            require_current(store)
            value = function(*bound.args, **bound.kwargs)
            _KEPT.put(key, value)
        return _handed_out(value)

    return read_or_compute  # type: ignore[return-value]


def read_stored(store: Store) -> None:
    """Add the values the store keeps for its evidence version to the process's."""
    version = evidence_code_version(store)
    stored = derived.load(store, NAME, version)
    if stored is derived.MISSING:
        return
    for (name, *args), value in stored.items():
        key = (version, _place(store.target), name, *args)
        if _KEPT.get(key) is derived.MISSING:
            _KEPT.put(key, value)


def keep_in(store: Store) -> None:
    """Add the values this process computed for the store's evidence version to those the
    store keeps (``store`` writable), for later processes; nothing is written when it keeps
    them all already."""
    version = evidence_code_version(store)
    place = _place(store.target)
    with _KEPT.lock:
        values = {
            tuple(key[2:]): value
            for key, value in _KEPT.values.items()
            if key[0] == version and key[1] == place
        }
    stored = derived.load(store, NAME, version)
    stored = {} if stored is derived.MISSING else stored
    if values.keys() - stored.keys():
        derived.save(store, NAME, version, stored | values)

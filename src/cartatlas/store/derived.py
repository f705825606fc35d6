"""Derived results (report sections, pooled estimates, page data) kept in the store.

Building the report takes seconds of model fitting and figure drawing, while its inputs change
only when evidence is loaded, a registry snapshot imported or the code upgraded. So a result is
stored under a name together with the :func:`~cartatlas.store.versions.data_version` it was
computed under, and read back while that version still holds; any change of the data or code
gives a new version and the result is computed again.

Values are pickled, and a pickle can run code when loaded. A store file may come from someone
else, so each entry carries an HMAC of its bytes under a key that never leaves this machine
(``derived.key`` in the user data directory): an entry this machine did not write fails the
check and is ignored (computed again), never unpickled.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Hashable
from functools import cache
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from cartatlas.store.connection import Store
from cartatlas.store.versions import data_version

TABLE = "derived_cache"
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} "
    "(name TEXT PRIMARY KEY, version TEXT, created_at TEXT, data TEXT)"
)
MISSING = object()


@cache
def _key() -> bytes:
    path = Path(user_data_dir("cartatlas")) / "derived.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(os.urandom(32))
    return path.read_bytes()


def _seal(value: Any) -> str:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    mac = hmac.new(_key(), data, hashlib.sha256).hexdigest()
    return f"{mac}:{base64.b64encode(data).decode()}"


def _open(text: str) -> Any:
    mac, _, encoded = text.partition(":")
    data = base64.b64decode(encoded)
    if not hmac.compare_digest(mac, hmac.new(_key(), data, hashlib.sha256).hexdigest()):
        return MISSING
    return pickle.loads(data)  # noqa: S301 - authenticated above: written by this machine


def load(store: Store, name: str, version: str | None = None) -> Any:
    """The value stored as ``name`` under ``version`` (default: the store's current data
    version), or :data:`MISSING`."""
    if not store.table_exists(TABLE):
        return MISSING
    version = version or data_version(store)
    rows = store.execute(
        f"SELECT data FROM {TABLE} WHERE name = ? AND version = ?", (name, version)
    )
    return _open(rows[0][0]) if rows else MISSING


def names(store: Store, version: str) -> set[str]:
    """The names kept under ``version`` (without reading their values)."""
    if not store.table_exists(TABLE):
        return set()
    return {
        row[0] for row in store.execute(f"SELECT name FROM {TABLE} WHERE version = ?", (version,))
    }


def save(store: Store, name: str, version: str, value: Any) -> None:
    """Keep ``value`` as ``name`` computed under ``version`` (replacing an older entry)."""
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.transaction():
        store.execute(DDL)
        store.execute(f"DELETE FROM {TABLE} WHERE name = ?", (name,))
        store.execute(
            f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?)", (name, version, stamp, _seal(value))
        )


class Kept:
    """Values kept by key in this process (the ``size`` most recently used), which can be stored
    in a store as one entry ``name`` under a version and read back by a later process: the
    pooled fits (:mod:`cartatlas.analyses.fits`) and the frames derived from the evidence
    (:mod:`cartatlas.analyses.evidence_kept`). Safe to share between threads."""

    def __init__(self, name: str, size: int = 4096) -> None:
        self.name = name
        self.size = size
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value kept under ``key``, or :data:`MISSING`."""
        with self.lock:
            if key not in self.values:
                return MISSING
            self.values.move_to_end(key)
            return self.values[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()

    def read_stored(self, store: Store, version: str) -> None:
        """Add the values the store keeps under ``version`` (values of this process win)."""
        stored = load(store, self.name, version)
        if stored is MISSING:
            return
        with self.lock:
            for key, value in stored.items():
                self.values.setdefault(key, value)

    def keep_in(self, store: Store, version: str) -> None:
        """Store the values under ``version`` (``store`` writable)."""
        with self.lock:
            kept = dict(self.values)
        if kept:
            save(store, self.name, version, kept)

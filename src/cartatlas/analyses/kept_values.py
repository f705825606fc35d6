"""Every value this process keeps between the store and later processes, read and kept together.

Two kinds are kept: the pooled model fits (:mod:`~cartatlas.analyses.fits`, under the code
version) and the frames derived from the evidence alone (:mod:`~cartatlas.analyses.
evidence_kept`, under the evidence version). The report, ``kb load``/``import`` and ``serve``
read both before they build and keep both after; one pair of calls here, so that a kind added
later is read and kept everywhere.
"""

from __future__ import annotations

from cartatlas.analyses import evidence_kept, fits
from cartatlas.store import Store


def read_stored(store: Store) -> None:
    """Add what the store keeps (fits of this code, frames of its evidence) to the process's:
    poolings of unchanged evidence are read, not refitted."""
    fits.read_stored(store)
    evidence_kept.read_stored(store)


def keep_in(store: Store) -> None:
    """Store what this process computed, for later processes (``store`` writable)."""
    fits.keep_in(store)
    evidence_kept.keep_in(store)

"""Pooled model fits kept by their input: in the process, and in the store across data versions.

A fit (``meta_proportions``) is a pure function of its input rows and of the statistics code,
and the report, the dashboard and the claims check pool the same rows several times; a GLMM fit
costs tens of milliseconds. So each fit is kept under its input. The kept fits are also stored
(:mod:`cartatlas.store.derived`) under the package's code version rather than the data
version: importing a new registry snapshot changes the data version but no evidence row, and
the next report then reads its poolings instead of fitting them again. A fit that fails in a
way the input decides (a model that does not converge, too few studies) is kept as its error
and raises it again, so the fallback model is chosen as before without the failed attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from cartatlas.store import Store, derived
from cartatlas.store.versions import code_version

T = TypeVar("T")
NAME = "fits:meta_proportions"

_FITS = derived.Kept(NAME)


@dataclass(frozen=True)
class Failed:
    """A fit that raised ``error`` (kept so that it raises again without fitting)."""

    error: Exception


def fitted(key: Hashable, fit: Callable[[], T], failures: tuple[type[Exception], ...] = ()) -> T:
    """The fit kept under ``key``, else ``fit()``. ``failures``: errors the input decides (the
    model does not converge, too few studies), kept like a fit and raised again. The key must
    hold everything the outcome depends on (input, model, and whether the caller makes a
    warning an error)."""
    value = _FITS.get(key)
    if isinstance(value, Failed):
        raise value.error.with_traceback(None)
    if value is not derived.MISSING:
        return value  # type: ignore[no-any-return]
    try:
        value = fit()
    except failures as exc:
        _FITS.put(key, Failed(exc))
        raise
    _FITS.put(key, value)
    return value


def read_stored(store: Store) -> None:
    """Add the fits the store keeps for this code version to the process's."""
    _FITS.read_stored(store, code_version())


def keep_in(store: Store) -> None:
    """Store the process's fits (a writable store), for later processes on any data version."""
    _FITS.keep_in(store, code_version())

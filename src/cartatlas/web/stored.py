"""Dashboard data kept in the store, so a new server process answers at once.

The registry frames and the question pages for the default countries cost seconds to build
(trial frames, pooled estimates, figures). ``cartatlas serve`` builds them once per data version
before it starts serving (:func:`prewarm`, with the only writable connection it ever opens) and
keeps them in the store (:mod:`cartatlas.store.derived`); every later start, and every worker
process, reads them back (:func:`stored`). Requests never write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cartatlas.store import Store, StoreBusy, derived, open_store
from cartatlas.store.versions import data_version

T = TypeVar("T")
REGISTRY = "web:registry"
#: The map outlines' path, as ``app.url_path_for("world")`` gives it (part of a page's key).
WORLD_PATH = "/assets/world-110m.json"


def question_name(key: str, countries: list[str], world: str) -> str:
    return f"web:question:{key}:{','.join(countries)}:{world}"


def stored(store: Store, name: str, build: Callable[[], T]) -> T:
    """The value kept as ``name`` under the store's current data version, else built now."""
    value = derived.load(store, name)
    return build() if value is derived.MISSING else value


def prewarm(target: str, countries: list[str]) -> int:
    """Build and keep the registry frames and every question page for ``countries`` that the
    store lacks under its current data version; the number built. A store another process
    holds (or one without evidence) is left as it is: pages are then built on first request;
    a missing store raises :class:`~cartatlas.store.StoreMissing`."""
    from cartatlas.web.dashboard import question_page
    from cartatlas.web.questions import QUESTIONS
    from cartatlas.web.registry import WebContext, load_registry

    with open_store(target, read_only=True):
        pass  # a missing store fails here (StoreMissing), never created by a write
    try:
        with open_store(target) as store:
            if not store.table_exists("evidence_products"):
                return 0
            version = data_version(store)
            built = 0

            def keep(name: str, build: Callable[[], T]) -> T:
                nonlocal built
                value = derived.load(store, name, version)
                if value is derived.MISSING:
                    value = build()
                    derived.save(store, name, version, value)
                    built += 1
                return value

            registry = keep(REGISTRY, lambda: load_registry(store))
            for question in QUESTIONS:
                keep(
                    question_name(question.key, countries, WORLD_PATH),
                    lambda q=question: question_page(
                        WebContext(store, countries, registry=registry), q, WORLD_PATH
                    ),
                )
            return built
    except StoreBusy:
        return 0

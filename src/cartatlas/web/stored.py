"""Dashboard data kept in the store, so a new server process answers at once.

The registry frames, the question pages for the default countries and every product's
like-for-like answer cost seconds to build (trial frames, pooled estimates, figures), while the
server must answer within moments of its start. So ``cartatlas serve`` starts answering at
once, reading what the store keeps under the current data version
(:mod:`cartatlas.store.derived`), and builds whatever is missing in a background thread
(:func:`warm`), into the same memo that requests read; a request that comes first builds its
page itself, once. Requests never write: the server holds the store read-only, and what it
built is kept in the store when it stops (:func:`keep_built`), so the next start on the same
data reads it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

from cartatlas.store import Store, StoreBusy, derived, open_store
from cartatlas.store.versions import data_version

if TYPE_CHECKING:
    from cartatlas.web.cache import Memo
    from cartatlas.web.hub import StoreHub

T = TypeVar("T")
REGISTRY = "web:registry"
#: The map outlines' path, as ``app.url_path_for("world")`` gives it (part of a page's key).
WORLD_PATH = "/assets/world-110m.json"
log = logging.getLogger(__name__)


def question_name(key: str, countries: list[str], world: str) -> str:
    return f"web:question:{key}:{','.join(countries)}:{world}"


def question_key(key: str, countries: list[str], world: str) -> Hashable:
    """The memo key of a question page (the server's own copy of it)."""
    return ("question", key, tuple(countries), world)


def same_product_name(countries: tuple[str, ...]) -> str:
    return f"web:same-product:{','.join(countries)}"


def same_product_key(countries: tuple[str, ...]) -> Hashable:
    """The memo key of every product's like-for-like answer for ``countries``."""
    return ("same-product", countries)


def stored(store: Store, name: str, build: Callable[[], T]) -> T:
    """The value kept as ``name`` under the store's current data version, else built now."""
    value = derived.load(store, name)
    return build() if value is derived.MISSING else value


def missing(store: Store, countries: list[str]) -> tuple[str, list[str]]:
    """The store's data version, and the dashboard frames and pages for ``countries`` that it
    does not keep under that version (none without evidence: pages then say how to load it;
    no registry frames without registry data)."""
    from cartatlas.web.questions import QUESTIONS

    version = data_version(store)
    if not store.table_exists("evidence_products"):
        return version, []
    from cartatlas.web.api.meta import SAME_PRODUCT_COUNTRIES

    wanted = [question_name(q.key, countries, WORLD_PATH) for q in QUESTIONS]
    wanted.append(same_product_name(SAME_PRODUCT_COUNTRIES))
    if store.table_exists("reg_study"):
        wanted.insert(0, REGISTRY)
    kept = derived.names(store, version)
    return version, [name for name in wanted if name not in kept]


def warm(hub: StoreHub, memo: Memo, countries: list[str] | None, stop: threading.Event) -> None:
    """Read or build the registry frames, its search index and site lists and, for
    ``countries`` (``None``: none), every question page and the like-for-like answers into
    ``memo``, as requests would; run in a background thread, which ``stop`` ends between two
    pages."""
    from cartatlas.analyses import kept_values
    from cartatlas.web.api.meta import SAME_PRODUCT_COUNTRIES, same_product_answers
    from cartatlas.web.dashboard import question_page
    from cartatlas.web.deps import registry_data
    from cartatlas.web.questions import QUESTIONS
    from cartatlas.web.registry import WebContext

    with hub.store() as store:
        kept_values.read_stored(store)
        registry = registry_data(store, memo)
        if registry is not None:
            registry.car_index, registry.sites_by_trial  # noqa: B018  (built once, here)
        if countries is None or not store.table_exists("evidence_products"):
            return
        for question in QUESTIONS:
            if stop.is_set():
                return
            name = question_name(question.key, countries, WORLD_PATH)
            memo.get(
                store,
                question_key(question.key, countries, WORLD_PATH),
                lambda q=question, name=name: stored(
                    store,
                    name,
                    lambda: question_page(
                        WebContext(store, countries, registry=registry), q, WORLD_PATH
                    ),
                ),
            )
        if not stop.is_set():
            same_product_answers(store, memo, SAME_PRODUCT_COUNTRIES)


def keep_built(
    target: str, memo: Memo, countries: list[str], version: str, names: list[str]
) -> int:
    """Keep in the store the frames and pages among ``names`` (those the store lacked at
    start, under data ``version``) that the server built meanwhile; the number kept. Called
    after the server closed its read-only connection. Nothing is kept when the data changed
    meanwhile or another process holds the store."""
    from cartatlas.analyses import kept_values
    from cartatlas.web.api.meta import SAME_PRODUCT_COUNTRIES
    from cartatlas.web.questions import QUESTIONS

    keys: dict[str, Hashable] = {
        REGISTRY: "registry",
        same_product_name(SAME_PRODUCT_COUNTRIES): same_product_key(SAME_PRODUCT_COUNTRIES),
    }
    for q in QUESTIONS:
        keys[question_name(q.key, countries, WORLD_PATH)] = question_key(
            q.key, countries, WORLD_PATH
        )
    built = {name: memo.peek(keys[name]) for name in names if name in keys}
    built = {name: value for name, value in built.items() if value is not None}
    if not built:
        return 0
    try:
        with open_store(target) as store:
            if data_version(store) != version:
                return 0
            for name, value in built.items():
                derived.save(store, name, version, value)
            kept_values.keep_in(store)
    except StoreBusy:
        log.warning("the store is in use; dashboard pages built by this server were not kept")
        return 0
    return len(built)

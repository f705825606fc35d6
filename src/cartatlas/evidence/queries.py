"""Read loaded evidence back out of the store: approved products, outcomes with intervals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cartatlas import inputs
from cartatlas.evidence.source_strength import label, rank
from cartatlas.rounding import half_up
from cartatlas.store import Store

CI_METHOD = "Clopper-Pearson exact 95% CI"


class EvidenceNotLoaded(LookupError):
    """The store has no evidence tables yet."""

    user_facing = True  # its message is written for the user: one line, no traceback


class UnknownProduct(LookupError):
    """No product matches the key the user gave."""

    user_facing = True  # its message is written for the user: one line, no traceback


class EvidenceOutdated(EvidenceNotLoaded):
    """The evidence tables were written by an older cartatlas and lack columns this one reads."""

    user_facing = True


def require_loaded(store: Store) -> None:
    if not store.table_exists("evidence_products"):
        raise EvidenceNotLoaded(
            f"the store {store.shown} holds no evidence yet; run `cartatlas kb load` first"
        )
    require_current(store)


def require_current(store: Store) -> None:
    """Refuse evidence loaded by an older cartatlas whose tables lack a column this version
    reads: after an upgrade every query of the new column would otherwise fail with a database
    error. Checked once per connection that finds it current: within one process only this
    version's ``kb load`` writes the tables, which leaves them current."""
    if store.unchanging.get("evidence_current"):
        return
    missing = missing_columns(store)
    if missing:
        raise EvidenceOutdated(
            f"the evidence in {store.shown} was loaded by an older version of cartatlas "
            f"(missing {', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}); run "
            "`cartatlas kb load` (with the same --dir, if you loaded your own) to load it again"
        )
    store.unchanging["evidence_current"] = True


def missing_columns(store: Store) -> list[str]:
    """``table.column`` for each column of today's evidence schema missing from a stored
    evidence table (tables not stored at all are not counted: they hold no evidence yet)."""
    from cartatlas.evidence.loader import table_name
    from cartatlas.evidence.tables import TABLES

    stored = store.stored_columns("evidence_")
    return [
        f"{table_name(table)}.{column}"
        for table in TABLES
        if table_name(table) in stored
        for column in table.model.model_fields
        if column not in stored[table_name(table)]
    ]


def resolve_indication(store: Store, key: str) -> str:
    """The indication code ``key`` names (any case: lbcl → LBCL) among the loaded studies'."""
    require_loaded(store)
    known = [r[0] for r in store.execute("SELECT DISTINCT indication FROM evidence_studies")]
    return inputs.choose(key, [k for k in known if k], "indication")


def product_names(store: Store) -> list[tuple]:
    """Every product's ID, INN, aliases and brands: what :func:`resolve_product` matches."""
    require_loaded(store)
    return store.execute("SELECT product_id, inn, aliases, brands FROM evidence_products")


def resolve_product(store: Store, key: str, names: list[tuple] | None = None) -> str:
    """Accept a product ID, INN, alias (axi-cel) or brand, Chinese brand included (Yescarta,
    奕凯达), in any case, and return the ID; a miss suggests the nearest names. ``names``:
    :func:`product_names` when the caller keeps them."""
    rows = product_names(store) if names is None else names
    try:
        return inputs.product(key, rows)
    except inputs.InputError as exc:
        raise UnknownProduct(str(exc)) from None


APPROVED_COLUMNS = [
    "product",
    "brand",
    "targets",
    "agency",
    "indication",
    "indication_label",
    "line",
    "population",
    "date",
    "kind",
    "source_url",
]


@dataclass(frozen=True)
class Proportion:
    events: int
    n: int

    @property
    def percent(self) -> float:
        return 100 * self.events / self.n

    def ci(self, level: float = 0.95) -> tuple[float, float]:
        return exact_ci(self.events, self.n, level)


@lru_cache(maxsize=8192)
def exact_ci(events: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Clopper–Pearson interval of ``events`` / ``n`` in percent. Kept per input: it is a
    pure function of them, costs half a millisecond, and an API list of a hundred results asks
    for the same few hundred pairs on every request."""
    from statsmodels.stats.proportion import proportion_confint  # heavy: when first asked

    low, high = proportion_confint(events, n, alpha=1 - level, method="beta")
    return 100 * float(low), 100 * float(high)


RESULT_COLUMNS = {
    "outcomes": [
        "study",
        "country",
        "indication",
        "product",
        "analysis",
        "endpoint",
        "assessor",
        "denominator",
        "n",
        "events",
        "percent",
        "ci95",
        "follow_up_months",
        "events_derived",
        "source",
    ],
    "safety": [
        "study",
        "country",
        "indication",
        "product",
        "analysis",
        "event",
        "grade",
        "grading",
        "n",
        "events",
        "percent",
        "ci95",
        "events_derived",
        "source",
    ],
}

_RESULT_SELECT = {
    "outcomes": "o.study_id, s.country_of_conduct, s.indication, s.product_id, o.analysis, "
    "o.endpoint, o.assessor, o.denominator, o.n, o.events, "
    "o.follow_up_months, o.events_derived",
    "safety": "o.study_id, s.country_of_conduct, s.indication, s.product_id, o.analysis, "
    "o.event, o.grade, o.grading, o.n, o.events, "
    "o.events_derived",
}
_RESULT_ORDER = {"outcomes": "o.endpoint", "safety": "o.event, o.grade"}


def cited_source(url: str, kind: str | None, doi: str | None, pmid: str | None) -> str:
    """The URL, the source's kind in brackets, and the DOI / PMID when the URL does not carry it."""
    text = f"{url} [{label(kind)}]"
    if doi and doi not in url:
        text += f" doi:{doi}"
    if pmid and pmid not in url:
        text += f" PMID:{pmid}"
    return text


def study_results(store: Store, product_key: str, kind: str) -> list[tuple]:
    """Outcome or safety rows of every study of a product, each with its exact CI and source."""
    product_id = resolve_product(store, product_key)
    rows = store.execute(
        f"SELECT {_RESULT_SELECT[kind]}, o.source_url, o.source_kind, o.doi, o.pmid "
        f"FROM evidence_{kind} o JOIN evidence_studies s USING (study_id) "
        "WHERE s.product_id = ? "
        f"ORDER BY o.study_id, o.analysis DESC, {_RESULT_ORDER[kind]}",
        (product_id,),
    )
    out = []
    for row in rows:
        *fields, url, source_kind, doi, pmid = row
        # study, country, indication, product, analysis, then 4 (outcomes) or 3 (safety)
        # descriptive fields, then n and events
        n, events = (fields[8], fields[9])
        share = Proportion(events, n)
        low, high = share.ci()
        source = cited_source(url, source_kind, doi, pmid)
        out.append(
            (*fields[:10], half_up(share.percent, 1), f"{low:.1f}–{high:.1f}", *fields[10:], source)
        )
    return out


def source_kinds(store: Store) -> dict[str, str]:
    """The kind of every source URL (`source_url`) in the loaded evidence, for reference lists.

    A URL cited by rows of different kinds gets the strongest of them. Empty when no evidence is
    loaded, so a report without evidence still renders.
    """
    from cartatlas.evidence.loader import table_name
    from cartatlas.evidence.tables import TABLES

    if not store.table_exists("evidence_products"):
        return {}
    kinds: dict[str, str] = {}
    for table in TABLES:
        rows = store.execute(f"SELECT source_url, source_kind FROM {table_name(table)}")
        for url, kind in rows:
            if url not in kinds or rank(kind) < rank(kinds[url]):
                kinds[url] = kind
    return kinds

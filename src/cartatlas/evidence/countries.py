"""Where a study's patients were treated, read from its registry record.

Many papers do not name their treating sites, but the trial they report is registered, and the
registry lists every site with its country. The evidence protocol accepts that list as the basis
of ``country_of_conduct`` (one country holding at least 80 % of the sites, otherwise
"multinational"); such studies say ``country_source = registry``. This module recomputes the
country from the registry records in the store, so ``cartatlas kb countries`` can show — and a
test can assert — that every registry-based country agrees with the registry itself.
"""

from __future__ import annotations

from collections import Counter

from cartatlas.store import Store
from cartatlas.store.registry_read import NoRegistryData, sites

SHARE = 0.8  # the protocol's rule: one country holds at least this share of the sites

COLUMNS = [
    "study",
    "country of conduct",
    "basis",
    "registry IDs",
    "registry sites",
    "registry says",
    "check",
]


def conduct_from_sites(countries: Counter[str]) -> str | None:
    """The country of conduct the registry's site list supports: the one country with at least
    80 % of the sites, else ``"multinational"``; ``None`` when no site has a country."""
    total = sum(countries.values())
    if not total:
        return None
    code, count = countries.most_common(1)[0]
    return code if count / total >= SHARE else "multinational"


def _site_countries(store: Store) -> dict[str, Counter[str]]:
    """Per registered trial ID (NCT…, ChiCTR…), the countries of its current sites."""
    frame = sites(store, dedupe=False)
    found: dict[str, Counter[str]] = {}
    for trial_id, code in zip(frame["trial_id"], frame["country_code"], strict=True):
        counter = found.setdefault(trial_id, Counter())
        if code:
            counter[code] += 1
    return found


def registry_site_counts(store: Store) -> dict[str, Counter[str]]:
    """Per study of the evidence base with registry IDs in the store: its sites by country
    (summed over its registry IDs); empty without registry data."""
    try:
        by_trial = _site_countries(store)
    except NoRegistryData:
        return {}
    found = {}
    for study_id, ids in store.execute(
        "SELECT study_id, registry_ids FROM evidence_studies WHERE registry_ids <> ''"
    ):
        held = [i for i in ids.split("|") if i in by_trial]
        if held:
            found[study_id] = sum((by_trial[i] for i in held), Counter())
    return found


def country_audit(store: Store) -> list[list[str]]:
    """Every study with registry IDs: its curated country of conduct and basis next to what the
    registry's site list supports, and whether they agree."""
    try:
        by_trial = _site_countries(store)
    except NoRegistryData:
        by_trial = {}
    rows = []
    for study_id, conduct, basis, ids in store.execute(
        "SELECT study_id, country_of_conduct, country_source, registry_ids FROM evidence_studies"
        " WHERE registry_ids IS NOT NULL AND registry_ids <> '' ORDER BY study_id"
    ):
        held = [i for i in ids.split("|") if i in by_trial]
        counts: Counter[str] = sum((by_trial[i] for i in held), Counter())
        verdict = conduct_from_sites(counts)
        if not held:
            check = "not in store"
        elif verdict is None:
            check = "no sites"
        elif conduct is None:
            check = "not curated"
        else:
            check = "agrees" if conduct == verdict else "DISAGREES"
        rows.append(
            [
                study_id,
                conduct or "",
                basis or "",
                ids,
                ", ".join(f"{c} {n}" for c, n in counts.most_common()),
                verdict or "",
                check,
            ]
        )
    return rows


def failures(rows: list[list[str]]) -> list[list[str]]:
    """Rows whose country rests on the registry but which the registry does not support."""
    basis, check = COLUMNS.index("basis"), COLUMNS.index("check")
    return [r for r in rows if r[basis] == "registry" and r[check] != "agrees"]

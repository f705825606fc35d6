"""The ``countries`` lists read from registry site lists match the registry records themselves.

Issue #15 filled the ``countries`` of multinational pivotal trials (FELIX, ZUMA-2, ZUMA-3, ZUMA-7,
KarMMa, KarMMa-3, ELARA, BELINDA, CARTITUDE-4) from their ClinicalTrials.gov site lists
(``country_source = registry``). This test recomputes each list by a route that shares no code
with the package: it reads the shared snapshot's JSON lines and the studies CSV directly, and
names the countries with pycountry.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter

import pycountry
import pytest

from cartatlas.evidence.reading import BUNDLED_DIR
from tests.conftest import ONCOLOGY

# Names in the snapshot that pycountry does not look up by themselves.
NAMES = {"Taiwan": "TW", "Hong Kong": "HK"}

FILLED = {
    "FELIX",
    "ZUMA-2",
    "ZUMA-3",
    "ZUMA-7",
    "KarMMa",
    "KarMMa-3",
    "ELARA",
    "BELINDA",
    "CARTITUDE-4",
}


def _code(name: str) -> str:
    return NAMES.get(name) or pycountry.countries.lookup(name).alpha_2


@pytest.fixture(scope="module")
def registry_sites() -> dict[str, Counter[str]]:
    """Sites by country of the filled trials' registry records, read from the snapshot."""
    wanted = {r["registry_ids"] for r in _studies() if r["study_id"] in FILLED}
    found: dict[str, Counter[str]] = {}
    with gzip.open(ONCOLOGY, "rt", encoding="utf-8") as handle:
        for line in handle:
            protocol = json.loads(line)["protocolSection"]
            nct = protocol["identificationModule"]["nctId"]
            if nct in wanted:
                locations = protocol["contactsLocationsModule"]["locations"]
                found[nct] = Counter(_code(site["country"]) for site in locations)
    assert set(found) == wanted
    return found


def _studies() -> list[dict[str, str]]:
    with open(BUNDLED_DIR / "studies.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_filled_trials_list_exactly_their_registry_countries(registry_sites) -> None:
    rows = {r["study_id"]: r for r in _studies() if r["study_id"] in FILLED}
    assert set(rows) == FILLED
    for study, row in rows.items():
        assert row["country_source"] == "registry", study
        sites = registry_sites[row["registry_ids"]]
        assert set(row["countries"].split("|")) == set(sites), study
        # Multinational by the protocol's 80 % rule: no country holds four fifths of the sites.
        assert row["country_of_conduct"] == "multinational", study
        assert 5 * sites.most_common(1)[0][1] < 4 * sum(sites.values()), study
        # The note states the site count the list was read from.
        assert f"{sum(sites.values())} sites in {len(sites)} countries" in row["note"], study


def test_belinda_list_agrees_with_the_eighteen_countries_its_paper_reports() -> None:
    belinda = next(r for r in _studies() if r["study_id"] == "BELINDA")
    assert "from sites in 18 countries" in belinda["source_quote"]
    assert len(belinda["countries"].split("|")) == 18

"""The small, registry-neutral record the classifier reads, and its builder from API v2 JSON.

The label rules only need free text and a few facts, so they take this record rather than a
store row or a registry's raw shape: the same rules then serve ClinicalTrials.gov JSON, the
normalized store and hand-made test records, and stay fast (no I/O, no parsing in the rules).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cartatlas.registries.countries import country_code


@dataclass(frozen=True, slots=True)
class Intervention:
    name: str
    type: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class TrialRecord:
    """What a registry says about one trial, as plain text and codes.

    ``site_countries`` are ISO alpha-2 codes (site order, de-duplicated). ``start_date``,
    ``phases`` and ``status`` are carried for the landscape, not used by the label rules.
    """

    trial_id: str
    title: str = ""
    official_title: str = ""
    brief_summary: str = ""
    detailed_description: str = ""
    conditions: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    keywords: tuple[str, ...] = ()
    arms: tuple[str, ...] = ()
    sponsor_name: str = ""
    sponsor_class: str = ""
    collaborators: tuple[str, ...] = ()
    site_countries: tuple[str, ...] = ()
    start_date: str | None = None
    phases: tuple[str, ...] = ()
    status: str | None = None
    study_type: str | None = None

    def texts(self, *names: str) -> Iterator[tuple[str, str]]:
        """``(field, text)`` pairs for the named fields, skipping empty ones.

        List fields yield one pair per item, so a reason can quote the exact intervention or
        condition that decided a label.
        """
        for name in names:
            if name == "interventions":
                for item in self.interventions:
                    yield "interventions", item.name
                    if item.description:
                        yield "intervention descriptions", item.description
                continue
            value = getattr(self, name)
            if isinstance(value, tuple):
                for text in value:
                    if text:
                        yield name, text
            elif value:
                yield name, value


def _get(data: Mapping[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _strings(items: Any, key: str | None = None) -> tuple[str, ...]:
    values = [(_get(item, key) if key else item) for item in items or ()]
    return tuple(str(v).strip() for v in values if v and str(v).strip())


def from_api_v2(study: Mapping[str, Any]) -> TrialRecord:
    """Build a record from one ClinicalTrials.gov API v2 study (any subset of its modules)."""
    protocol = study.get("protocolSection", study)
    arms = _get(protocol, "armsInterventionsModule") or {}
    sponsors = _get(protocol, "sponsorCollaboratorsModule") or {}
    countries: dict[str, None] = {}
    for site in _get(protocol, "contactsLocationsModule", "locations") or ():
        code = country_code(site.get("country"))
        if code:
            countries[code] = None
    return TrialRecord(
        trial_id=str(_get(protocol, "identificationModule", "nctId") or ""),
        title=_get(protocol, "identificationModule", "briefTitle") or "",
        official_title=_get(protocol, "identificationModule", "officialTitle") or "",
        brief_summary=_get(protocol, "descriptionModule", "briefSummary") or "",
        detailed_description=_get(protocol, "descriptionModule", "detailedDescription") or "",
        conditions=_strings(_get(protocol, "conditionsModule", "conditions")),
        interventions=tuple(
            Intervention(str(i["name"]).strip(), i.get("type"), i.get("description"))
            for i in arms.get("interventions") or ()
            if i.get("name")
        ),
        keywords=_strings(_get(protocol, "conditionsModule", "keywords")),
        arms=tuple(
            " ".join(filter(None, (a.get("label"), a.get("description"))))
            for a in arms.get("armGroups") or ()
        ),
        sponsor_name=_get(sponsors, "leadSponsor", "name") or "",
        sponsor_class=_get(sponsors, "leadSponsor", "class") or "",
        collaborators=_strings(sponsors.get("collaborators"), "name"),
        site_countries=tuple(countries),
        start_date=_get(protocol, "statusModule", "startDateStruct", "date"),
        phases=_strings(_get(protocol, "designModule", "phases")),
        status=_get(protocol, "statusModule", "overallStatus"),
        study_type=_get(protocol, "designModule", "studyType"),
    )

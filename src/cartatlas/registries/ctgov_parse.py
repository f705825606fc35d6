"""ClinicalTrials.gov API v2 study JSON → :class:`TrialRecord`: the one parser for ``sync``,
``import``, the fake-API tests and the benchmark.

Optional modules may be missing (snapshots keep only some fields), so absence is never an error;
a value of the wrong type is, because it means the record is not API v2 shaped and its other
fields cannot be trusted. Parsing is the hot loop of every import, so it reads fields
optimistically with cheap type checks; only when something is off does it walk :data:`SCHEMA`
(what this parser reads, and the types it expects) to name the offending field's JSON path.
"""

from __future__ import annotations

import re
from typing import Any

from cartatlas.registries import concepts
from cartatlas.registries.countries import country_code
from cartatlas.registries.record import (
    Identifier,
    Intervention,
    RecordError,
    Site,
    Sponsor,
    TrialRecord,
)

NCT_ID = re.compile(r"NCT\d{8}")  # use with fullmatch: "$" would accept a trailing newline
_EMPTY: dict[str, Any] = {}
_TEXT = {str, type(None)}
_NUMBER = {int, float, type(None)}
_DATE = {"date": str}

# The fields read below: a dict is an object, a one-item list a list of that, a type a value.
SCHEMA: dict[str, Any] = {
    "hasResults": bool,
    "protocolSection": {
        "identificationModule": {
            "nctId": str,
            "briefTitle": str,
            "officialTitle": str,
            "acronym": str,
            "orgStudyIdInfo": {"id": str},
            "secondaryIdInfos": [{"id": str, "type": str}],
            "nctIdAliases": [str],
        },
        "statusModule": {
            "overallStatus": str,
            "whyStopped": str,
            "startDateStruct": _DATE,
            "primaryCompletionDateStruct": _DATE,
            "completionDateStruct": _DATE,
            "studyFirstPostDateStruct": _DATE,
            "lastUpdatePostDateStruct": _DATE,
        },
        "descriptionModule": {"briefSummary": str},
        "conditionsModule": {"conditions": [str]},
        "designModule": {
            "phases": [str],
            "studyType": str,
            "enrollmentInfo": {"count": int, "type": str},
        },
        "armsInterventionsModule": {
            "interventions": [{"name": str, "type": str, "description": str, "otherNames": [str]}]
        },
        "sponsorCollaboratorsModule": {
            "leadSponsor": {"name": str, "class": str},
            "collaborators": [{"name": str, "class": str}],
        },
        "contactsLocationsModule": {
            "locations": [
                {
                    "facility": str,
                    "city": str,
                    "state": str,
                    "zip": str,
                    "country": str,
                    "status": str,
                    "geoPoint": {"lat": float, "lon": float},
                }
            ]
        },
    },
}
_NAMES = {
    dict: "an object",
    list: "a list",
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
}


def _mismatch(value: Any, spec: Any, path: str) -> RecordError | None:
    """The first place where ``value`` does not have the shape ``spec`` describes."""
    if value is None:
        return None
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return RecordError(path, f"expected an object, found {type(value).__name__}")
        for key, sub in spec.items():
            if error := _mismatch(value.get(key), sub, f"{path}.{key}" if path else key):
                return error
        return None
    if isinstance(spec, list):
        if not isinstance(value, list):
            return RecordError(path, f"expected a list, found {type(value).__name__}")
        for i, item in enumerate(value):
            if error := _mismatch(item, spec[0], f"{path}[{i}]"):
                return error
        return None
    ok = (
        isinstance(value, int | float) and not isinstance(value, bool)
        if spec is float
        else (type(value) is spec)
    )
    return None if ok else RecordError(path, f"expected {_NAMES[spec]}, found {value!r}"[:200])


def check_nct_id(nct_id: object) -> None:
    """Raise :class:`RecordError` unless ``nct_id`` is an NCT number: a study without one
    cannot be stored, labelled or linked (every reader of API v2 records checks it)."""
    if not isinstance(nct_id, str) or not NCT_ID.fullmatch(nct_id):
        raise RecordError(
            "protocolSection.identificationModule.nctId",
            f"expected an NCT number like NCT01234567, found {nct_id!r}",
        )


def study_problem(data: Any) -> RecordError:
    """Why ``data`` is not an API v2 study, naming the first field whose type is wrong (what a
    reader of the record reports when building it failed)."""
    if not isinstance(data, dict):
        return RecordError("(record)", f"expected a study object, found {type(data).__name__}")
    if not isinstance(data.get("protocolSection"), dict):
        return RecordError("protocolSection", "missing: an API v2 study has a protocolSection")
    return _mismatch(data, SCHEMA, "") or RecordError("(record)", "not an API v2 study")


def _date(status: dict[str, Any], key: str) -> str | None:
    struct = status.get(key)
    if not struct:
        return None
    text = struct.get("date")
    if text is None:
        return None
    iso = concepts.partial_date(text)
    if iso is None:
        raise RecordError(
            f"protocolSection.statusModule.{key}.date",
            f"expected YYYY, YYYY-MM or YYYY-MM-DD, found {text!r}",
        )
    return iso


def parse_study(data: Any, raw: str) -> TrialRecord:
    """Normalize one API v2 study; ``raw`` is its JSON text, stored unchanged for provenance.

    Raises :class:`RecordError` naming the field when the record is malformed.
    """
    try:
        return _parse(data, raw)
    except (AttributeError, TypeError, KeyError) as exc:
        raise study_problem(data) from exc


def _parse(data: dict[str, Any], raw: str) -> TrialRecord:
    protocol = data["protocolSection"]
    get = protocol.get
    ident = get("identificationModule") or _EMPTY
    status = get("statusModule") or _EMPTY
    design = get("designModule") or _EMPTY
    enrollment = design.get("enrollmentInfo") or _EMPTY
    nct_id = ident.get("nctId")
    check_nct_id(nct_id)
    count = enrollment.get("count")
    if count is not None and (type(count) is not int or count < 0):  # -5 patients was stored
        raise RecordError(
            "protocolSection.designModule.enrollmentInfo.count",
            f"expected a whole number of patients (0 or more), found {count!r}",
        )
    has_results = data.get("hasResults")
    overall = status.get("overallStatus")
    conditions = (get("conditionsModule") or _EMPTY).get("conditions") or []
    texts = (
        ident.get("briefTitle"),
        ident.get("officialTitle"),
        ident.get("acronym"),
        (get("descriptionModule") or _EMPTY).get("briefSummary"),
        overall,
        status.get("whyStopped"),
        design.get("studyType"),
        enrollment.get("type"),
        *conditions,
    )
    if {type(v) for v in texts} - _TEXT or type(has_results) not in (bool, type(None)):
        raise study_problem(data)
    record = TrialRecord(
        "CTGOV",
        nct_id,
        texts[0],
        texts[1],
        texts[2],
        texts[3],
        concepts.status(overall),
        overall,
        texts[5],
        concepts.phases(design.get("phases")),
        texts[6],
        _date(status, "startDateStruct"),
        _date(status, "primaryCompletionDateStruct"),
        _date(status, "completionDateStruct"),
        _date(status, "studyFirstPostDateStruct"),
        _date(status, "lastUpdatePostDateStruct"),
        count,
        texts[7],
        has_results,
        list(conditions),
        raw=raw,
    )
    record.interventions = _interventions(get("armsInterventionsModule") or _EMPTY, data)
    record.sponsors = _sponsors(get("sponsorCollaboratorsModule") or _EMPTY, data)
    record.identifiers = _identifiers(ident, nct_id, data)
    record.sites = _sites(get("contactsLocationsModule") or _EMPTY, record.warnings, data)
    record.countries = tuple(sorted({s.country_code for s in record.sites if s.country_code}))
    return record


def _interventions(module: dict[str, Any], data: Any) -> list[Intervention]:
    found = []
    for item in module.get("interventions") or ():
        name, kind, text = item.get("name"), item.get("type"), item.get("description")
        others = tuple(item.get("otherNames") or ())
        if {type(name), type(kind), type(text), *map(type, others)} - _TEXT:
            raise study_problem(data)
        if name:
            found.append(Intervention(name, kind, text, others))
    return found


def _sponsors(module: dict[str, Any], data: Any) -> list[Sponsor]:
    lead = module.get("leadSponsor") or _EMPTY
    pairs = [(lead, "lead")] + [(c, "collaborator") for c in module.get("collaborators") or ()]
    found = []
    for item, role in pairs:
        name, klass = item.get("name"), item.get("class")
        if {type(name), type(klass)} - _TEXT:
            raise study_problem(data)
        if name:
            found.append(Sponsor(name, klass, role))
    return found


def _identifiers(ident: dict[str, Any], nct_id: str, data: Any) -> list[Identifier]:
    ids = [Identifier(nct_id, "nct_id", "CTGOV", True)]
    org = (ident.get("orgStudyIdInfo") or _EMPTY).get("id")
    if org:
        ids.append(Identifier(org, "org_study_id", concepts.id_registry(org), False))
    for item in ident.get("secondaryIdInfos") or ():
        value, kind = item.get("id"), item.get("type") or "secondary_id"
        if value:
            ids.append(Identifier(value, kind, concepts.id_registry(value, kind), False))
    ids += [Identifier(a, "nct_alias", "CTGOV", False) for a in ident.get("nctIdAliases") or ()]
    if {type(i.value) for i in ids} - {str} or {type(i.id_type) for i in ids} - {str}:
        raise study_problem(data)
    return ids


def _sites(module: dict[str, Any], warnings: list[str], data: Any) -> list[Site]:
    sites = []
    for loc in module.get("locations") or ():
        get = loc.get
        country = get("country")
        geo = get("geoPoint") or _EMPTY
        site = Site(
            get("facility"),
            get("city"),
            get("state"),
            get("zip"),
            country,
            country_code(country) if country else None,
            geo.get("lat"),
            geo.get("lon"),
            get("status"),
        )
        if {
            type(site.facility),
            type(site.city),
            type(site.state),
            type(site.zip),
            type(country),
            type(site.status),
        } - _TEXT or {type(site.lat), type(site.lon)} - _NUMBER:
            raise study_problem(data)
        if country and site.country_code is None:
            warnings.append(f"unmapped country {country!r} (add it to registries/data/iso3166.tsv)")
        sites.append(site)
    return sites

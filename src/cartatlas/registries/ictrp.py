"""``cartatlas import-ictrp``: WHO ICTRP search-portal exports (XML or CSV) — the route to ChiCTR
and the other registries that offer no API.

The XML export is ``<Trials_downloaded_from_ICTRP>`` with one ``<Trial>`` of flat fields
(``TrialID``, ``Source_Register``, ``Public_title``, ``Secondary_ID``, ``Countries``,
``Date_enrollement`` …); the CSV export has the same fields as columns, their names written with
spaces or underscores. Text fields carry HTML (``&lt;br&gt;`` separators, sometimes escaped
twice), which is decoded and stripped. Every record keeps WHO's attribution and the processing
(export) date: WHO's terms require both on any output that uses the records.

Records that ICTRP relays from ClinicalTrials.gov are skipped (with a warning): ``sync`` and
``import`` load the registry's own, richer record, and the ChiCTR copy of a trial is linked to it
through its secondary IDs.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from cartatlas.registries import concepts
from cartatlas.registries.countries import country_code
from cartatlas.registries.ingest import LoadReport, load_snapshot
from cartatlas.registries.isolation import parse_guarded
from cartatlas.registries.record import (
    Identifier,
    Intervention,
    RecordError,
    SkippedRecord,
    Sponsor,
    TrialRecord,
)
from cartatlas.store.connection import Store
from cartatlas.store.registry_batch import Parsed, batched

ATTRIBUTION = "WHO ICTRP"
_REGISTERS = {
    "chictr": "CHICTR",
    "clinicaltrials_gov": "CTGOV",
    "ctri": "CTRI",
    "jprn": "JPRN",
    "euctr": "EUCTR",
    "eu_clinical_trials_register": "EUCTR",
    "ctis": "CTIS",
    "clinical_trials_information_system": "CTIS",
    "isrctn": "ISRCTN",
    "anzctr": "ANZCTR",
    "drks": "DRKS",
    "german_clinical_trials_register": "DRKS",
    "cris": "KCT",
    "kct": "KCT",
    "irct": "IRCT",
    "tctr": "TCTR",
    "rebec": "REBEC",
    "rpcec": "RPCEC",
    "pactr": "PACTR",
    "slctr": "SLCTR",
    "lbctr": "LBCTR",
    "itmctr": "ITMCTR",
    "nl_omon": "NTR",
    "ntr": "NTR",
    "repec": "REPEC",
}
_NUMBER = re.compile(r"(\d[\d,]*)\s*$")
_UNDECODED = re.compile("[\udc80-\udcff]")
_MAX_DIGITS = 12  # no trial enrolls a trillion people; longer numbers are corrupt


def _field(name: str) -> str:
    """One spelling for a column: ``"Public title"`` and ``"Public_title"`` → ``public_title``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


Row = tuple[str, "dict[str, str] | RecordError"]


def read_xml(path: Path) -> Iterator[Row]:
    n = 0
    try:
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag != "Trial":
                continue
            n += 1
            yield (
                f"{path.name} trial #{n}",
                {_field(c.tag): (c.text or "").strip() for c in element},
            )
            element.clear()
    except ET.ParseError as exc:
        yield f"{path.name} after trial #{n}", RecordError("(file)", f"not well-formed XML ({exc})")


def read_csv(path: Path) -> Iterator[Row]:
    """Rows of a CSV export; a row with bytes that are not UTF-8, or that the CSV reader
    refuses, is rejected on its own (undecodable bytes are kept as lone surrogates by
    ``surrogateescape`` only to be found here)."""
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield f"{path.name} line {reader.line_num}", RecordError("(line)", str(exc))
                continue
            location = f"{path.name} line {reader.line_num}"
            fields = {_field(k): (v or "").strip() for k, v in row.items() if k}
            bad = next((k for k, v in fields.items() if _UNDECODED.search(v)), None)
            if bad is None:
                yield location, fields
            else:
                yield location, RecordError(bad, "not valid UTF-8; re-save the export as UTF-8")


def _enrollment(text: str | None) -> int | None:
    """Target size: "60", or per group "Case series:20;Control:10;" (summed)."""
    total, found = 0, False
    for part in concepts.split_list(text):
        match = _NUMBER.search(part)
        if match:
            digits = match.group(1).replace(",", "")
            if len(digits) > _MAX_DIGITS:
                raise RecordError(
                    "Target_size", f"{digits[:20]}… is not a plausible number of participants"
                )
            total += int(digits)
            found = True
    return total if found else None


def _study_type(text: str | None) -> str | None:
    lowered = (text or "").lower()
    for kind in ("interventional", "observational", "expanded access"):
        if kind in lowered:
            return kind.upper().replace(" ", "_")
    return concepts.clean_text(text)


def parse_trial(fields: dict[str, str], processed: str) -> TrialRecord:
    """One ICTRP trial → :class:`TrialRecord`; ``processed`` is the fallback processing date."""
    trial_id = concepts.clean_text(fields.get("trialid"))
    if not trial_id:
        raise RecordError("TrialID", "missing: every ICTRP record has a trial ID")
    register = concepts.clean_text(fields.get("source_register")) or ""
    registry = (
        _REGISTERS.get(_field(register))
        or concepts.id_registry(trial_id)
        or _field(register).upper()
    )
    if registry == "CTGOV":
        raise SkippedRecord(
            "Source_Register",
            "ClinicalTrials.gov records are skipped: load them with "
            "`cartatlas sync` or `cartatlas import` (the registry's own record is richer)",
        )
    if not registry:
        raise RecordError(
            "Source_Register", f"missing, and {trial_id!r} is not a known registry ID"
        )
    status_text = concepts.clean_text(fields.get("recruitment_status"))
    exported = concepts.partial_date(fields.get("export_date"), day_first=False) or processed
    record = TrialRecord(
        registry=registry,
        trial_id=trial_id,
        title=concepts.clean_text(fields.get("public_title")),
        official_title=concepts.clean_text(fields.get("scientific_title")),
        acronym=concepts.clean_text(fields.get("acronym")),
        status=concepts.status(status_text),
        status_raw=status_text,
        phases=concepts.phases(concepts.clean_text(fields.get("phase"))),
        study_type=_study_type(fields.get("study_type")),
        start_date=concepts.partial_date(
            fields.get("date_enrollement") or fields.get("date_enrolment")
        ),
        first_posted_date=concepts.partial_date(
            fields.get("date_registration") or fields.get("date_registration3")
        ),
        last_update_date=concepts.partial_date(fields.get("last_refreshed_on")),
        enrollment=_enrollment(fields.get("target_size")),
        has_results=True if (fields.get("results_yes_no") or "").lower() == "yes" else None,
        conditions=concepts.split_list(fields.get("condition")),
        interventions=[
            Intervention(name) for name in concepts.split_list(fields.get("intervention"))
        ],
        attribution=ATTRIBUTION,
        source_date=exported[:10],
        raw=json.dumps(fields, ensure_ascii=False),
    )
    sponsor = concepts.clean_text(fields.get("primary_sponsor"))
    if sponsor:
        record.sponsors.append(Sponsor(sponsor, None, "lead"))
    record.sponsors += [
        Sponsor(s, None, "collaborator")
        for s in concepts.split_list(fields.get("secondary_sponsor"))
    ]
    record.identifiers.append(Identifier(trial_id, "trial_id", registry, True))
    for value in concepts.split_list(
        fields.get("secondary_id") or fields.get("secondaryids"), ";,\n"
    ):
        if value != trial_id:
            record.identifiers.append(
                Identifier(value, "secondary_id", concepts.id_registry(value), False)
            )
    codes = []
    for name in concepts.split_list(fields.get("countries")):
        code = country_code(name)
        if code is None:
            record.warnings.append(
                f"unmapped country {name!r} (add it to registries/data/iso3166.tsv)"
            )
        elif code not in codes:
            codes.append(code)
    record.countries = tuple(sorted(codes))
    return record


def read_export(path: Path, processed: str) -> Iterator[Parsed]:
    """Every trial of an XML or CSV export as ``(location, record or error)``."""
    rows = read_xml(path) if path.suffix.lower() == ".xml" else read_csv(path)
    for location, fields in rows:
        if isinstance(fields, RecordError):
            yield location, fields
        else:
            yield parse_guarded(location, parse_trial, fields, processed)


def import_ictrp(
    store: Store,
    path: Path,
    *,
    selection: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Import an ICTRP export as the snapshot of ``selection`` (default ``ictrp:<file stem>``)."""
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: {'a folder, not a file' if path.is_dir() else 'no such file'}; give the "
            ".xml or .csv the ICTRP portal exported"
        )
    if path.suffix.lower() not in (".xml", ".csv"):
        raise FileNotFoundError(f"{path}: expected an ICTRP export ending in .xml or .csv")
    processed = date.today().isoformat()
    return load_snapshot(
        store,
        batched(read_export(path, processed)),
        selection=selection or f"ictrp:{path.stem}",
        run_fields={
            "kind": "ictrp",
            "registry": "ICTRP",
            "source_path": str(path.resolve()),
            "snapshot_date": processed,
            "attribution": ATTRIBUTION,
        },
        progress=progress,
    )

"""``cartatlas import-ictrp`` on the hand-made XML and CSV exports, and cross-registry matching."""

from __future__ import annotations

import pandas as pd

from cartatlas.registries.ctgov_files import import_file
from cartatlas.registries.ictrp import import_ictrp
from cartatlas.store.registry_read import (
    attribution_notes,
    current_studies,
    current_study_batches,
    trial_matches,
)

from .conftest import ICTRP_FIXTURES, ONCOLOGY_NEW

XML = ICTRP_FIXTURES / "ictrp-car-handmade.xml"
CSV = ICTRP_FIXTURES / "ictrp-car-handmade.csv"


def _by_id(store) -> dict:
    return {r["trial_id"]: r for r in current_studies(store).to_dict("records")}


def test_xml_export_fields_and_reports(store) -> None:
    report = import_ictrp(store, XML)
    assert report.studies == 4
    assert [(r.location, r.field) for r in report.rejected] == [
        ("ictrp-car-handmade.xml trial #6", "TrialID")
    ]
    warnings = " ".join(w.message for w in report.warnings)
    assert "ClinicalTrials.gov records are skipped" in warnings and "'Atlantis'" in warnings
    trials = _by_id(store)
    chictr = trials["ChiCTR2000031234"]
    assert chictr["registry"] == "CHICTR"
    assert chictr["title"] == "CD30-directed CAR-T cells for relapsed & refractory CD30+ lymphoma"
    assert chictr["official_title"].endswith("positive lymphomas")
    assert chictr["conditions"] == ["Hodgkin lymphoma", "Anaplastic large cell lymphoma"]
    assert chictr["interventions"] == ["Experimental group:CD30 CAR-T cells"]
    assert (chictr["start_date"], chictr["start_date_precision"]) == ("2020-04", "month")
    assert chictr["first_posted_date"] == "2020-03-15"
    assert chictr["last_update_date"] == "2026-08-21"
    assert (chictr["phases"], chictr["status"], chictr["enrollment"]) == (
        ["PHASE1", "PHASE2"],
        "RECRUITING",
        30,
    )
    assert (chictr["attribution"], chictr["source_date"]) == ("WHO ICTRP", "2026-08-28")
    nk = trials["ChiCTR-OPC-17012345"]
    assert (nk["phases"], nk["status"], nk["status_raw"]) == (
        ["EARLY_PHASE1"],
        "NOT_RECRUITING",
        "Not Recruiting",
    )
    assert nk["countries"] == ["CN", "HK"] and nk["enrollment"] == 30
    assert (
        nk["official_title"]
        == "Safety of anti-BCMA chimeric antigen receptor NK cells\nin relapsed multiple myeloma"
    )
    ctri = trials["CTRI/2021/05/033456"]
    assert (ctri["registry"], ctri["first_posted_date"], ctri["start_date"]) == (
        "CTRI",
        "2021-05-12",
        "2021-07-01",
    )
    assert ctri["status"] == "NOT_YET_RECRUITING"
    assert trials["jRCT2033210001"]["countries"] == ["JP"]
    assert attribution_notes(current_studies(store)) == [
        "Includes data from the WHO ICTRP (International Clinical Trials Registry Platform), "
        "processed 2026-08-28."
    ]


def test_csv_export_reads_like_xml(stores) -> None:
    from_xml, from_csv = stores.open(), stores.open()
    import_ictrp(from_xml, XML, selection="ictrp")
    report = import_ictrp(from_csv, CSV, selection="ictrp")
    assert (report.studies, report.rejected) == (3, [])
    xml_rows, csv_rows = _by_id(from_xml), _by_id(from_csv)
    for trial_id, row in csv_rows.items():
        assert row == xml_rows[trial_id], trial_id


def test_same_trial_in_two_registries_counts_once(store) -> None:
    import_file(store, ONCOLOGY_NEW)
    import_ictrp(store, XML)
    matches = trial_matches(store)
    assert matches.to_dict("records") == [
        {
            "study_key": "CHICTR:ChiCTR2000031234",
            "canonical_key": "CTGOV:NCT02259556",
            "matched_via": "NCT02259556",
        },
        {
            "study_key": "CTGOV:NCT02259556",
            "canonical_key": "CTGOV:NCT02259556",
            "matched_via": "NCT02259556",
        },
    ]
    once = current_studies(store)
    assert len(once) == 2274 + 3
    assert len(current_studies(store, dedupe=False)) == 2274 + 4
    row = once[once["trial_id"] == "NCT02259556"].iloc[0]
    assert row["also_registered_as"] == ["CHICTR:ChiCTR2000031234"]
    chictr = current_studies(store, dedupe=False)
    assert chictr[chictr["trial_id"] == "ChiCTR2000031234"].iloc[0]["nct_id"] == "NCT02259556"
    # Read a batch at a time (the classifier's flat-memory read), the rows are the same, in the
    # same order, with the matched ChiCTR record (first key) in another batch than its
    # canonical NCT02259556 (60th).
    for dedupe in (True, False):
        batches = list(current_study_batches(store, 50, dedupe=dedupe, include_raw=True))
        assert len(batches) == 46
        pd.testing.assert_frame_equal(
            pd.concat(batches, ignore_index=True),
            current_studies(store, dedupe=dedupe, include_raw=True),
        )

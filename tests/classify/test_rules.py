"""Specific records get specific labels: real snapshot records and hand-made non-CAR records."""

from __future__ import annotations

import pytest

from cartatlas.classify.countries import pair_scope
from cartatlas.classify.labels import classify
from cartatlas.classify.record import Intervention, TrialRecord, from_api_v2

# -- real records from the shared snapshots ----------------------------------------------------

REAL = {
    # CAR-T only as prior therapy or the setting of another treatment.
    "NCT05191472": {"is_car": False},  # pembrolizumab after BCMA CAR-T
    "NCT04703686": {"is_car": False},  # glofitamab after CAR-T failure
    "NCT04150913": {"is_car": False},  # anakinra + axi-cel to prevent neurotoxicity
    "NCT07071909": {"is_car": False},  # pneumococcal vaccination in CAR-T recipients
    "NCT05483491": {"is_car": False},  # TCR-T
    "NCT04538313": {"is_car": False},  # TIL
    # CAR products, some never spelled "chimeric antigen receptor".
    "NCT04422912": {"is_car": True, "targets": ["DSG3", "CD19"]},  # CAAR-T and CAR-T
    "NCT07577583": {"is_car": True, "targets": ["CD19"]},  # follow-up of azer-cel
    "NCT02439788": {"cell_type": ["NKT"], "targets": ["GD2"], "cell_source": ["autologous"]},
    "NCT02656147": {"cell_type": ["γδ T"], "cell_source": ["allogeneic"]},
    "NCT04660929": {"cell_type": ["macrophage"], "targets": ["HER2"]},
    "NCT05993611": {"cell_type": ["Treg"], "targets": ["CD6"]},
    "NCT07002112": {"in_vivo": True, "targets": ["CD19", "CD20"]},
    "NCT01087294": {"cell_source": ["allogeneic-donor"], "targets": ["CD19"]},
    "NCT04629729": {"cell_source": ["allogeneic-iPSC"], "targets": ["CD19"]},
    "NCT03089203": {"targets": ["PSMA"]},  # TGFβ dominant-negative receptor is armour
    "NCT03638167": {"targets": ["EGFR"]},  # EGFRt safety tag is not a target
    "NCT05094206": {"targets": ["CD20", "CD19", "CD22"]},  # CAR20.19.22
    "NCT07370064": {"targets": ["CLL1", "CD33", "NKG2DL"]},
    "NCT04404595": {"targets": ["CLDN18.2"], "disease_area_has": "solid:gastric"},
    "NCT06902844": {"targets": ["BCMA"], "disease_area": ["autoimmune:SLE"]},
    "NCT04008394": {"disease_area": ["T-cell malignancy", "Hodgkin"]},
    "NCT05105867": {"disease_area": ["B-cell basket"], "cell_source": ["allogeneic-universal"]},
}


@pytest.mark.parametrize("nct_id", list(REAL))
def test_real_record(records, nct_id):
    labels = classify(records[nct_id])
    for label, want in REAL[nct_id].items():
        if label == "disease_area_has":
            assert want in labels.disease_area, labels.reasons["disease_area"]
        else:
            got = getattr(labels, label)
            if isinstance(want, list):
                got, want = sorted(got), sorted(want)
            assert got == want, f"{label}: {labels.reasons.get(label)}"


def test_every_label_has_a_reason(records):
    labels = classify(records["NCT02439788"])
    assert set(labels.reasons) >= {
        "is_car",
        "targets",
        "cell_type",
        "cell_source",
        "disease_area",
        "sponsor_type",
        "countries",
    }
    assert labels.reasons["is_car"].startswith("title: '3RD GENERATION GD2")


def test_chinese_company_filed_as_other_is_industry(records):
    # "CAR-T (Shanghai) Cell Biotechnology Co., Ltd." is registered with class NETWORK.
    labels = classify(records["NCT04538313"])
    assert labels.sponsor_type == "industry"
    assert labels.sponsor_country == "CN"


# -- hand-made records (not registry data): words that look like CAR but are not --------------


def made(title: str, summary: str = "", interventions=(), conditions=()) -> TrialRecord:
    """A hand-made record (marked hand-made: these trials do not exist)."""
    return TrialRecord(
        trial_id="HANDMADE",
        title=title,
        brief_summary=summary,
        interventions=tuple(Intervention(n) for n in interventions),
        conditions=tuple(conditions),
        sponsor_name="Example University Hospital",
        sponsor_class="OTHER",
    )


HAND_MADE_NON_CAR = [
    made(
        "Rifampicin Induction of CYP3A4 via the Constitutive Androstane Receptor (CAR)",
        "CAR activation by rifampicin in healthy volunteers.",
        ["Rifampicin", "Midazolam"],
    ),
    made(
        "Car Seat Safety Education for New Parents",
        "A car seat fitting programme.",
        ["Education"],
        ["Injury Prevention"],
    ),
    made(
        "CARBOPLATIN and Paclitaxel in Ovarian Cancer",
        "",
        ["CARBOPLATIN", "Paclitaxel"],
        ["Ovarian Cancer"],
    ),
    made(
        "NY-ESO-1 TCR-T Cells in Synovial Sarcoma",
        "Autologous T cells transduced with a T cell receptor.",
        ["NY-ESO-1 TCR-T cells"],
    ),
    made(
        "Cytokine-Induced Killer Cells After Resection of Liver Cancer",
        "",
        ["Autologous CIK cells"],
        ["Hepatocellular Carcinoma"],
    ),
    made("Dendritic Cell Vaccine in Glioblastoma", "", ["DC vaccine"], ["Glioblastoma"]),
    made(
        "Blinatumomab in MRD-positive B-ALL",
        "Patients who are ineligible for CAR-T cell therapy receive blinatumomab.",
        ["Blinatumomab"],
        ["B-ALL"],
    ),
    made(
        "CART Models to Predict Sepsis (Classification and Regression Trees)",
        "A decision-tree model.",
        [],
        ["Sepsis"],
    ),
    made(
        "Teclistamab After Failure of BCMA CAR-T in Myeloma",
        "",
        ["Teclistamab"],
        ["Multiple Myeloma"],
    ),
]


@pytest.mark.parametrize("record", HAND_MADE_NON_CAR, ids=lambda r: r.title[:40])
def test_hand_made_non_car(record):
    labels = classify(record)
    assert labels.is_car is False, labels.reasons["is_car"]
    assert labels.targets == [] and labels.cell_type == [] and labels.cell_source == []


def test_hand_made_car_from_official_title_and_description():
    study = {
        "protocolSection": {
            "identificationModule": {
                "nctId": "NCT00000000",
                "briefTitle": "Study of XYZ-1",
                "officialTitle": "XYZ-1, an Autologous Anti-Claudin 18.2 "
                "CAR-T Cell Therapy, in Gastric Cancer",
            },
            "armsInterventionsModule": {
                "interventions": [
                    {
                        "name": "XYZ-1",
                        "type": "BIOLOGICAL",
                        "description": "Autologous CAR T cells targeting Claudin18.2",
                    }
                ]
            },
            "conditionsModule": {"conditions": ["Gastric Adenocarcinoma"]},
        }
    }
    labels = classify(from_api_v2(study))
    assert labels.is_car and labels.targets == ["CLDN18.2"]
    assert labels.cell_source == ["autologous"] and labels.disease_area == ["solid:gastric"]


def test_pair_scope_any_pair():
    assert pair_scope(["CN", "JP"]) == "CN only"
    assert pair_scope(["US", "CN"]) == "both"
    assert pair_scope(["DE"], ("DE", "FR")) == "DE only"
    assert pair_scope([]) == "neither"

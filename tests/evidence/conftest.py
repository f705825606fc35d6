"""A tiny, valid evidence folder that each test breaks in exactly one way."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.evidence.tables import BY_NAME, TABLES

PAPER = "10.1016/S1470-2045(18)30864-7"
SOURCE = {
    "source_url": f"https://doi.org/{PAPER}",
    "source_kind": "journal",
    "doi": PAPER,
    "accessed": "2026-11-25",
}
REGULATOR = {
    "source_url": "https://www.fda.gov/news-events/press-announcements/yescarta",
    "source_kind": "regulator",
    "accessed": "2026-11-25",
}
RELEASE = {
    "source_url": "https://www.gilead.com/news/yescarta-price",
    "source_kind": "company_release",
    "accessed": "2026-11-25",
}

VALID = {
    "products": [
        {
            "product_id": "axicabtagene-ciloleucel",
            "inn": "axicabtagene ciloleucel",
            "aliases": "axi-cel",
            "brands": "US:Yescarta|CN:Yikaida (奕凯达)",
            "targets": "CD19",
            "cell_source": "autologous",
            "costimulatory": "CD28",
            "manufacturer": "Kite",
            "developer_country": "US",
            **SOURCE,
            "source_quote": "axicabtagene ciloleucel, an autologous anti-CD19 CAR T-cell therapy",
        }
    ],
    "approvals": [
        {
            "product_id": "axicabtagene-ciloleucel",
            "agency": "FDA",
            "country": "US",
            "indication": "LBCL",
            "indication_label": "r/r LBCL after two lines",
            "line_of_therapy": "3L+",
            "population": "adult",
            "approval_date": "2017-10-18",
            "kind": "full",
            **REGULATOR,
            "source_quote": "On October 18, 2017, the FDA approved Yescarta",
        }
    ],
    "studies": [
        {
            "study_id": "ZUMA-1",
            "name": "ZUMA-1",
            "product_id": "axicabtagene-ciloleucel",
            "targets": "CD19",
            "registry_ids": "NCT02348216",
            "countries": "US|IL",
            "phase": "2",
            "design": "single-arm",
            "indication": "LBCL",
            "population": "adult",
            "line_of_therapy": "3L+",
            "median_follow_up_months": "15.4",
            "real_world": "false",
            **SOURCE,
            "source_quote": "with a median follow-up of 15·4 months",
        }
    ],
    "outcomes": [
        {
            "study_id": "ZUMA-1",
            "endpoint": "ORR",
            "assessor": "investigator",
            "analysis": "primary",
            "denominator": "infused",
            "n": "101",
            "events": "83",
            "percent": "82",
            "events_derived": "false",
            **SOURCE,
            "source_quote": "83 of 101 patients (82%) had an objective response",
        },
        {
            "study_id": "ZUMA-1",
            "endpoint": "CR",
            "assessor": "investigator",
            "analysis": "primary",
            "denominator": "infused",
            "n": "101",
            "events": "55",
            "percent": "54",
            "events_derived": "true",
            **SOURCE,
            "source_quote": "The ORR in the mITT analysis set of 101 pts was 82% (CR 54%, PR 28%)",
        },
    ],
    "safety": [
        {
            "study_id": "ZUMA-1",
            "event": "CRS",
            "grade": "any",
            "grading": "Lee2014",
            "analysis": "primary",
            "n": "101",
            "events": "94",
            "percent": "93",
            **SOURCE,
            "source_quote": "cytokine release syndrome in 94 of 101 patients (93%)",
        },
        {
            "study_id": "ZUMA-1",
            "event": "CRS",
            "grade": "3plus",
            "grading": "Lee2014",
            "analysis": "primary",
            "n": "101",
            "events": "13",
            "percent": "13",
            **SOURCE,
            "source_quote": "grade 3 or higher in 13 (13%) of 101 patients",
        },
    ],
    "prices": [
        {
            "product_id": "axicabtagene-ciloleucel",
            "country": "US",
            "amount": "373000",
            "currency": "USD",
            "year": "2017",
            "kind": "list",
            **RELEASE,
            "source_quote": "a list price of $373,000",
        }
    ],
}


def _bundled_row(name: str) -> dict[str, str]:
    """A bundled row of a table the tiny folder has no hand-made row for (every file must hold
    rows): the first whose references the folder satisfies, else the first pointed at them."""
    table = BY_NAME[name]
    ours = {
        "products": VALID["products"][0]["product_id"],
        "studies": VALID["studies"][0]["study_id"],
    }
    with (BUNDLED_DIR / table.file_name).open(newline="", encoding="utf-8") as handle:
        rows = [{k: v for k, v in row.items() if v} for row in csv.DictReader(handle)]
    for row in rows:
        if all(row.get(c) in (None, ours[t]) for c, t in table.references.items()):
            return row
    return {**rows[0], **{c: ours[t] for c, t in table.references.items() if c in rows[0]}}


VALID |= {t.name: [_bundled_row(t.name)] for t in TABLES if t.name not in VALID}


def write_evidence(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / BY_NAME[name].file_name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["x"])
            writer.writeheader()
            writer.writerows(rows)
    return folder


@pytest.fixture
def evidence_dir(tmp_path: Path):
    """Return a function that writes VALID with the given changes and returns the folder."""

    def make(**changes: list[dict[str, str]]) -> Path:
        return write_evidence(tmp_path / "evidence", {**VALID, **changes})

    return make

"""The trial finder says an open age range in words: "ages any–21" and "ages 18–any" read as
typos to a family looking for a trial; now "ages up to 21", "ages 18 and over", "any age"."""

from __future__ import annotations

import gzip
import html
import json
import re

from tests.conftest import ONCOLOGY


def _years(text: str | None) -> int | None:
    """ "18 Years" → 18; months, weeks or days → whole years; None when not given."""
    if not text:
        return None
    number, unit = text.split()[:2]
    per_year = {"year": 1, "month": 12, "week": 52, "day": 365}[unit.lower().rstrip("s")]
    return int(float(number) / per_year)


def _said(eligibility: dict) -> str:
    lo, hi = _years(eligibility.get("minimumAge")), _years(eligibility.get("maximumAge"))
    if lo is not None and hi is not None:
        return f"ages {lo}–{hi}"
    if lo is not None:
        return f"ages {lo} and over"
    return f"ages up to {hi}" if hi is not None else "any age"


def test_open_age_ranges_are_said_in_words(client):
    page = html.unescape(
        client.get("/trials", params={"searched": "true", "recruiting": "true"}).text
    )
    assert "any–" not in page and "–any" not in page
    shown = dict(re.findall(r"(NCT\d{8})\s*·\s*(ages [^<]+?|any age)\s*</p>", page))
    assert shown
    raw = {}
    with gzip.open(ONCOLOGY, "rt", encoding="utf-8") as f:
        for line in f:
            study = json.loads(line)
            protocol = study["protocolSection"]
            nct = protocol["identificationModule"]["nctId"]
            if nct in shown:
                raw[nct] = _said(protocol.get("eligibilityModule", {}))
    assert raw
    for nct, said in raw.items():
        assert shown[nct] == said, nct

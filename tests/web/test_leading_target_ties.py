"""Each country's four most-studied CAR targets in the types answer, recounted from the raw
snapshots (a trial's countries from its site list, read with gzip + json) and the classifier's
stored targets, on the report and the dashboard; a tie at the fourth place is said.

Before: "DE (77 trials): CD19, BCMA, CD20, CD123" named CD123 alone, though GPRC5D has as many
German trials (2): the alphabet, not the registry, ranked one above the other."""

from __future__ import annotations

import html
from collections import Counter

import duckdb
import pytest

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import registry_views
from cartatlas.store import open_store
from tests.conftest import snapshot_protocols

NAMES = {"Germany": "DE", "United States": "US", "Japan": "JP", "China": "CN"}


@pytest.fixture(scope="module")
def counts(full_store) -> dict[str, tuple[int, Counter]]:
    """country -> (CAR trials with a site there, trials per named target)."""
    with duckdb.connect(full_store, read_only=True) as con:
        labels = dict(
            con.execute("SELECT nct_id, targets FROM trial_labels WHERE is_car").fetchall()
        )
    protocols = {p["identificationModule"]["nctId"]: p for p in snapshot_protocols()}
    out = {code: (0, Counter()) for code in NAMES.values()}
    for nct, protocol in protocols.items():
        if nct not in labels:
            continue
        sites = protocol.get("contactsLocationsModule", {}).get("locations", [])
        for code in {NAMES[s["country"]] for s in sites if s.get("country") in NAMES}:
            total, targets = out[code]
            targets.update(t for t in (labels[nct] or "").split("|") if t)
            out[code] = (total + 1, targets)
    return out


def said(total: int, targets: Counter, code: str) -> str:
    ranked = sorted(targets.items(), key=lambda item: (-item[1], item[0]))
    text = f"{code} ({total} trials): " + ", ".join(t for t, _ in ranked[:4])
    tied = [t for t, n in ranked[4:] if n == ranked[3][1]]
    if tied:
        names = ", ".join(tied) if len(tied) <= 3 else f"{len(tied)} more targets"
        text += f" (tied: {names}, {ranked[3][1]} trial{'' if ranked[3][1] == 1 else 's'} each)"
    return text


@pytest.mark.parametrize("pair", [("DE", "US"), ("JP", "CN")], ids="-".join)
def test_leading_targets_and_ties_on_report_and_page(pair, full_store, client, counts):
    with open_store(full_store, read_only=True) as store:
        answer = registry_views.types(ReportContext(store, list(pair))).answer
    page = html.unescape(client.get("/q/types", params={"a": pair[0], "b": pair[1]}).text)
    for code in pair:
        text = said(*counts[code], code)
        assert text in answer and text in page, (text, answer)
    if pair == ("DE", "US"):
        assert "CD123 (tied: GPRC5D, 2 trials each)" in answer

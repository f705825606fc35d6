"""An EEA state gets the EMA's (EU) regulatory safety actions, as it gets EMA approvals: the
report, the JSON API and the dashboard list every EU row of regulatory_actions.csv for DE."""

from __future__ import annotations

import csv

from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import rules_and_payers
from cartatlas.store import open_store


def _rows(country: str) -> list[dict[str, str]]:
    with (BUNDLED_DIR / "regulatory_actions.csv").open(newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["country"] == country]


def test_member_state_sees_the_emas_actions_on_every_surface(evidence_store, evidence_client):
    eu = _rows("EU")
    assert eu, "the knowledge base records EMA actions"
    expected = {(r["action_date"], r["action"]) for r in eu + _rows("DE")}
    with open_store(evidence_store, read_only=True) as store:
        section = rules_and_payers.regulatory(ReportContext(store, ["DE", "US"]))
    for r in eu:
        assert f"{r['action_date']} EMA (EU) {r['action'].replace('_', ' ')}" in section.answer
    assert "No data (DE" not in section.answer

    items = evidence_client.get("/api/regulatory-actions", params={"country": "DE"}).json()
    assert {(i["action_date"], i["action"]) for i in items["items"]} == expected

    page = evidence_client.get("/", params={"a": "DE", "b": "US"}).text
    for r in eu:
        assert f"{r['action_date']} EMA (EU) {r['action'].replace('_', ' ')}" in page


def test_a_former_member_does_not_get_the_emas_later_actions(evidence_client):
    items = evidence_client.get("/api/regulatory-actions", params={"country": "GB"}).json()
    assert {i["country"] for i in items["items"]} <= {"GB"}

"""Weak rows that name the paper behind their numbers (issue #14, 2026-12-07).

A conference abstract read on a page without its own DOI stays a secondary source, but when the
same data cut is published in a journal the row may carry that paper's DOI, so a reviewer can
check the number at the source. That is only honest if the paper prints the row's rate: here the
rate is recomputed from the raw events and n and must equal the rate the paper's abstract prints
(written out below, as read on the page the curation log names), and the note must say which
paper the identifier belongs to and that the quote is not from it.
"""

from __future__ import annotations

import csv

from cartatlas.evidence.reading import BUNDLED_DIR

# (study, endpoint, analysis) -> (DOI, rate in % the paper's abstract prints, words of its title)
IDENTIFIED = {
    ("ELARA", "CR", "longer_follow_up"): (
        "10.1182/blood.2023021567",
        68.1,
        "ELARA trial update",
    ),
    ("ELARA", "ORR", "longer_follow_up"): (
        "10.1182/blood.2023021567",
        86.2,
        "ELARA trial update",
    ),
}


def _outcomes() -> list[dict[str, str]]:
    with (BUNDLED_DIR / "outcomes.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_identified_weak_rows_match_the_rate_their_paper_prints():
    rows = _outcomes()
    for (study, endpoint, analysis), (doi, printed, title) in IDENTIFIED.items():
        hits = [
            r
            for r in rows
            if (r["study_id"], r["endpoint"], r["analysis"]) == (study, endpoint, analysis)
            and r["doi"] == doi
        ]
        assert len(hits) == 1, (study, endpoint, len(hits))
        row = hits[0]
        assert row["source_kind"] in ("news", "secondary"), "kept as the kind of page read"
        assert round(100 * int(row["events"]) / int(row["n"]), 1) == printed, (study, endpoint)
        assert title in row["note"] and f"{printed}%" in row["note"], (study, endpoint)
        assert row["percent"] in row["source_quote"], "quote and values stay the page's own"

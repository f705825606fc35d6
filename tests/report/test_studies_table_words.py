"""The success tables say each study's analysis in words ("longer follow up", never the stored
code "longer_follow_up") and print every study's own exact 95% CI beside its rate, as the
tables of cohorts shown apart do; the CI is recomputed here from the beta distribution."""

from __future__ import annotations

from scipy.stats import beta

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import durability, success
from cartatlas.store import open_store


def _clopper_pearson(events: int, n: int) -> str:
    low = 0.0 if events == 0 else beta.ppf(0.025, events, n - events + 1)
    high = 1.0 if events == n else beta.ppf(0.975, events + 1, n - events)
    return f"{100 * low:.0f}–{100 * high:.0f}%"


def _tables(section):
    for block in section.blocks:
        for table in (block, getattr(block, "data", None)):
            if hasattr(table, "columns"):
                yield table


def test_studies_tables_print_words_and_each_exact_ci(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        tables = [*_tables(success.build(ctx)), *_tables(durability.build(ctx))]
    studies = [t for t in tables if t.title.startswith("Studies behind")]
    assert studies
    checked = 0
    for table in studies:
        assert table.columns[4:7] == ["events/n", "rate", "95% CI"]
        for row in table.rows:
            events, n = (int(v) for v in row[4].split("/"))
            assert row[6] == _clopper_pearson(events, n), row
            checked += 1
    assert checked >= 20
    analyses = {
        row[table.columns.index("analysis")]
        for table in tables
        if "analysis" in table.columns
        for row in table.rows
    }
    assert "longer follow up" in analyses
    assert not any("_" in a for a in analyses)

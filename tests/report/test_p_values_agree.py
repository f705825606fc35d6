"""One test, one printed p-value: the forest plot's model note gave the MM subgroup test as
"p = 0.00334" where the rates table beside it said "p = 0.003"; both now print it alike."""

from __future__ import annotations

import re

from cartatlas.report.context import ReportContext
from cartatlas.report.sections import success
from cartatlas.store import open_store

NOTE_P = re.compile(r"separate τ² per country \((p [=<] [0-9.]+)\)")


def test_model_note_and_rates_table_print_the_same_p(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        section = success.build(ReportContext(store, ["CN", "US"]))
    figures = [b for b in section.blocks if hasattr(b, "caption") and NOTE_P.search(b.caption)]
    tables = {
        t.title.rsplit(", ", 1)[-1]: t
        for t in section.blocks
        if getattr(t, "title", "").startswith("Rates by country of conduct")
    }
    checked = 0
    for figure in figures:
        indication = re.search(r"complete response in ([^,]+), by country", figure.title).group(1)
        p_note = NOTE_P.search(figure.caption).group(1)
        assert not re.search(r"p = 0\.\d{4,}", figure.caption), figure.caption
        cr = [r for r in tables[indication].rows if r[1] == "CR"]
        assert any(r[-1].startswith(p_note) for r in cr), (p_note, cr)
        checked += 1
    assert checked >= 3  # LBCL, B-ALL, MM

"""A source marker sits after the number it gives: the trial-count verdict quotes the registry
snapshot's count and a published count, and the snapshot's marker must not follow the
published one (whose source is the article named in the sources column)."""

from __future__ import annotations

import pandas as pd

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.evidence.reading import BUNDLED_DIR
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import claims
from cartatlas.store import open_store


def test_snapshot_marker_follows_the_snapshot_count_not_the_published_one(full_store):
    shipped = load_claims(EXAMPLE)
    # The example speaks of active trials (published counts left out); every registered trial:
    every = [
        c.model_copy(update={"scope": None}) for c in shipped.claims if c.id == "china-more-trials"
    ]
    with open_store(full_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"])
        section = claims.build(ctx, shipped.model_copy(update={"claims": every}))
        mark = ctx.registry_cite
    table = next(b for b in section.blocks if hasattr(b, "rows"))
    [row] = [r for r in table.rows if "published count" in r[3]]
    counts = pd.read_csv(BUNDLED_DIR / "trial_counts.csv")
    ctgov = counts[counts["registry"] == "ClinicalTrials.gov"]
    latest = {c: ctgov[ctgov["country"] == c].sort_values("as_of").iloc[-1] for c in ("CN", "US")}
    published = f"CN {latest['CN']['count']} vs US {latest['US']['count']}"
    snapshot, _, rest = row[3].partition("; published count")
    assert snapshot.endswith(f" {mark}") and snapshot.count(mark) == 1
    assert rest.endswith(published) and mark not in rest

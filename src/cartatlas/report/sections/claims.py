"""9. Claims check: each claim of an article with its verdict, evidence and sources."""

from __future__ import annotations

from collections import Counter

from cartatlas.analyses.claims import ClaimsFile, check_claims
from cartatlas.evidence.absence import no_data
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph, Section, Table


def _tally_label(verdict: str) -> str:
    """A verdict in the answer's tally; 'no data' says why, as every absence does."""
    return no_data("nothing recorded tests them") if verdict == "no data" else verdict


def build(ctx: ReportContext, claims: ClaimsFile) -> Section:
    trials = ctx.trials if ctx.has_registry else None
    verdicts = check_claims(ctx.store, claims, trials)
    rows = []
    for v in verdicts:
        refs = " ".join(dict.fromkeys(ctx.refs.cite(url) for url in v.sources if url))
        evidence = v.evidence + (
            f" {ctx.registry_cite}"
            if v.claim.metric in ("trial_count", "distinct_targets") and trials is not None
            else ""
        )
        rows.append([v.claim.text, v.verdict, v.scope, evidence, v.rule, refs])
    tally = Counter(v.verdict for v in verdicts)
    title = str(claims.source.get("title", "the article"))
    answer = (
        f"{len(verdicts)} checkable claims of {title}: "
        + ", ".join(f"{n} {_tally_label(verdict)}" for verdict, n in tally.most_common())
        + "."
    )
    blocks = [
        Paragraph("Claims are a structured paraphrase of the article, not its words."),
        Table(
            "Claims and verdicts",
            ["claim", "verdict", "scope checked", "evidence", "rule", "sources"],
            rows,
        ),
    ]
    caveats = [
        "Each verdict follows the rule shown beside it; 'no data' means the knowledge "
        "base or registry holds nothing that tests the claim, not that it is false.",
        "Range claims are judged by the share of study-level values inside the range, so "
        "one outlying study does not decide a verdict.",
    ]
    return Section("claims", "Claims check", answer, blocks, caveats)

"""9. Claims check: each claim of an article with its verdict, evidence and sources."""

from __future__ import annotations

import hashlib
from collections import Counter

from cartatlas.analyses.claims import ClaimsFile, Verdict
from cartatlas.analyses.claims.check import check_claim, reads_registry
from cartatlas.analyses.evidence_kept import kept
from cartatlas.evidence.absence import no_data
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph, Section, Table
from cartatlas.report.parts import part
from cartatlas.store import Store


def _tally_label(verdict: str) -> str:
    """A verdict in the answer's tally; 'no data' says why, as every absence does."""
    return no_data("nothing recorded tests them") if verdict == "no data" else verdict


def _about(countries: list[str]) -> str:
    return " and ".join(
        [", ".join(countries[:-1]), countries[-1]] if len(countries) > 1 else countries
    )


def _outside_note(verdicts: list[Verdict], selected: list[str]) -> str:
    """Why some claims carry an "About …" label: they concern countries beyond the selection (the
    bundled example is about China and the US, whatever pair the dashboard shows)."""
    outside = [v for v in verdicts if not set(v.claim.countries) <= set(selected)]
    if not outside:
        return ""
    about = sorted({c for v in outside for c in v.claim.countries})
    return (
        f"{len(outside)} of the {len(verdicts)} claims concern {_about(about)}, not only the "
        f"selected {_about(selected)}; each is marked with the countries it is about, and its "
        "verdict judges those countries, not the selection."
    )


def evidence_verdicts(ctx: ReportContext, claims: ClaimsFile) -> dict[int, Verdict]:
    """The verdicts, by position, on the claims checked against the knowledge base alone: kept
    in the store per claims file once computed (:mod:`cartatlas.report.parts`)."""
    text = claims.model_dump_json()
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return part(ctx, f"claims:{digest}", lambda: knowledge_base_verdicts(ctx.store, text))


@kept
def knowledge_base_verdicts(store: Store, claims_json: str) -> dict[int, Verdict]:
    """The verdicts of :func:`evidence_verdicts`, whatever countries are compared (a claim
    names its own): checked once per evidence version and claims file, so the dashboard's
    claims page for another pair reads them. Read them, do not modify them."""
    claims = ClaimsFile.model_validate_json(claims_json)
    return {
        i: check_claim(store, claim)
        for i, claim in enumerate(claims.claims)
        if not reads_registry(claim)
    }


def _cite_snapshot(evidence: str, mark: str) -> str:
    """The registry snapshot's marker right after the count it gives: a trial-count verdict
    also quotes published counts, whose source is the article in the sources column, and a
    marker at the end of the text would pin them on the snapshot."""
    snapshot = "(registry snapshot): "
    if snapshot not in evidence:
        return f"{evidence} {mark}"
    head, tail = evidence.split(snapshot, 1)
    count, sep, rest = tail.partition("; ")
    return f"{head}{snapshot}{count} {mark}{sep}{rest}"


def build(ctx: ReportContext, claims: ClaimsFile) -> Section:
    trials = ctx.trials if ctx.has_registry else None
    kept = evidence_verdicts(ctx, claims)
    verdicts = [
        kept[i] if i in kept else check_claim(ctx.store, claim, trials)
        for i, claim in enumerate(claims.claims)
    ]
    selected = set(ctx.countries)
    rows = []
    for v in verdicts:
        refs = " ".join(dict.fromkeys(ctx.refs.cite(url) for url in v.sources if url))
        evidence = (
            # a count against several countries comes from the snapshot alone: cited at the end
            f"{v.evidence} {ctx.registry_cite}"
            if v.claim.versus and trials is not None
            else _cite_snapshot(v.evidence, ctx.registry_cite)
            if v.claim.metric in ("trial_count", "distinct_targets") and trials is not None
            else v.evidence
        )
        text = (
            v.claim.text
            if set(v.claim.countries) <= selected
            else f"About {_about(v.claim.countries)} (outside the selected countries): "
            + v.claim.text
        )
        rows.append([text, v.verdict, v.scope, evidence, v.rule, refs])
    tally = Counter(v.verdict for v in verdicts)
    title = str(claims.source.get("title", "the article"))
    answer = (
        f"{len(verdicts)} checkable claims of {title}: "
        + ", ".join(f"{n} {_tally_label(verdict)}" for verdict, n in tally.most_common())
        + "."
    )
    note = _outside_note(verdicts, ctx.countries)
    answer += f" {note}" if note else ""
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
        "base or registry holds nothing that tests the claim, or, when its evidence says 'no "
        "comparable data', rows that cannot be compared (safety rates graded by different or "
        "unstated systems); it does not mean the claim is false.",
        "Range claims are judged by the share of study-level values inside the range, so "
        "one outlying study does not decide a verdict.",
    ]
    return Section("claims", "Claims check", answer, blocks, caveats)

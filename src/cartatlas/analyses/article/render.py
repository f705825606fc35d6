"""An article check as JSON Lines (one object per claim), Markdown, terminal text or HTML with
each claim highlighted in its verdict's colour.

Every writer escapes what it writes: the article is untrusted text, so no markup it holds may
reach a page, a Markdown table or a terminal.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from cartatlas.analyses.article import ArticleCheck
from cartatlas.analyses.article.verdicts import CheckedClaim

_KIND_METRIC = {
    "price": "price_usd",
    "total_cost": "total_cost_usd",
    "relative_cost": "price_discount",
    "approved_count": "approved_products",
    "trial_count": "trial_count",
    "centre_count": "centre_count",
    "trial_share": "trial_share",
    "approval_date": "approval_date",
    "targets": "approved_targets",
}


#: The metrics whose range is money: in ``currency`` (US dollars unless the claim names another).
_MONEY = ("price_usd", "total_cost_usd")


def record(c: CheckedClaim) -> dict[str, Any]:
    """One claim as the JSON the CLI prints and the API returns."""
    f, claim = c.item.finding, c.item.claim
    if claim is not None:
        fields = claim.model_dump()
        metric = fields["metric"]
    else:
        fields = {}
        metric = f.endpoint or _KIND_METRIC.get(f.kind)
    return {
        "sentence": f.sentence.text,
        "words": f.words,
        "span": list(f.span),
        "metric": metric,
        "countries": fields.get("countries", f.countries),
        "indication": fields.get("indication", f.indication),
        "product": fields.get("product", f.product),
        "trial": fields.get("trial", f.trial),
        "value": c.item.value,
        "range": list(fields["range"]) if fields.get("range") else None,
        "currency": fields.get("currency") or ("USD" if metric in _MONEY else None),
        "compare": fields.get("compare"),
        "versus": fields.get("versus"),
        "values": fields.get("values"),
        "scope": fields.get("scope"),
        "verdict": c.label,
        "reason": c.item.reason,
        "evidence": c.verdict.evidence if c.verdict else None,
        "rule": c.verdict.rule if c.verdict else None,
        "sources": list(dict.fromkeys(s for s in (c.verdict.sources if c.verdict else []) if s)),
        "checked_scope": c.item.scope,
        "plain": c.plain,
    }


def to_json_lines(check: ArticleCheck) -> str:
    return "".join(json.dumps(record(c), ensure_ascii=False) + "\n" for c in check.claims)


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell: markup characters and HTML escaped."""
    text = html.escape(text.replace("\n", " "), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~])", r"\\\1", text)


def to_markdown(check: ArticleCheck) -> str:
    lines = [f"**{_md(check.summary)}**", "", "| # | claim | verdict | what the evidence says |"]
    lines.append("|---|---|---|---|")
    for number, c in enumerate(check.claims, 1):
        lines.append(
            f"| {number} | {_md(c.item.finding.sentence.text)} | {_md(c.label)} | {_md(c.plain)} |"
        )
    return "\n".join(lines) + "\n"


def to_terminal(check: ArticleCheck) -> list[tuple[str, str]]:
    """(verdict, line) pairs; the caller prints them without interpreting markup."""
    return [
        (c.label, f"{number}. [{c.label}] {c.plain}") for number, c in enumerate(check.claims, 1)
    ]


def css_class(label: str) -> str:
    return "verdict-" + label.replace(" ", "-")


def highlighted_html(check: ArticleCheck) -> str:
    """The article as paragraphs with each claim's words in a ``<mark>`` of its verdict's class
    (numbered to match the list of claims). All article text is escaped."""
    marks: list[tuple[int, int, list[int], CheckedClaim]] = []
    for number, c in enumerate(check.claims, 1):
        start, end = c.item.finding.span
        if marks and start < marks[-1][1]:
            # Claims on the same words share one highlight (the first one's colour) and list
            # every claim number; a claim overlapping another's words is listed only.
            marks[-1][2].append(number)
            continue
        marks.append((start, end, [number], c))
    pieces, position = [], 0
    text = check.text
    for start, end, numbers, c in marks:
        pieces.append(html.escape(text[position:start]))
        pieces.append(
            f'<mark class="claim {css_class(c.label)}" id="claim-{numbers[0]}-text" '
            f'title="{html.escape(c.label)}: {html.escape(c.plain)}">'
            f"{html.escape(text[start:end])}<sup>{','.join(map(str, numbers))}</sup></mark>"
        )
        position = end
    pieces.append(html.escape(text[position:]))
    body = "".join(pieces)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "\n".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)


def claims_list_html(check: ArticleCheck) -> str:
    items = []
    for number, c in enumerate(check.claims, 1):
        sources = "".join(
            f' <a href="{html.escape(u)}" rel="noopener noreferrer">[{k}]</a>'
            for k, u in enumerate(record(c)["sources"], 1)
            if u.startswith(("http://", "https://"))
        )
        scope = (
            f'<br><span class="scope">Scope: {html.escape("; ".join(c.item.scope))}</span>'
            if c.item.scope
            else ""
        )
        items.append(
            f'<li id="claim-{number}"><span class="verdict {css_class(c.label)}">'
            f"{html.escape(c.label)}</span> {html.escape(c.plain)}{scope}{sources}</li>"
        )
    return '<ol class="article-claims">' + "".join(items) + "</ol>"


_STYLE = """body{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5}
mark.claim{padding:0 .15em;border-radius:.2em}
.verdict-supported{background:#c8e6c9}.verdict-partly-supported{background:#ffe0b2}
.verdict-contradicted{background:#ffcdd2}.verdict-no-data{background:#e0e4e8}
.verdict-not-checkable{background:#f3e5f5}span.verdict{padding:0 .3em;border-radius:.2em}
.scope{color:#555;font-size:.9em}"""


def to_html(check: ArticleCheck, title: str = "Article check") -> str:
    """A self-contained page (the CLI's ``--format html``)."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p><strong>{html.escape(check.summary)}</strong></p><h2>Claims</h2>"
        f"{claims_list_html(check)}<h2>The article</h2>{highlighted_html(check)}</body></html>\n"
    )

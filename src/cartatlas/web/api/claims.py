"""Claims check: POST a claims document (the YAML of ``cartatlas report --claims``, as YAML or
JSON) and get a verdict per claim with its evidence, rule and sources. Nothing is stored."""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, HTTPException, Request

from cartatlas.analyses.claims import ClaimsFile, Verdict, check_claims
from cartatlas.analyses.claims.model import ClaimsFileError, parse_claims
from cartatlas.store import Store
from cartatlas.web.body import read_capped
from cartatlas.web.deps import EvidenceDep, RegistryDep
from cartatlas.web.params import bad_param
from cartatlas.web.registry import RegistryData

router = APIRouter(prefix="/claims", tags=["claims"])

MAX_BYTES = 200_000
_EXAMPLE = {
    "source": {"title": "An article"},
    "claims": [
        {
            "id": "cr-lbcl-similar",
            "text": "Complete response rates in lymphoma are similar in China and the US.",
            "metric": "CR",
            "indication": "LBCL",
            "countries": ["CN", "US"],
            "compare": "similar",
        }
    ],
}
_SCHEMA = {"type": "object", "example": _EXAMPLE}
OPENAPI_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _SCHEMA},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


def _yaml(text: str) -> Any:
    """YAML without anchors and aliases (``&a`` / ``*a``): a claims document never needs them,
    and a few hundred bytes of nested aliases expand into gigabytes (a "billion laughs")."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ValueError(
                f"YAML anchors and aliases (&name, *name) are not accepted "
                f"(line {event.start_mark.line + 1}); write each value out"
            )
    return yaml.safe_load(text)


def parse_document(body: bytes, content_type: str) -> ClaimsFile:
    """JSON when the content type says so, YAML otherwise (YAML reads JSON too); 422 naming
    the claim and field of the first problems."""
    if len(body) > MAX_BYTES:
        raise HTTPException(413, f"claims document over {MAX_BYTES:,} bytes")
    try:
        text = body.decode("utf-8")
        data = json.loads(text) if "json" in content_type else _yaml(text)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError, RecursionError) as exc:
        raise bad_param("document", None, f"not a JSON or YAML document: {exc}", "body") from None
    try:
        return parse_claims(data, "document")
    except ClaimsFileError as exc:
        raise bad_param("document", None, str(exc), "body") from None


def verdict_record(verdict: Verdict) -> dict[str, Any]:
    return {
        "claim": verdict.claim.model_dump(exclude_none=True),
        "verdict": verdict.verdict,
        "evidence": verdict.evidence,
        "rule": verdict.rule,
        "scope": verdict.scope,
        "sources": list(dict.fromkeys(s for s in verdict.sources if s)),
    }


def check_document(
    store: Store, document: ClaimsFile, registry: RegistryData | None
) -> dict[str, Any]:
    trials = registry.car_trials if registry is not None else None
    try:
        verdicts = check_claims(store, document, trials)
    except ClaimsFileError as exc:
        raise bad_param("document", None, str(exc), "body") from None
    return {
        "source": document.source,
        "tally": dict(Counter(v.verdict for v in verdicts)),
        "verdicts": [verdict_record(v) for v in verdicts],
        "registry_data": registry is not None,
    }


async def read_document(request: Request) -> ClaimsFile:
    """The posted document, parsed (the body is read here, where awaiting is possible, so the
    check itself can run in the worker threads like every other route)."""
    body = await read_capped(request, MAX_BYTES, "claims document")
    return parse_document(body, request.headers.get("content-type", ""))


@router.post("", summary="Check a claims document", openapi_extra=OPENAPI_BODY)
def check(
    store: EvidenceDep,
    registry: RegistryDep,
    document: Annotated[ClaimsFile, Depends(read_document)],
) -> dict[str, Any]:
    """Body: ``{"source": {...}, "claims": [{"id", "text", "metric", "countries", ...}]}`` as
    JSON or YAML (``docs/report.md`` describes the fields). Without registry data, trial-count
    claims say "no data"."""
    return check_document(store, document, registry)

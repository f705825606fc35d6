"""The twelve questions the dashboard answers, one page each, in the report's order; each page is
built by the report's section builder for that question."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Section
from cartatlas.report.sections import (
    access,
    approvals,
    claims,
    cost,
    durability,
    registry_views,
    rules_and_payers,
    safety,
    success,
)


def _bundled_claims(ctx: ReportContext) -> Section:
    return claims.build(ctx, load_claims(EXAMPLE))


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    question: str
    build: Callable[[ReportContext], Section]


QUESTIONS = (
    Question(
        "success",
        "Success rates",
        "Do CAR-T therapies achieve the same response rates in both countries?",
        success.build,
    ),
    Question(
        "durability",
        "Durability",
        "Does the benefit last, and is CAR-T better than standard care in randomized trials?",
        durability.build,
    ),
    Question(
        "approvals",
        "Approvals",
        "Which products are approved where, and how far apart were the approvals?",
        approvals.build,
    ),
    Question("cost", "Cost", "What does a CAR-T product cost in each country?", cost.build),
    Question(
        "coverage",
        "Who pays",
        "Who pays for CAR-T in each country, and what is left to the patient?",
        rules_and_payers.coverage,
    ),
    Question(
        "access",
        "Access",
        "Where can patients be treated: centres and recruiting trials?",
        access.build,
    ),
    Question(
        "types",
        "Types",
        "Which targets, cell sources and cell types are being developed?",
        registry_views.types,
    ),
    Question(
        "activity",
        "Trial activity",
        "How many CAR trials start each year, and in which phases?",
        registry_views.activity,
    ),
    Question(
        "safety",
        "Safety",
        "How often do cytokine release syndrome and neurotoxicity occur?",
        safety.build,
    ),
    Question(
        "regulatory",
        "Regulatory actions",
        "What have regulators changed: boxed warnings, REMS, monitoring and driving rules?",
        rules_and_payers.regulatory,
    ),
    Question(
        "outlook",
        "Outlook",
        "Where is the field heading: allogeneic, solid tumours, autoimmune, in vivo?",
        registry_views.outlook,
    ),
    Question(
        "claims",
        "Claims check",
        "Do published claims about CAR-T in the two countries hold up?",
        _bundled_claims,
    ),
)
BY_KEY = {q.key: q for q in QUESTIONS}

"""9. Claims check: structured claims an article makes, each given a verdict with evidence."""

from pathlib import Path

from cartatlas.analyses.claims.check import Verdict, check_claims
from cartatlas.analyses.claims.model import Claim, ClaimsFile, load_claims

EXAMPLE = Path(__file__).parent / "data" / "placidway-2025-12-05.yaml"

__all__ = ["EXAMPLE", "Claim", "ClaimsFile", "Verdict", "check_claims", "load_claims"]

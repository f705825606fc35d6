"""Links to a trial's page in its registry (ClinicalTrials.gov, else the WHO ICTRP portal)."""

from __future__ import annotations


def registry_url(registry: str, trial_id: str) -> str:
    if registry == "CTGOV" or trial_id.upper().startswith("NCT"):
        return f"https://clinicaltrials.gov/study/{trial_id}"
    return f"https://trialsearch.who.int/Trial2.aspx?TrialID={trial_id}"

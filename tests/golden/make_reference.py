"""Write tests/golden/inputs.json (the cohorts the simple route selects for every indication ×
endpoint × country) and tests/golden/hazard_inputs.json (the randomized trials' hazard ratios
it selects for every indication × time-to-event endpoint that two or more trials share) for
make_reference.R, which pools them with metafor.

Run from the repository root, after the knowledge base changes:
    python tests/golden/make_reference.py && Rscript tests/golden/make_reference.R
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.golden.plain import hazard_trials, selected  # noqa: E402

INDICATIONS = ("LBCL", "B-ALL", "MM", "FL", "MCL")
ENDPOINTS = ("CR", "ORR")
# China and the US, then the countries of the wave-6 international cohorts
COUNTRIES = ("CN", "US", "DE", "ES", "FR", "GB", "IT", "JP", "IN")

cells = []
for indication in INDICATIONS:
    for endpoint in ENDPOINTS:
        for country in COUNTRIES:
            chosen = selected(indication, endpoint, country)
            cells.append(
                {
                    "indication": indication,
                    "endpoint": endpoint,
                    "country": country,
                    "studies": [s for s, _, _ in chosen],
                    "events": [e for _, e, _ in chosen],
                    "n": [n for _, _, n in chosen],
                }
            )
out = Path(__file__).with_name("inputs.json")
out.write_text(json.dumps(cells, indent=1) + "\n", encoding="utf-8")
print(f"wrote {out} ({len(cells)} cells)")

hazards = []
for indication in INDICATIONS:
    for endpoint in ("EFS", "PFS", "OS"):
        trials = hazard_trials(indication, endpoint)
        if len(trials) < 2:
            continue
        hazards.append(
            {
                "indication": indication,
                "endpoint": endpoint,
                "studies": [t["study_id"] for t in trials],
                "hr": [float(t["hr"]) for t in trials],
                "ci_low": [float(t["ci_low"]) for t in trials],
                "ci_high": [float(t["ci_high"]) for t in trials],
            }
        )
out = Path(__file__).with_name("hazard_inputs.json")
out.write_text(json.dumps(hazards, indent=1) + "\n", encoding="utf-8")
print(f"wrote {out} ({len(hazards)} pooled hazard ratios)")

"""Write tests/golden/inputs.json (the cohorts the simple route selects for every indication ×
endpoint × country) for make_reference.R, which pools them with metafor.

Run from the repository root, after the knowledge base changes:
    python tests/golden/make_reference.py && Rscript tests/golden/make_reference.R
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.golden.plain import selected  # noqa: E402

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

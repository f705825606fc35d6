"""The characters a reader cannot see that change what a terminal or a page shows: C0 controls
but tab and newline, DEL, C1 controls (U+009B is a CSI on some terminals), and the bidirectional
embeddings, overrides and isolates that make text read in another order.

One pattern for both ends: the evidence reader refuses them in a curated value, and every
console shows them as symbols (``output.visible``). It loads no library, so that either may
import it at no cost.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

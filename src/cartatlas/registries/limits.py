"""Caps on how much an import reads, so that a broken or hostile file (a 1 MB gzip that inflates
to gigabytes, a single line of a gigabyte) is refused with a message instead of exhausting memory.

JSON Lines are read line by line, so memory is bounded by the longest line; a JSON document
(an API page, a list, one study) is parsed whole, so it has its own, larger cap; the total
decompressed size of one input bounds the time a bomb can take. Each cap is set by an
environment variable holding bytes with an optional K, M or G suffix (``CARTATLAS_MAX_LINE=64M``).
The defaults are far above real data: the largest ClinicalTrials.gov study with results is a
few MB, and a full API page of 1,000 studies about 100 MB.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]?)i?B?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


class LimitError(ValueError):
    """A cap set to something that is not a size."""

    user_facing = True  # its message is written for the user: one line, no traceback


@dataclass(frozen=True, slots=True)
class ReadLimits:
    line_bytes: int = 64 * 2**20
    document_bytes: int = 512 * 2**20
    decompressed_bytes: int = 8 * 2**30

    @classmethod
    def from_env(cls) -> ReadLimits:
        """The defaults, overridden by ``CARTATLAS_MAX_LINE``, ``CARTATLAS_MAX_DOCUMENT`` and
        ``CARTATLAS_MAX_DECOMPRESSED``."""
        default = cls()
        return cls(
            env_size("CARTATLAS_MAX_LINE", default.line_bytes),
            env_size("CARTATLAS_MAX_DOCUMENT", default.document_bytes),
            env_size("CARTATLAS_MAX_DECOMPRESSED", default.decompressed_bytes),
        )


ENV_NAMES = {
    "line_bytes": "CARTATLAS_MAX_LINE",
    "document_bytes": "CARTATLAS_MAX_DOCUMENT",
    "decompressed_bytes": "CARTATLAS_MAX_DECOMPRESSED",
}


def env_size(name: str, default: int) -> int:
    """Bytes from environment variable ``name`` (``64M``, ``2G``, ``500000``), else ``default``."""
    text = os.environ.get(name)
    if not text:
        return default
    match = _SIZE.match(text)
    if not match or int(match[1]) == 0:
        raise LimitError(f"{name}={text!r} is not a size; write bytes like 64M, 2G or 500000")
    return int(match[1]) * _UNITS[match[2].upper()]


def size_text(count: int) -> str:
    """``67108864`` → ``"64 MiB"``: sizes in messages, rounded the way people write caps."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= factor:
            return f"{count / factor:g} {unit}"
    return f"{count} bytes"

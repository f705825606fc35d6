"""`cartatlas --help` must not pay for the heavy libraries: only the commands that use them do."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "statsmodels", "scipy", "matplotlib", "weasyprint", "duckdb", "pydantic")


def test_importing_the_cli_loads_no_heavy_library() -> None:
    probe = f"import sys, cartatlas.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_serving_loads_no_statistics_or_plotting_library() -> None:
    """`cartatlas serve` answers within seconds of its start: the app's imports leave the
    statistics and figure libraries to the first request (or the background warm-up) that
    needs them."""
    late = ("statsmodels", "scipy", "matplotlib", "weasyprint")
    probe = (
        f"import sys, cartatlas.web.app; print(' '.join(m for m in {late!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_help_texts_name_the_real_choices() -> None:
    """The light help-text lists are the same as the lists the commands check against."""
    from cartatlas.analyses.cli import ENDPOINT_NAMES
    from cartatlas.analyses.landscape.cli import DIMENSION_NAMES
    from cartatlas.analyses.landscape.counts import DIMENSIONS
    from cartatlas.analyses.study_rows import ENDPOINTS

    assert tuple(ENDPOINTS) == ENDPOINT_NAMES
    assert tuple(DIMENSIONS) == DIMENSION_NAMES

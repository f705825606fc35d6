import warnings

import pytest

from cartatlas.stats import FreemanTukeyWarning


@pytest.fixture(autouse=True)
def _quiet_expected_warnings():
    """The PFT advice and metafor-mirroring notes are tested explicitly where they matter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FreemanTukeyWarning)
        warnings.filterwarnings("ignore", message=".*because k = 1.*")
        warnings.filterwarnings("ignore", message="Knapp-Hartung is not meant.*")
        yield

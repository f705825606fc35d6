"""The report "CAR-T in <country A> vs <country B>": built from evidence and registries."""

from pathlib import Path

#: Country outlines for the report's and the dashboard's maps (vendored TopoJSON; see
#: assets/README.md).
WORLD = Path(__file__).parent / "assets" / "world-110m.json"
DEFAULT_COUNTRIES = ("CN", "US")  # the pair a report compares when none is given

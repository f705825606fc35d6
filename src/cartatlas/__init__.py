"""cartatlas: compare CAR-T cell therapy across countries from sourced evidence and registries."""

__version__ = "0.1.0"

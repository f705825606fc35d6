"""Structured, explainable labels for registry trials (is it a CAR trial, which targets, cells,
disease area, sponsor type, countries), from rules over a small registry-neutral record.

Import from the modules (``cartatlas.classify.labels``, ``.store``, ``.record``): this package
file stays empty so that ``cartatlas --help`` does not load pandas.
"""

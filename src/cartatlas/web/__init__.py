"""The web dashboard and HTTP API (``cartatlas serve``): the store's evidence, registry data and
analyses, explorable in a browser and readable by programs, read-only.

``create_app`` (in :mod:`cartatlas.web.app`) builds the FastAPI application; nothing here writes
to the store.
"""

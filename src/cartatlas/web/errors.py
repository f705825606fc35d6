"""Errors the web layer raises itself (the store's own ones are mapped in ``app``)."""


class NotFound(LookupError):
    """An ID in the path that the store does not hold (404)."""

"""One builder per question the report answers; each returns a :class:`Section`."""

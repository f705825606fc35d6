"""Analyses built on the store: each subpackage answers one question with tables and figures."""

"""Trial search that finds what people mean: words, abbreviations and Chinese terms, ranked.

``cartatlas.search.query`` reads the typed text, ``cartatlas.search.index`` ranks trials with
SQLite FTS5, ``cartatlas.search.vocabulary`` holds the synonyms; ``cartatlas.search.trials``
builds the documents from a trial frame (CLI and web alike).
"""

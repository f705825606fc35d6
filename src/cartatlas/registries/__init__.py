"""Trial registries: read ClinicalTrials.gov (API v2, files, AACT) and WHO ICTRP into one store.

One loader per registry turns that registry's records into the same normalized
:class:`~cartatlas.registries.record.TrialRecord`; ``cartatlas.store.registry_write`` stores
them and ``cartatlas.store.registry_read`` is what analyses read. See docs/registries.md.
"""

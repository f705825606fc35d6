"""The schema of the label table: its columns, which hold lists, and how lists are joined.

Kept apart from the rules (:mod:`cartatlas.classify.labels`) so that readers of stored labels
(the landscape, the report, the dashboard) do not compile every classification rule at start-up.
"""

#: Label columns in output order (lists are ``|``-joined in CSV and in the store).
COLUMNS = (
    "nct_id",
    "is_car",
    "targets",
    "cell_type",
    "cell_source",
    "in_vivo",
    "disease_area",
    "sponsor_type",
    "countries",
    "sponsor_country",
)
LIST_COLUMNS = ("targets", "cell_type", "cell_source", "disease_area", "countries")
SEPARATOR = "|"

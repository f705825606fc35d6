"""The one reading of a study's ``countries`` column that claims, safety and cost answers share."""

import pandas as pd

from cartatlas.analyses.study_rows import in_countries, treating_countries


def test_treating_countries_reads_codes_and_no_record_as_empty() -> None:
    assert treating_countries("US|DE|FR") == ["US", "DE", "FR"]
    assert treating_countries("US||DE") == ["US", "DE"]
    assert treating_countries("") == []
    assert treating_countries(None) == []
    assert treating_countries(float("nan")) == []


def test_in_countries_takes_the_country_of_conduct_or_a_treating_site() -> None:
    rows = pd.DataFrame(
        {
            "country_of_conduct": ["CN", "multinational", "multinational", "multinational", "US"],
            "countries": [None, "US|DE", "DE|FR", None, ""],
        }
    )
    assert in_countries(rows, ["US"]).tolist() == [False, True, False, False, True]
    assert in_countries(rows, ["CN", "FR"]).tolist() == [True, False, True, False, False]
    assert in_countries(rows.iloc[:0], ["US"]).tolist() == []

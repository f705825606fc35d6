"""The survival / comparison / regulatory / coverage tables: their rules and quote checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cartatlas.evidence.checks import check_evidence
from cartatlas.evidence.quotes import landmark_in_quote, number_in_quote
from cartatlas.evidence.schema import Comparison, Survival

SOURCE = {
    "source_url": "https://example.org/z",
    "source_kind": "news",
    "accessed": "2026-12-06",
}
# A result row on a news page without DOI or PMID says what it derives from (kb check).
RESULT_SOURCE = {**SOURCE, "derived_from": "unnamed"}
QUOTE = (
    "Median overall survival was not reached (95% CI 28.6 to not estimable); the 4-year OS rate "
    "was 54.6% (95% CI 47.0-61.6) (HR = 0.73, 95% CI = 0.54-0.98, P = .03)"
)


def _survival(**changes: str) -> dict[str, str]:
    row = {
        "study_id": "ZUMA-1",
        "endpoint": "OS",
        "statistic": "landmark",
        "landmark_months": "48",
        "analysis": "longer_follow_up",
        "value": "54.6",
        "ci_low": "47.0",
        "ci_high": "61.6",
        "not_reached": "false",
        "source_quote": QUOTE,
        **RESULT_SOURCE,
    }
    row.update(changes)
    return {k: v for k, v in row.items() if v != ""}


def _messages(evidence_dir, **tables) -> list[str]:
    return [str(p) for p in check_evidence(evidence_dir(**tables)).problems]


def test_landmarks_are_found_as_months_or_years():
    assert landmark_in_quote(48, "the 4-year OS rate")
    assert landmark_in_quote(60, "five-year overall survival")
    assert landmark_in_quote(24, "24-month PFS")
    assert not landmark_in_quote(24, "at 12 months")
    # spelled-out months, as news pages write them (RELIANCE, Precision Medicine Online)
    assert landmark_in_quote(6, "Six-month duration of response, progression-free survival")
    assert not landmark_in_quote(6, "six patients at 12 months")


def test_p_values_written_without_a_leading_zero_are_numbers():
    assert number_in_quote("0.03", "P = .03")
    assert not number_in_quote("3", "P = .03")


def test_valid_survival_and_comparison_rows_pass(evidence_dir):
    comparison = {
        "study_id": "ZUMA-1",
        "endpoint": "OS",
        "primary_endpoint": "false",
        "comparator": "standard care",
        "analysis": "longer_follow_up",
        "hr": "0.73",
        "ci_low": "0.54",
        "ci_high": "0.98",
        "p_value": ".03",
        "source_quote": QUOTE,
        **RESULT_SOURCE,
    }
    median = _survival(
        statistic="median",
        landmark_months="",
        value="",
        not_reached="true",
        ci_low="28.6",
        ci_high="",
    )
    assert _messages(evidence_dir, survival=[_survival(), median], comparisons=[comparison]) == []


def test_landmark_time_must_be_in_the_quote(evidence_dir):
    assert _messages(evidence_dir, survival=[_survival(landmark_months="36")]) == [
        "survival.csv, row at line 2: landmark_months: the quote names no 36-month (or 3-year) "
        "time point; quote the words that state it or correct it"
    ]


def test_not_reached_must_be_in_the_quote(evidence_dir):
    row = _survival(
        statistic="median",
        landmark_months="",
        value="",
        not_reached="true",
        ci_low="",
        ci_high="",
        source_quote="the median was long",
    )
    assert _messages(evidence_dir, survival=[row]) == [
        "survival.csv, row at line 2: not_reached: the quote does not say 'not reached'; "
        "quote the words that state it"
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"landmark_months": ""}, "needs landmark_months"),
        ({"landmark_months": "40"}, "not a landmark time"),
        ({"value": ""}, "not_reached = true"),
        ({"ci_low": "60"}, "does not bracket"),
        (
            {"statistic": "median", "landmark_months": "", "value": "", "not_reached": "false"},
            "not_reached = true",
        ),
    ],
)
def test_survival_rows_are_validated(changes, message):
    with pytest.raises(ValidationError, match=message):
        Survival.model_validate(_survival(**changes))


def test_a_reported_comparison_needs_its_hazard_ratio():
    row = {
        "study_id": "X",
        "endpoint": "OS",
        "primary_endpoint": "false",
        "comparator": "SoC",
        "analysis": "primary",
        "source_quote": "q",
        **SOURCE,
    }
    with pytest.raises(ValidationError, match="needs its hr"):
        Comparison.model_validate({**row, "follow_up_months": "12"})
    assert Comparison.model_validate({**row, "status": "not_reported"}).hr is None


def test_dates_next_to_chinese_characters_are_found():
    from cartatlas.evidence.quotes import date_in_quote

    assert date_in_quote("2025-09", "鑫富达2025-09-23 10:22")
    assert date_in_quote("2024", "2024年1月19日")
    assert not date_in_quote("2024", "12024")


def test_a_day_month_year_date_with_dots_is_found():
    """Swissmedic's German pages print "Indikationserweiterung in der Schweiz: 12.01.2023"."""
    from cartatlas.evidence.quotes import date_in_quote

    assert date_in_quote("2023-01-12", "Indikationserweiterung in der Schweiz: 12.01.2023")
    assert date_in_quote("2021-08-25", "am 25.08.2021 von Swissmedic")
    assert not date_in_quote("2023-12-01", "Indikationserweiterung in der Schweiz: 12.01.2023")
    assert not date_in_quote("2023-01-12", "v1.12.01.2023")


def _centre(**changes: str) -> dict[str, str]:
    row = {
        "country": "CN",
        "as_of": "2026-01-11",
        "scope": "institutions equipped with the drug",
        "count": "200",
        "lower_bound": "true",
        "source_quote": "CAR-T藥物配備機構數量超200家。",
        **SOURCE,
    }
    row.update(changes)
    return {k: v for k, v in row.items() if v != ""}


@pytest.mark.parametrize(
    "quote", ["CAR-T藥物配備機構數量超200家。", "more than 200 centers", "over 200 in total"]
)
def test_a_lower_bound_passes_when_the_quote_says_more_than(evidence_dir, quote):
    assert _messages(evidence_dir, centres=[_centre(source_quote=quote)]) == []


def test_a_lower_bound_must_be_in_the_quote(evidence_dir):
    assert _messages(evidence_dir, centres=[_centre(source_quote="used by 200 centers")]) == [
        "centres.csv, row at line 2: lower_bound: the quote does not say 'more than'; "
        "quote the words that state it"
    ]


def test_a_trial_count_given_as_more_than_n_is_a_lower_bound_in_the_quote(evidence_dir):
    """trial_counts.csv has ``lower_bound`` too (BioWorld's "more than 300" was stored as 300)."""
    row = {
        **_centre(count="300", source_quote="there were more than 300 CAR T trials registered"),
        "registry": "BioWorld/Cortellis",
    }
    assert _messages(evidence_dir, trial_counts=[row]) == []
    row["source_quote"] = "there were 300 CAR T trials registered"
    assert _messages(evidence_dir, trial_counts=[row]) == [
        "trial_counts.csv, row at line 2: lower_bound: the quote does not say 'more than'; "
        "quote the words that state it"
    ]


def test_a_regional_centre_count_names_its_region_in_the_quote(evidence_dir):
    """GB's only count is NHS England's: ``region`` must be in the quote, as a number must."""
    row = _centre(lower_bound="", count="7", source_quote="7 commissioned CAR-T centres in England")
    assert _messages(evidence_dir, centres=[{**row, "region": "England"}]) == []
    row["source_quote"] = "7 commissioned CAR-T centres"
    assert _messages(evidence_dir, centres=[{**row, "region": "England"}]) == [
        "centres.csv, row at line 2: region: the quote does not name 'England'; quote the words "
        "that say what part of the country was counted, or leave region empty for the whole country"
    ]

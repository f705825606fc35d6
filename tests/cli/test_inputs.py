"""Inputs people type: each brittle case of issue #17 exits 2 with a suggestion, or works."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.inputs import InputError, choose, countries, country

runner = CliRunner()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("CN", "CN"),
        ("cn", "CN"),
        ("China", "CN"),
        ("china", "CN"),
        ("中国", "CN"),
        ("中國", "CN"),
        ("USA", "US"),
        ("United States", "US"),
        ("美国", "US"),
        ("UK", "GB"),
        ("英国", "GB"),
        ("Korea", "KR"),
        ("韩国", "KR"),
        ("South Korea", "KR"),
        ("日本", "JP"),
    ],
)
def test_country_names_codes_aliases_and_chinese_names_map_to_codes(typed: str, code: str) -> None:
    assert country(typed) == code


def test_an_unknown_country_suggests_the_nearest() -> None:
    with pytest.raises(InputError, match="did you mean 'China'"):
        country("Chnia")
    with pytest.raises(InputError, match="unknown country 'XX'"):
        country("XX")


def test_countries_accept_spaces_commas_and_mixes_and_reject_repeats() -> None:
    assert countries(["CN", "US"]) == ["CN", "US"]
    assert countries(["CN,US"]) == ["CN", "US"]
    assert countries(["China, 美国", "GB"]) == ["CN", "US", "GB"]
    with pytest.raises(InputError, match="given twice"):
        countries(["CN", "china"])


def test_a_country_name_of_several_words_stays_one_country() -> None:
    """The "did you mean" offers 'United States'; typing it must not split it into 'United'
    and 'States' (an error), while 'CN US' in one argument is still two countries."""
    assert countries(["United States", "中国"]) == ["US", "CN"]
    assert countries(["South Korea, United Kingdom"]) == ["KR", "GB"]
    assert countries(["CN US"]) == ["CN", "US"]
    with pytest.raises(InputError, match="did you mean 'United States'"):
        countries(["United Stetes"])


def test_indications_ignore_case_and_list_the_valid_ones() -> None:
    assert choose("lbcl", ["LBCL", "MM"], "indication") == "LBCL"
    with pytest.raises(InputError, match="valid: LBCL, MM"):
        choose("lymphoma", ["LBCL", "MM"], "indication")


def _run(store: str, *args: str):
    return runner.invoke(app, ["--db", store, *args])


@pytest.mark.parametrize(
    "args",
    [
        ("meta", "--indication", "LBCL", "--countries", "CN", "US"),
        ("meta", "--indication", "LBCL", "--countries", "CN,US"),
        ("cohorts", "--countries", "CN", "US"),
        ("cohorts", "--countries", "CN,US"),
        ("cohorts", "--countries", "China", "--countries", "美国"),
    ],
)
def test_every_multi_country_option_takes_both_spellings(evidence_store: str, args) -> None:
    result = _run(evidence_store, *args)
    assert result.exit_code == 0, result.output
    assert "CN" in result.output and "US" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("products", "--country", "XX"), "unknown country 'XX'"),
        (("products", "--country", "Chnia"), "did you mean 'China'"),
        (("trials", "--country", "XX"), "unknown country 'XX'"),
        (("report", "--countries", "XX", "US", "--format", "md"), "unknown country 'XX'"),
        (("report", "--countries", "CN", "CN"), "given twice"),
        (("meta", "--indication", "LBCL", "--countries", "CN", "CN"), "given twice"),
        (("meta", "--indication", "lymphoma"), "valid: B-ALL"),
        (("outcomes", "--product", "Yescarte"), "did you mean 'Yescarta'"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(full_store: str, args, message: str) -> None:
    result = _run(full_store, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_names_people_type_work(full_store: str) -> None:
    china = _run(full_store, "products", "--country", "China", "--format", "csv")
    chinese = _run(full_store, "products", "--country", "中国", "--format", "csv")
    assert china.exit_code == 0 and china.output == chinese.output
    assert "relmacabtagene" in china.output
    for name in ("奕凯达", "yescarta", "AXI-CEL"):
        result = _run(full_store, "outcomes", "--product", name, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert "ZUMA-1" in result.output
    lower = _run(full_store, "meta", "--indication", "lbcl", "--format", "csv")
    assert lower.exit_code == 0 and "ci95_%" in lower.output
    trials = _run(full_store, "trials", "--country", "China", "--format", "csv", "--limit", "3")
    assert trials.exit_code == 0, trials.output

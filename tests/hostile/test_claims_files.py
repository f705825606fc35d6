"""Claims files with values a person writes by mistake: each was checked as written (a range
read backwards contradicted, a CR rate of -5–200% supported, an unknown indication, country or
product "no data"); each is now refused naming the claim and field, with the nearest valid value,
and names that mean a valid value (China, usa, lbcl, Yescarta) are read as it. Likewise a
``--countries`` that names no country is refused instead of printing an empty table."""

from __future__ import annotations

import json

import pytest

from cartatlas.cli import app

RATE = "metric: CR, indication: LBCL, countries: [CN, US]"


def _claims_file(tmp_path, claim: str):
    path = tmp_path / "claims.yaml"
    path.write_text(f"source: {{title: t}}\nclaims:\n- {{id: c, text: t, {claim}}}\n")
    return path


@pytest.mark.parametrize(
    "claim, message",
    [
        (
            f"{RATE}, range: [80, 20]",
            "field range: the low end 80 is above the high end 20; write [20, 80]",
        ),
        (f"{RATE}, range: [-5, 200]", "field range: -5 is outside 0–100: CR is a percentage"),
        (
            "metric: price_usd, countries: [US], range: [-5, 10]",
            "field range: -5 is below 0: price_usd is an amount or a count",
        ),
        (
            "metric: CR, indication: LBLC, countries: [CN, US], range: [50, 60]",
            "field indication: 'LBLC' is not an indication; write one of LBCL, FL, MCL, MZL, "
            "B-ALL, CLL, MM, gastric, SLE, other; did you mean 'LBCL'?",
        ),
        (
            "metric: CR, indication: LBCL, countries: [CN, Chna], range: [50, 60]",
            "field countries: unknown country 'Chna'; did you mean 'China' or 'Chad' or 'NA'? "
            "(give an ISO code such as CN or US, an English name or a Chinese name)",
        ),
        # Compared China with itself: "LBCL: None", "less by 0%" contradicted.
        (
            "metric: CR, indication: LBCL, countries: [CN, China], compare: similar",
            "field countries: country 'China' is given twice (as CN); name it once",
        ),
        # '2017-13' was judged partly supported (its year matched), 'yesterday' contradicted.
        (
            "metric: approval_date, product: Yescarta, countries: [US], values: ['2017-13']",
            "field values: '2017-13' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. "
            "2017-10)",
        ),
        (
            "metric: price_usd, countries: [US], range: [300000, 400000], as_of: '2024-02-30'",
            "field as_of: '2024-02-30' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. "
            "2017-10)",
        ),
        (
            "metric: CR, indication: LBCL, product: yescartaa, countries: [US], range: [50, 60]",
            "field product: no product called 'yescartaa'; did you mean 'Yescarta'? (give a "
            "product ID, INN, alias or brand; `cartatlas products --country CN` lists them)",
        ),
    ],
)
def test_a_wrong_value_is_refused_naming_claim_field_and_fix(
    one_line, evidence_store, evidence_client, tmp_path, claim, message
) -> None:
    path = _claims_file(tmp_path, claim)
    assert one_line(evidence_store, ["claims", str(path)]) == f"error {path}: claim 1, {message}"
    answer = evidence_client.post(
        "/api/claims", content=path.read_bytes(), headers={"content-type": "application/yaml"}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["msg"] == f"document: claim 1, {message}"


def test_names_of_valid_values_are_read_as_them(capsys, evidence_store, tmp_path) -> None:
    """'China', 'usa', 'lbcl' and 'Yescarta' matched no evidence row: "no data"."""
    written = _claims_file(
        tmp_path,
        "metric: CR, indication: lbcl, product: Yescarta, countries: [usa], range: [50, 60]",
    )
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        written.read_text()
        .replace("lbcl", "LBCL")
        .replace("Yescarta", "axicabtagene-ciloleucel")
        .replace("usa", "US")
    )
    verdicts = []
    for path in (written, plain):
        app(
            ["--db", evidence_store, "claims", "--format", "json", str(path)], standalone_mode=False
        )
        [verdict] = json.loads(capsys.readouterr().out)
        verdicts.append((verdict["verdict"], verdict["evidence"]))
    assert verdicts[0] == verdicts[1] and verdicts[0][0] != "no data"


@pytest.mark.parametrize("given", [",", "", " ; "])
@pytest.mark.parametrize("command", [["prices"], ["approvals"]])
def test_countries_that_name_no_country_are_refused(one_line, evidence_store, command, given):
    """``--countries ","`` printed an empty table, as if no country had data."""
    assert one_line(evidence_store, [*command, "--countries", given]) == (
        f"error --countries {given!r} names no country; give ISO codes, English or Chinese "
        "names, e.g. --countries CN US"
    )


def test_an_unquoted_date_is_a_date(capsys, evidence_store, tmp_path) -> None:
    """YAML reads values: [2017-10-18] as a date: it was refused as "Input should be a valid
    string"."""
    path = _claims_file(
        tmp_path, "metric: approval_date, product: Yescarta, countries: [US], values: [2017-10-18]"
    )
    app(["--db", evidence_store, "claims", "--format", "json", str(path)], standalone_mode=False)
    [verdict] = json.loads(capsys.readouterr().out)
    assert (verdict["claim"], verdict["verdict"]) == ("t", "supported")


_SURROGATE_CLAIM = (
    '{{"id": "c", "text": {text}, "metric": "CR", "indication": "LBCL", '
    '"countries": ["CN", "US"], "range": [50, 60]}}'
)


def _surrogate_message(char: str) -> str:
    return (
        f"claim 1, field text: holds U+{char}, half of a UTF-16 surrogate pair, which is not "
        "a character; write the character itself, or remove the escape"
    )


@pytest.mark.parametrize(
    "text, char", [(r'"\ud800\udc00"', "D800"), (r'"x\udfff"', "DFFF")], ids=["pair", "lone"]
)
def test_a_surrogate_escape_in_yaml_is_refused_naming_claim_and_field(
    one_line, evidence_store, evidence_client, tmp_path, text, char
) -> None:
    """YAML keeps "\\ud800\\udc00" as two surrogates: not characters, so the API's JSON
    encoder failed (500) writing the claim back; refused naming the field (CLI and API)."""
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n- " + _SURROGATE_CLAIM.format(text=text) + "\n")
    assert one_line(evidence_store, ["claims", str(path)]) == (
        f"error {path}: {_surrogate_message(char)}"
    )
    answer = evidence_client.post(
        "/api/claims", content=path.read_bytes(), headers={"content-type": "application/yaml"}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["msg"] == f"document: {_surrogate_message(char)}"


def test_a_lone_surrogate_escape_in_json_is_refused(evidence_client) -> None:
    """JSON joins an escaped pair into one character; a lone half is refused as in YAML."""
    body = '{"claims": [' + _SURROGATE_CLAIM.format(text=r'"x\udfff"') + "]}"
    answer = evidence_client.post(
        "/api/claims", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["msg"] == f"document: {_surrogate_message('DFFF')}"

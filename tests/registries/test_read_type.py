"""Decoding only the fields the parser reads gives the parser what a full ``json.loads`` gives it:
the same record for every real study, and the same rejection (field and message) for studies of
another shape, which are decoded whole."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from cartatlas.registries.ctgov_files import parse_entry
from cartatlas.registries.ctgov_parse import parse_study
from cartatlas.registries.record import RecordError

from .conftest import AUTOIMMUNE_NEW, ONCOLOGY_NEW


def _reference(text: str) -> Any:
    """The parser's answer on a full ``json.loads`` (the route before the restricted decode)."""
    try:
        return parse_study(json.loads(text), text)
    except RecordError as exc:
        return (exc.field, exc.message)


def _answer(text: str) -> Any:
    _, result = parse_entry("test", text)
    return (result.field, result.message) if isinstance(result, RecordError) else result


@pytest.fixture(scope="module")
def real_lines() -> list[str]:
    lines = []
    for path in (ONCOLOGY_NEW, AUTOIMMUNE_NEW):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            lines += [line.strip() for line in handle if line.strip()]
    return lines


def test_every_real_study_parses_as_from_a_full_decode(real_lines) -> None:
    assert len(real_lines) > 2000
    for text in real_lines:
        assert _answer(text) == _reference(text)


def _edited(text: str, change) -> str:
    study = json.loads(text)
    change(study["protocolSection"], study)
    return json.dumps(study, allow_nan=True)


EDITS = {
    "module is a list": lambda p, s: p.update(statusModule=[]),
    "module is text": lambda p, s: p.update(designModule="x"),
    "intervention is null": lambda p, s: p.setdefault("armsInterventionsModule", {}).update(
        interventions=[None]
    ),
    "title is a number": lambda p, s: p["identificationModule"].update(briefTitle=5),
    "condition is null": lambda p, s: p.setdefault("conditionsModule", {}).update(
        conditions=["a", None]
    ),
    "whole-number coordinates": lambda p, s: p.update(
        contactsLocationsModule={"locations": [{"country": "China", "geoPoint": {"lat": 30}}]}
    ),
    "enrollment is a decimal": lambda p, s: p.setdefault("designModule", {}).update(
        enrollmentInfo={"count": 12.0}
    ),
    "hasResults is text": lambda p, s: s.update(hasResults="yes"),
    "NaN in a field not read": lambda p, s: s.update(derivedSection={"x": float("nan")}),
    "NaN in a field read": lambda p, s: p.update(
        contactsLocationsModule={"locations": [{"geoPoint": {"lat": float("nan")}}]}
    ),
    "alias is a number": lambda p, s: p["identificationModule"].update(nctIdAliases=[7]),
    "protocolSection missing": lambda p, s: s.pop("protocolSection"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_study_of_another_shape_is_answered_as_from_a_full_decode(real_lines, edit) -> None:
    text = _edited(real_lines[0], EDITS[edit])
    assert _answer(text) == _reference(text)


@pytest.mark.parametrize("text", ["[1, 2]", "null", '"study"', "{}", '{"protocolSection": 3}'])
def test_a_value_that_is_no_study_is_answered_as_from_a_full_decode(text) -> None:
    assert _answer(text) == _reference(text)

"""Counts in words agree in number ("1 of 1 row was", never "1 of 1 rows were")."""

from __future__ import annotations

import re

import pytest

from cartatlas.wording import noun, part_of, was


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (1, 1, "1 of 1 row was"),
        (1, 3, "1 of 3 rows was"),
        (2, 3, "2 of 3 rows were"),
        (0, 1, "0 of 1 row were"),
    ],
)
def test_part_of_agrees_with_both_counts(part, whole, text):
    assert f"{part_of(part, whole, 'row')} {was(part)}" == text


def test_irregular_plural():
    assert noun(2, "study", "studies") == "studies" and noun(1, "study", "studies") == "study"


def test_no_surface_source_writes_a_plural_after_one_of_one():
    """The f-strings that print "k of n <things>" go through part_of: none is left that would
    print "1 of 1 rows"."""
    from pathlib import Path

    import cartatlas

    pattern = re.compile(r"\} of \{[^}]+\} [a-z]+s (were|in range)")
    root = Path(cartatlas.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []

"""Control characters never reach the terminal: an ANSI escape, a bell or a right-to-left
override in any printed text (a registry title, an evidence value, an error message) is shown as
a symbol, not obeyed — and kb check refuses them in the evidence, naming file, line and column."""

from __future__ import annotations

import json

import pytest

from cartatlas.evidence.checks import check_evidence
from cartatlas.output import Format, console, emit, tagged, visible
from tests.evidence.conftest import VALID, write_evidence

HOSTILE = "a\x1b[2J\x1b]0;pwned\x07b\x9b31m\u202eevil\u202c [bold]x[/bold]\tc"
SHOWN = "a\u241b[2J\u241b]0;pwned\u2407b\ufffd31m\ufffdevil\ufffd [bold]x[/bold]\tc"


def test_visible_shows_each_control_as_one_symbol() -> None:
    assert visible(HOSTILE) == SHOWN
    assert visible("plain, 中文, tab\tand\nnewline") == "plain, 中文, tab\tand\nnewline"


@pytest.mark.parametrize("wide", [False, True])
def test_tables_and_records_print_no_control_character(capsys, wide) -> None:
    emit(["title", "n"], [[HOSTILE, 1]], Format.table, title="t", wide=wide)
    emit(["id", "title"], [["NCT01", HOSTILE + " long" * 40]], Format.table)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    assert "\u241b[2J" in out and "[bold]x[/bold]" in out


def test_messages_print_no_control_character(capsys) -> None:
    console(stderr=True).print(tagged("error", "red", f"unknown country {HOSTILE!s}"))
    console(markup=True).print(f"[red]x[/red] {HOSTILE.replace('[', chr(92) + '[')}")
    captured = capsys.readouterr()
    for text in (captured.err, captured.out):
        assert "\x1b]0" not in text and "\x07" not in text and "\u202e" not in text


def test_json_keeps_the_text_as_it_is(capsys) -> None:
    """JSON is data, and escapes C0 controls itself (\\u001b)."""
    emit(["title"], [[HOSTILE]], Format.json)
    assert json.loads(capsys.readouterr().out) == [{"title": HOSTILE}]


@pytest.mark.parametrize(
    "value, message",
    [
        ("x\x1b[31mred", "contains U+001B (escape) at character 2"),
        ("ring\x07", "contains U+0007 (bell) at character 5"),
        ("\u202eevil", "contains U+202E (right-to-left override) at character 1"),
        ("a\rb", "contains U+000D (carriage return) at character 2"),
    ],
)
def test_kb_check_refuses_hidden_characters_in_evidence(tmp_path, value, message) -> None:
    rows = [dict(r) for r in VALID["approvals"]]
    rows[0]["indication_label"] = value
    folder = write_evidence(tmp_path / "evidence", {**VALID, "approvals": rows})
    evidence = check_evidence(folder)
    [problem] = [str(p) for p in evidence.problems]
    assert problem == (
        f"approvals.csv, row at line 2: indication_label: {message}, invisible in the file (a "
        "terminal escape, or text reversed for display); remove it"
    )
    assert evidence.rows["approvals"] == [] and len(evidence.rows["products"]) == 1

"""Broken evidence files: ``kb check`` names the file (and row and field), ``kb load`` never
empties a table and loses no valid row; codes are normalized; cycles and unsafe URLs are refused;
a rejected row is reported once, not as a cascade of its dependents."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.evidence.checks import check_evidence
from cartatlas.evidence.loader import EmptyingRefused, load_evidence
from tests.evidence.conftest import VALID, write_evidence

runner = CliRunner()


def _folder(tmp_path: Path, **changes: list[dict[str, str]]) -> Path:
    return write_evidence(tmp_path / "evidence", {**VALID, **changes})


def _row(table: str, index: int = 0, **changes: str) -> list[dict[str, str]]:
    rows = [dict(r) for r in VALID[table]]
    rows[index].update(changes)
    return rows


def _messages(folder: Path) -> list[str]:
    return [str(p) for p in check_evidence(folder).problems]


def _check(folder: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["kb", "check", "--dir", str(folder)])
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    ), result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.unlink(), "products.csv: missing"),
        (lambda p: p.write_bytes(b""), "products.csv: empty"),
        (
            lambda p: p.write_text(p.read_text().splitlines()[0] + "\n"),
            "products.csv: has a header",
        ),
        (
            lambda p: p.write_bytes(p.read_bytes().replace(b"Kite", b"Kit\xe9")),
            "products.csv, row at line 2: not valid UTF-8 (byte 0xe9)",
        ),
    ],
    ids=["missing", "empty", "header only", "not UTF-8"],
)
def test_unusable_file_is_named_and_never_empties_the_store(
    tmp_path, stores, damage, message
) -> None:
    folder = _folder(tmp_path)
    store = stores.open()
    assert load_evidence(store, folder).ok
    before = store.execute("SELECT count(*) FROM evidence_products")[0][0]
    damage(folder / "products.csv")

    code, output = _check(folder)
    assert code == 1 and message in output and "evidence OK" not in output
    assert "not in products.csv" not in output  # the root cause, once
    assert "row(s) that refer to rows of products.csv are left out" in output

    with pytest.raises(EmptyingRefused, match="products.csv"):
        load_evidence(store, folder)
    assert store.execute("SELECT count(*) FROM evidence_products")[0][0] == before == 1
    assert store.execute("SELECT count(*) FROM evidence_outcomes")[0][0] == 2


def test_kb_load_refusal_is_one_error_line_and_exit_2(tmp_path) -> None:
    folder = _folder(tmp_path)
    db = str(tmp_path / "s.duckdb")
    assert runner.invoke(app, ["--db", db, "kb", "load", "--dir", str(folder)]).exit_code == 0
    (folder / "prices.csv").write_bytes(b"")
    result = runner.invoke(app, ["--db", db, "kb", "load", "--dir", str(folder)])
    assert result.exit_code == 2, result.output
    assert "prices.csv: empty" in result.output
    assert "not loaded: prices.csv (1 rows stored) would be emptied" in result.output


def test_byte_order_mark_is_named_and_the_rows_still_read(tmp_path) -> None:
    folder = _folder(tmp_path)
    path = folder / "products.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    evidence = check_evidence(folder)
    assert [str(p) for p in evidence.problems] == [
        "products.csv: starts with a byte order mark (BOM, U+FEFF), an invisible character "
        "before the first column name; it was ignored, but re-save the file as UTF-8 without BOM"
    ]
    assert len(evidence.rows["products"]) == 1 and len(evidence.rows["outcomes"]) == 2


def test_nul_is_rejected_alike_on_both_stores(tmp_path, stores) -> None:
    folder = _folder(tmp_path, prices=_row("prices", note="bad\x00note"))
    assert _messages(folder) == [
        "prices.csv, row at line 2: note: contains a NUL character, which PostgreSQL cannot "
        "store; remove it"
    ]
    store = stores.open()
    evidence = load_evidence(store, folder)
    assert evidence.rows["prices"] == []
    assert store.execute("SELECT count(*) FROM evidence_products")[0][0] == 1


def test_codes_are_stored_upper_case(tmp_path, stores) -> None:
    folder = _folder(
        tmp_path,
        prices=_row("prices", country="us", currency="usd"),
        products=_row("products", brands="us:Yescarta|cn:Yikaida (奕凯达)", developer_country="us"),
    )
    store = stores.open()
    assert load_evidence(store, folder).ok
    assert store.execute("SELECT country, currency FROM evidence_prices") == [("US", "USD")]
    assert store.execute("SELECT brands, developer_country FROM evidence_products") == [
        ("US:Yescarta|CN:Yikaida (奕凯达)", "US")
    ]


def _study(study_id: str, overlaps: str | None = None) -> dict[str, str]:
    return dict(
        VALID["studies"][0], study_id=study_id, registry_ids="", overlaps_with=overlaps or ""
    )


def test_overlaps_with_cycles_are_rejected(tmp_path) -> None:
    studies = [
        _study("ZUMA-1"),
        _study("SELF", "SELF"),
        _study("A", "B"),
        _study("B", "A"),
        _study("C", "ZUMA-1"),
    ]
    evidence = check_evidence(_folder(tmp_path, studies=studies))
    assert [str(p) for p in evidence.problems] == [
        "studies.csv, row at line 3: overlaps_with: overlaps_with names the study itself; "
        "point the later report at the earlier one only",
        "studies.csv, row at line 4: overlaps_with: overlaps_with forms a cycle (A → B → A); "
        "point the later report at the earlier one only",
        "studies.csv, row at line 5: overlaps_with: overlaps_with forms a cycle (B → A → B); "
        "point the later report at the earlier one only",
    ]
    assert [r.raw["study_id"] for r in evidence.rows["studies"]] == ["ZUMA-1", "C"]


def test_a_rejected_row_is_reported_once_not_as_a_cascade(tmp_path) -> None:
    folder = _folder(tmp_path, products=_row("products", cell_source="homemade"))
    messages = _messages(folder)
    assert len(messages) == 2, messages
    assert messages[0].startswith("products.csv, row at line 2: cell_source:")
    assert "refer to 'axicabtagene-ciloleucel' are left out until this is fixed (" in messages[1]
    for dependent in ("approvals.csv line 2", "studies.csv line 2", "outcomes.csv lines 2, 3"):
        assert dependent in messages[1]  # a study of the product, and the study's outcomes


@pytest.mark.parametrize(
    "url, message",
    [
        ('https://example.org/x"><script>alert(1)</script>', "holds '\"'"),
        ("https://example.org/a b", "holds ' '"),
        ("https://example.org/<b>", "holds '<'"),
        ("javascript:alert(1)", "is not a web address"),
        ("https:///path-only", "has no valid host name"),
        ("https://exa mple.org", "holds ' '"),
        ("https://example.org:99999/", "is not a valid URL"),
    ],
)
def test_urls_are_validated_as_urls(tmp_path, url, message) -> None:
    [problem] = _messages(_folder(tmp_path, prices=_row("prices", source_url=url)))
    assert problem.startswith("prices.csv, row at line 2: source_url:") and message in problem


def test_markup_in_values_is_printed_as_it_is(tmp_path) -> None:
    code, output = _check(_folder(tmp_path, prices=_row("prices", currency="[/bold][a-z0-9]")))
    assert code == 1
    assert "'[/bold][a-z0-9]' is not an ISO 4217 currency code" in output


def test_a_pattern_in_a_message_is_printed_whole(tmp_path) -> None:
    code, output = _check(_folder(tmp_path, products=_row("products", product_id="Bad ID")))
    assert code == 1
    assert "product_id: String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$'" in output

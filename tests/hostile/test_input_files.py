"""``--input`` API v2 files of ``classify`` and ``landscape`` are read as ``import`` reads them:
a bad line, a file that is not gzip or not a study is listed and skipped, the rest is read; and
the labels of such files never replace the store's (``classify --input`` emptied trial_labels
of every store trial it did not hold: `trials` then listed "0 CAR trials")."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cartatlas.cli import app
from cartatlas.registries.ctgov_files import import_file
from cartatlas.store import open_store

from .conftest import nct


def _run(capsys, args: list[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        app(args)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.fixture
def broken(tmp_path, real_lines) -> Path:
    """Three good records around a line cut short, in a gzip file."""
    path = tmp_path / "broken.jsonl.gz"
    lines = [real_lines[0], real_lines[1][:-30], real_lines[2], real_lines[3]]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    return path


def test_classify_input_lists_the_bad_line_and_reads_the_rest(
    capsys, monkeypatch, tmp_path, broken, real_lines
) -> None:
    monkeypatch.delenv("CARTATLAS_DEBUG", raising=False)
    db = str(tmp_path / "s.duckdb")
    code, out, err = _run(
        capsys, ["--db", db, "classify", "--input", str(broken), "--format", "csv"]
    )
    assert code == 0, err
    assert "rejected broken.jsonl.gz line 2: (line): not valid JSON (" in err
    ids = {line.split(",")[0] for line in out.splitlines()[1:]}
    assert ids == {nct(s) for s in (real_lines[0], real_lines[2], real_lines[3])}
    assert not Path(db).exists()  # nothing was saved


@pytest.mark.parametrize(
    "name, content, rejection",
    [
        ("notgz.jsonl.gz", b"x", "rejected notgz.jsonl.gz: (file): not a gzip file"),
        ("page.json", b'{"studies": "x"}', "rejected page.json: studies: expected a list"),
        ("list.json", b"[]", None),
    ],
)
def test_landscape_input_without_a_study_is_one_error(
    capsys, monkeypatch, tmp_path, name, content, rejection
) -> None:
    """Each ended in "KeyError: 'start_year'" or "JSONDecodeError … (unexpected …)"."""
    monkeypatch.delenv("CARTATLAS_DEBUG", raising=False)
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = _run(capsys, ["--db", str(tmp_path / "s.duckdb"), "landscape", "-i", str(path)])
    assert code == 2 and "unexpected" not in err and "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1] == (
        "error no study could be read from the --input files; give ClinicalTrials.gov API v2 "
        "files (.json, .jsonl, .jsonl.gz, .zip)"
    )
    assert lines[0].startswith(rejection) if rejection else len(lines) == 1, err


def test_classify_input_never_replaces_the_stores_labels(
    capsys, monkeypatch, tmp_path, real_lines
) -> None:
    monkeypatch.delenv("CARTATLAS_DEBUG", raising=False)
    db = str(tmp_path / "s.duckdb")
    stored = tmp_path / "stored.jsonl"
    stored.write_text("\n".join(real_lines[:6]))
    with open_store(db) as store:
        import_file(store, stored)
    _run(capsys, ["--db", db, "classify"])
    one = tmp_path / "one.jsonl"
    one.write_text(real_lines[7])

    code, _, err = _run(capsys, ["--db", db, "classify", "--input", str(one)])
    assert code == 0, err
    code, _, err = _run(capsys, ["--db", db, "classify", "--input", str(one), "--save"])
    assert code == 2
    assert err.strip() == (
        "error --save with --input would replace the labels of the store's trials in "
        "trial_labels with those of the files, and every reader (trials, report, dashboard) "
        "would see only those; drop --save (labels of --input files are printed, not saved)"
    )
    with open_store(db) as store:
        labelled = {row[0] for row in store.execute("SELECT nct_id FROM trial_labels")}
    assert labelled == {nct(s) for s in real_lines[:6]}


def test_classify_input_rejects_a_study_without_an_nct_number(
    capsys, monkeypatch, tmp_path, real_lines
) -> None:
    """A study whose identification module names no NCT number was classified as a trial with a
    blank ID; it is rejected naming the field, as ``import`` rejects it, and the rest is read."""
    import json

    monkeypatch.delenv("CARTATLAS_DEBUG", raising=False)
    nameless = json.loads(real_lines[1])
    nameless["protocolSection"]["identificationModule"].pop("nctId")
    path = tmp_path / "nameless.jsonl"
    path.write_text("\n".join([real_lines[0], json.dumps(nameless), real_lines[2]]), "utf-8")
    code, out, err = _run(
        capsys,
        ["--db", str(tmp_path / "s.duckdb"), "classify", "--input", str(path), "--format", "csv"],
    )
    assert code == 0, err
    assert (
        "rejected nameless.jsonl line 2: protocolSection.identificationModule.nctId: expected an "
        "NCT number like NCT01234567, found ''"
    ) in err
    ids = {line.split(",")[0] for line in out.splitlines()[1:]}
    assert ids == {nct(real_lines[0]), nct(real_lines[2])}

"""No traceback reaches a user: an exception no command expected ends as one line, exit 2."""

from __future__ import annotations

import pytest

from cartatlas.cli import app


def test_unexpected_exception_is_one_line_exit_2(monkeypatch, capsys, tmp_path) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("boom [/bold] [a-z0-9]\nsecond line")

    monkeypatch.setattr("cartatlas.registries.ctgov_files.import_file", boom)
    monkeypatch.delenv("CARTATLAS_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        app(["--db", str(tmp_path / "s.duckdb"), "import", str(tmp_path / "x.json")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    assert "RuntimeError: boom [/bold] [a-z0-9]" in line and "CARTATLAS_DEBUG" in line

"""`sync` without a network fails fast: one line naming the retry it makes, then a clear error
(was 2 min 17 s of silence and a 100-line traceback)."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.registries.ctgov_api import ApiSettings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_api_is_one_retry_then_a_clear_error(tmp_path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api/v2"
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "s.duckdb"), "sync", "--base-url", url]
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith(f"warning cannot reach {url}") and "retrying once" in lines[0]
    assert lines[1].startswith(f"error cannot reach {url}") and "after 2 attempts" in lines[1]
    assert len(lines) == 2 and "Traceback" not in result.output


def test_connect_timeout_is_seconds_not_minutes() -> None:
    settings = ApiSettings()
    assert settings.connect_timeout <= 5 and settings.connect_attempts == 2

"""The cost-per-responder cells as each surface prints them for one country pair: the report
section's table, the `report` command's Markdown and the dashboard's cost page, so a test can
assert one recomputed value on all three."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from cartatlas.cli import app
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import cost as cost_section
from cartatlas.store import open_store


def money(usd: float) -> str:
    """A cost as every surface prints it: "533,763 USD"."""
    return f"{usd:,.0f} USD"


@dataclass
class CostSurfaces:
    rows: list[list[str]]
    cost_column: int
    markdown: str
    page: str
    year_column: int

    def assert_cost(self, study: str, country: str, usd: float) -> None:
        """The trial's cost in ``country`` is ``usd`` (with its CI) on every surface."""
        said = money(usd)
        [row] = [r for r in self.rows if r[1] == country and r[3].startswith(study + " (")]
        assert row[self.cost_column].startswith(f"{said} (95% CI ")
        assert f"| {said} (95% CI " in self.markdown
        assert said in self.page

    def assert_why(self, study: str, country: str, year: str, why: str) -> None:
        """The trial's row in ``country`` gives price year ``year`` and reason ``why`` (the
        years between price and approval) on every surface."""
        [row] = [r for r in self.rows if r[1] == country and r[3].startswith(study + " (")]
        assert (row[self.year_column], row[self.year_column + 1]) == (year, why)
        assert f"| {year} | {why} |" in self.markdown
        assert why in self.page


def per_responder_records(store_path: str, client, pair: tuple[str, ...]) -> list[list[dict]]:
    """The cost-per-responder rows as records by each route that serves them: the analysis
    frame, ``prices --per-responder --format json`` and ``/api/prices/per-responder``."""
    from cartatlas.analyses.responder_cost import cost_per_responder

    with open_store(store_path, read_only=True) as store:
        frame = cost_per_responder(store, list(pair))
    result = CliRunner().invoke(
        app,
        ["--db", store_path, "prices", "--per-responder", "--countries", *pair]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    body = client.get("/api/prices/per-responder", params={"countries": list(pair)})
    return [frame.to_dict("records"), json.loads(result.stdout), body.json()["items"]]


def cost_surfaces(store_path: str, client, tmp_path: Path, pair: tuple[str, str]) -> CostSurfaces:
    with open_store(store_path, read_only=True) as store:
        section = cost_section.build(ReportContext(store, list(pair)))
    table = next(b for b in section.blocks if getattr(b, "title", "").startswith("Cost per resp"))
    args = ["--db", store_path, "report", *pair, "--out", str(tmp_path), "--format", "md"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    markdown = next(tmp_path.glob("*.md")).read_text("utf-8")
    page = html.unescape(client.get(f"/q/cost?a={pair[0]}&b={pair[1]}").text)
    cost = table.columns.index("price ÷ response rate")
    return CostSurfaces(table.rows, cost, markdown, page, table.columns.index("price year"))

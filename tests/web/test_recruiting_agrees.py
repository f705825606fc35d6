"""One definition of "recruiting in a country" on every surface: the report, the dashboard's
overview and trial finder, and ``cartatlas trials --recruiting`` (they gave 516, 518 and 562)."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from cartatlas.classify.labels import classify
from cartatlas.classify.sources import read_store
from cartatlas.cli import app
from cartatlas.registries.concepts import RECRUITING_DEFINITION
from cartatlas.report.context import ReportContext
from cartatlas.report.sections import access
from cartatlas.store import open_store


def test_report_dashboard_and_cli_count_the_same_recruiting_trials(client, full_store):
    with open_store(full_store, read_only=True) as store:
        section = access.build(ReportContext(store, ["CN", "US"]))
        car_ids = {r.trial_id for r in read_store(store) if classify(r).is_car}
    table = next(b for b in section.blocks if getattr(b, "title", "").startswith("Recruiting"))
    assert RECRUITING_DEFINITION in table.note
    page = client.get("/", params={"a": "CN", "b": "US"}).text
    assert RECRUITING_DEFINITION.split(":")[0] in page
    for country in ("CN", "US"):
        report = int(next(r for r in table.rows if r[0] == country)[1])
        glance = re.search(
            rf'country={country}&amp;recruiting=true&amp;searched=true">(\d+)<', page
        )
        cli = CliRunner().invoke(
            app,
            ["--db", full_store, "trials", "--recruiting", "--country", country]
            + ["--format", "json"],
        )
        rows = json.loads(cli.stdout)
        # the CLI lists the classifier's CAR trials by default, as every other surface counts
        # (it said "560 trials" in China beside the report's 516); --all lists every record
        assert all(r["nct_id"] in car_ids for r in rows), country
        every = CliRunner().invoke(
            app,
            ["--db", full_store, "trials", "--recruiting", "--country", country, "--all"]
            + ["--format", "json"],
        )
        every_rows = json.loads(every.stdout)
        assert sum(1 for r in every_rows if r["nct_id"] in car_ids) == len(rows) < len(every_rows)
        printed = CliRunner().invoke(
            app, ["--db", full_store, "trials", "--recruiting", "--country", country]
        )
        finder = client.get(
            "/api/trials", params={"country": country, "recruiting": "true", "per_page": 1}
        ).json()
        assert report == int(glance.group(1)) == len(rows) == finder["total"], country
        assert printed.output.startswith(f"{report:,} CAR trials"), printed.output[:80]

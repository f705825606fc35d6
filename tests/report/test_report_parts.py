"""The report's evidence-only parts are computed by ``kb load`` (and the registry-site part by
``import``), kept in the store, and read back by a report: the report is the one a build in one
go gives, with the same reference numbers; a new evidence load gives a new version."""

from __future__ import annotations

import re
import shutil

from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.cli import app
from cartatlas.report.build import build_report
from cartatlas.report.context import ReportContext
from cartatlas.report.model import Paragraph, References, Section, Table
from cartatlas.report.parts import Parts, renumbered, sites_version
from cartatlas.report.render import render_html
from cartatlas.report.sections import success
from cartatlas.store import derived, open_store

PARTS = ("success", "durability", "approvals", "cost", "coverage", "safety", "regulation")


def _comparable(html: str) -> str:
    """The HTML without its generation time and matplotlib's random element IDs."""
    html = re.sub(r"<dc:date>[^<]*</dc:date>|\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", html)
    seen: dict[str, str] = {}
    return re.sub(
        r"\b(?:[pm]|image)[0-9a-f]{10}\b", lambda m: seen.setdefault(m[0], f"id{len(seen)}"), html
    )


def test_kept_parts_give_the_report_built_in_one_go(full_store):
    claims = load_claims(EXAMPLE)
    with open_store(full_store, read_only=True) as store:
        straight = build_report(store, ["CN", "US"], claims)
        kept = Parts.of(store)
        composed = build_report(store, ["CN", "US"], claims, kept=kept)
        names = derived.names(store, kept.version)
    # kb load and the imports computed every evidence-only part: the report read them all
    assert {f"report-part:{name}:CN,US" for name in PARTS} <= names
    assert kept.built == {}
    assert [(r.number, r.url, r.label) for r in composed.references.items] == [
        (r.number, r.url, r.label) for r in straight.references.items
    ]
    assert _comparable(render_html(composed)) == _comparable(render_html(straight))


def test_the_registry_site_part_was_computed_by_the_import(full_store, evidence_store):
    with open_store(full_store, read_only=True) as store:
        ctx = ReportContext(store, ["CN", "US"], parts=Parts.of(store))
        success.sited(ctx, success.pooled(ctx))
        assert ctx.parts.built == {}  # read, not computed
        imported = sites_version(ctx)
    with open_store(evidence_store, read_only=True) as store:
        assert sites_version(ReportContext(store, ["CN", "US"])) != imported


def test_a_part_cited_after_other_sections_gets_the_numbers_of_a_build_in_one_go():
    def cite_a_then_b(refs: References) -> Section:
        a, b = refs.cite("https://a.example/"), refs.cite("https://b.example/")
        return Section("s", "S", f"A {a}, B {b}", [Table("t", ["x"], [[f"{b} {a}"]])])

    shared = References()
    shared.cite("https://b.example/")
    shared.cite("https://c.example/")
    expected = cite_a_then_b(shared)

    own = References()
    section = cite_a_then_b(own)
    assert section.answer == "A [[1]], B [[2]]"
    report_refs = References()
    report_refs.cite("https://b.example/")
    report_refs.cite("https://c.example/")
    merged = renumbered(section, report_refs.merge(own.items))
    assert merged == expected
    assert merged.answer == "A [[3]], B [[1]]"
    assert [r.url for r in report_refs.items] == [r.url for r in shared.items]
    assert section.answer == "A [[1]], B [[2]]"  # the kept value itself is left as it was
    assert renumbered(Paragraph("[[1]]"), {1: 1}) == Paragraph("[[1]]")


def test_a_new_evidence_load_gives_new_parts(evidence_store, tmp_path):
    db = str(tmp_path / "store.duckdb")
    shutil.copy(evidence_store, db)
    with open_store(db, read_only=True) as store:
        before = Parts.of(store).version
    result = CliRunner().invoke(app, ["--db", db, "kb", "load"])
    assert result.exit_code == 0, result.output
    assert "report parts for CN vs US" in result.output
    with open_store(db, read_only=True) as store:
        after = Parts.of(store).version
        assert after != before
        assert {f"report-part:{name}:CN,US" for name in PARTS} <= derived.names(store, after)

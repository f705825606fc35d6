"""The report on the shipped evidence plus the shared snapshot: sections, offline HTML, PDF,
Markdown, and a sample of its statements recomputed independently from the store."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cartatlas.analyses.claims import EXAMPLE, load_claims
from cartatlas.classify.labels import classify
from cartatlas.classify.sources import read_store
from cartatlas.cli import app
from cartatlas.report.build import build_report
from cartatlas.report.context import NO_REGISTRY
from cartatlas.report.render import render_html
from cartatlas.stats import meta_proportions
from cartatlas.store import open_store

SECTIONS = [
    "Success rates",
    "Does it last? Survival and randomized evidence",
    "Approvals",
    "Cost",
    "Who pays",
    "Access",
    "Types",
    "Trial activity",
    "Safety",
    "Regulatory safety actions",
    "Outlook",
    "Claims check",
]


@pytest.fixture(scope="module")
def report(full_store):
    with open_store(full_store, read_only=True) as store:
        return build_report(store, ["CN", "US"], load_claims(EXAMPLE))


def _section(report, title):
    return next(s for s in report.sections if s.title == title)


def test_every_question_has_a_section_with_an_answer(report):
    assert [s.title for s in report.sections] == SECTIONS
    assert all(s.answer for s in report.sections)


def test_approval_counts_match_the_store(report, full_store):
    answer = _section(report, "Approvals").answer
    with open_store(full_store, read_only=True) as store:
        for country in ("CN", "US"):
            [(n,)] = store.execute(
                "SELECT count(DISTINCT product_id) FROM evidence_approvals WHERE country = ?",
                (country,),
            )
            assert f"{n} CAR-T product{'' if n == 1 else 's'} approved in {country}" in answer


def test_trial_counts_match_an_independent_count(report, full_store):
    with open_store(full_store, read_only=True) as store:
        car = [r for r in read_store(store) if classify(r).is_car]
    answer = _section(report, "Trial activity").answer
    for country in ("CN", "US"):
        expected = sum(country in classify(r).countries for r in car)
        assert f"{country} {expected}" in answer


def test_pooled_complete_response_matches_a_direct_fit(report, full_store):
    with open_store(full_store, read_only=True) as store:
        rows = store.execute(
            "SELECT s.study_id, o.events, o.n, o.source_kind FROM evidence_outcomes o "
            "JOIN evidence_studies s USING (study_id) WHERE s.indication = 'MM' AND "
            "s.country_of_conduct = 'CN' AND o.endpoint = 'CR' AND s.overlaps_with IS NULL "
            "ORDER BY s.study_id, o.source_kind = 'secondary', "
            "CASE o.analysis WHEN 'primary' THEN 0 WHEN 'longer_follow_up' THEN 1 ELSE 2 END, "
            "CASE o.denominator WHEN 'infused' THEN 0 WHEN 'evaluable' THEN 1 ELSE 2 END"
        )
    first = {}
    for study, events, n, kind in rows:
        first.setdefault(study, (events, n, kind))
    # a cohort known only from a secondary page is never pooled
    first = {study: row for study, row in first.items() if row[2] != "secondary"}
    events, n, _ = zip(*first.values(), strict=True)
    pooled = meta_proportions(events, n, method="GLMM").backtransformed().estimate
    answer = _section(report, "Success rates").answer
    mm = answer[answer.index("MM:") :]
    assert f"{100 * pooled:.0f}%" in mm.split(" in CN")[0]
    assert f"CN ({len(first)} studies" in mm


def test_recruiting_counts_match_sql_over_the_registry_tables(report, full_store):
    open_ = ("RECRUITING", "ENROLLING_BY_INVITATION")
    with open_store(full_store, read_only=True) as store:
        car = {r.trial_id for r in read_store(store) if classify(r).is_car}
        rows = store.execute(
            "SELECT st.trial_id, s.country_code FROM reg_site s JOIN reg_study st "
            "USING (study_key) WHERE st.status IN (?, ?) AND (s.status IS NULL OR s.status "
            "IN (?, ?)) AND st.study_key IN (SELECT study_key FROM reg_membership "
            "WHERE active)",
            (*open_, *open_),
        )
    table = next(
        b
        for b in _section(report, "Access").blocks
        if getattr(b, "title", "").startswith("Recruiting CAR trials")
    )
    for country in ("CN", "US"):
        trials = {t for t, c in rows if c == country and t in car}
        sites = sum(1 for t, c in rows if c == country and t in car)
        row = next(r for r in table.rows if r[0] == country)
        assert (int(row[1]), int(row[2])) == (len(trials), sites)


def test_every_citation_points_to_a_reference(report):
    html = render_html(report)
    cited = {int(n) for n in re.findall(r'href="#ref-(\d+)"', html)}
    assert cited and cited <= {r.number for r in report.references.items}


def test_html_is_self_contained(report):
    html = render_html(report)
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', html)
    assert html.count("<svg") >= 8


def test_without_registry_data_the_report_says_how_to_load_it(evidence_store):
    with open_store(evidence_store, read_only=True) as store:
        built = build_report(store, ["CN", "US"], None)
    assert "Forest plot" in " ".join(getattr(b, "title", "") for b in built.sections[0].blocks)
    access = next(s for s in built.sections if s.title == "Access")
    assert NO_REGISTRY in access.answer


def test_report_command_writes_html_pdf_and_markdown(full_store, tmp_path):
    result = CliRunner().invoke(
        app, ["--db", full_store, "report", "--countries", "CN", "US", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cart-cn-vs-us.pdf").read_bytes().startswith(b"%PDF")
    markdown = (tmp_path / "cart-cn-vs-us.md").read_text()
    assert "## 12. Claims check" in markdown
    figures = list((tmp_path / "cart-cn-vs-us-figures").glob("*.svg"))
    assert figures and all(f.name in markdown for f in figures)


def test_any_country_pair_works(full_store, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "--db",
            full_store,
            "report",
            "--countries",
            "CN,DE",
            "--out",
            str(tmp_path),
            "--format",
            "md",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "no data (no cohort conducted in DE" in (tmp_path / "cart-cn-vs-de.md").read_text()


def test_every_reference_shows_its_source_kind_read_from_the_csv_files(report):
    """Each reference's kind equals the strongest kind the evidence CSVs give its URL."""
    import csv

    from cartatlas.evidence.reading import BUNDLED_DIR

    order = ["regulator", "label", "journal", "hta_body", "registry", "conference_abstract"]
    order += ["company_release", "news", "secondary"]
    kinds: dict[str, str] = {}
    for path in BUNDLED_DIR.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                url, kind = row["source_url"], row["source_kind"]
                if url not in kinds or order.index(kind) < order.index(kinds[url]):
                    kinds[url] = kind
    evidence_refs = [r for r in report.references.items if r.url in kinds]
    assert evidence_refs
    for ref in evidence_refs:
        assert ref.kind == kinds[ref.url], ref.url
    html = render_html(report)
    for ref in evidence_refs:
        assert f"[{ref.kind_label}]" in html
    assert any(
        r.kind in ("news", "secondary") and "weak source" in r.kind_label for r in evidence_refs
    )

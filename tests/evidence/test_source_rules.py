"""The source rules of `kb check`, each on a small folder broken in exactly one way."""

from __future__ import annotations

import pytest

from cartatlas.evidence.checks import check_evidence
from tests.evidence.conftest import VALID


def messages(folder):
    return [str(p) for p in check_evidence(folder).problems]


def _with(table: str, index: int, **changes: str) -> dict[str, list[dict[str, str]]]:
    rows = [dict(row) for row in VALID[table]]
    rows[index].update(changes)
    return {table: rows}


REMEDY = (
    "; cite the canonical page (https://doi.org/…, PubMed, the regulator, the label or the "
    "manufacturer) and keep a mirror only in retrieved_from"
)


COPY = "is a staging, development, preview or test copy of a site"
IP = "is an IP address, not a publisher's site"
PROXY = "is a web proxy, not the publisher's site"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "http://47.251.13.51:8081/40811825",
            f"47.251.13.51 {IP}",
        ),
        (
            "https://websiteproxy.net/1337x-proxy/x",
            f"websiteproxy.net {PROXY}",
        ),
        (
            "https://proxy.weglot.com/wg/en/pubmed",
            f"proxy.weglot.com {PROXY}",
        ),
        ("https://staging.bloodcancerstoday.com/post/x", f"staging.bloodcancerstoday.com {COPY}"),
        ("http://preview-www.nature.com/articles/x", f"preview-www.nature.com {COPY}"),
        ("https://prdmspapp.mimsdev.com/india/x", f"prdmspapp.mimsdev.com {COPY}"),
        (
            "https://develop-sr3snxi.us-4.platformsh.site/x",
            f"develop-sr3snxi.us-4.platformsh.site {COPY}",
        ),
        ("https://test.example.org/x", f"test.example.org {COPY}"),
    ],
)
def test_hosts_no_reviewer_accepts(evidence_dir, url, reason):
    folder = evidence_dir(**_with("prices", 0, source_url=url, doi="10.1038/x"))
    assert messages(folder) == [f"prices.csv, row at line 2: source_url: {reason}{REMEDY}"]


def test_a_mirror_on_a_bad_host_is_rejected_in_retrieved_from_too(evidence_dir):
    folder = evidence_dir(**_with("prices", 0, retrieved_from="http://10.0.0.1/page"))
    assert messages(folder) == [
        "prices.csv, row at line 2: retrieved_from: 10.0.0.1 is an IP address, not a "
        f"publisher's site{REMEDY}"
    ]


def test_ordinary_hosts_pass(evidence_dir):
    for url in (
        "https://www.gilead.com/news",
        "https://www.contest.org/x",
        "https://developer.example.com/x",
    ):
        assert messages(evidence_dir(**_with("prices", 0, source_url=url))) == [], url


@pytest.mark.parametrize("kind", ["journal", "conference_abstract"])
def test_a_paper_needs_its_doi_or_pmid(evidence_dir, kind):
    folder = evidence_dir(**_with("outcomes", 0, doi="", source_kind=kind))
    assert messages(folder) == [
        f"outcomes.csv, row at line 2: doi: the source is a {kind.replace('_', ' ')}; give its DOI "
        "or PMID (the paper's page or PubMed shows it), or cite another kind of source"
    ]


def test_a_paper_with_a_pmid_passes(evidence_dir):
    folder = evidence_dir(**_with("outcomes", 0, doi="", pmid="30518502"))
    assert messages(folder) == []


NEWS = {"source_url": "https://www.ascopost.com/yescarta", "source_kind": "news"}


def test_an_approval_resting_on_news_alone_is_rejected(evidence_dir):
    assert messages(evidence_dir(**_with("approvals", 0, **NEWS))) == [
        "approvals.csv, row at line 2: source_kind: the FDA approval of axicabtagene-ciloleucel "
        "for LBCL (3L+) cites only news sources; cite the regulator's notice, the label or the "
        "manufacturer's release (news may stay as a second source), or remove the approval and "
        "list it in docs/evidence/curation-log.md until a primary source is found"
    ]


def test_news_may_stand_beside_a_regulator_source(evidence_dir):
    rows = [dict(VALID["approvals"][0]), dict(VALID["approvals"][0], **NEWS)]
    assert messages(evidence_dir(approvals=rows)) == []


def test_a_note_admitting_no_primary_source_does_not_excuse_a_news_only_approval(evidence_dir):
    note = "primary source not found: FDA and company pages searched"
    found = messages(evidence_dir(**_with("approvals", 0, note=note, **NEWS)))
    assert len(found) == 1 and "cites only news sources" in found[0]


def _second_crs(**changes: str) -> dict[str, list[dict[str, str]]]:
    other = dict(VALID["safety"][0], source_url="https://doi.org/10.1000/b", doi="10.1000/b")
    other["source_quote"] = "cytokine release syndrome in 95 of 101 patients (94%)"
    other.update(changes)
    rows = [{"note": "", **row} for row in (*VALID["safety"], other)]
    return {"safety": rows}


def test_the_same_count_printed_differently_is_rejected(evidence_dir):
    folder = evidence_dir(**_second_crs(events="95", percent="94"))
    assert messages(folder) == [
        "safety.csv, row at line 4: events: 95/101 here but 94/101 at line 2 for the same "
        "study_id, event, grade, analysis and n; re-read both sources and correct one, or explain "
        "the difference in note (name the other row's 94/101)"
    ]


def test_a_note_naming_the_other_count_explains_the_difference(evidence_dir):
    note = "later data cut than the row with 94/101"
    assert messages(evidence_dir(**_second_crs(events="95", percent="94", note=note))) == []


def test_two_grading_systems_may_count_differently(evidence_dir):
    folder = evidence_dir(**_second_crs(events="95", percent="94", grading="ASTCT"))
    assert messages(folder) == []


def test_an_approval_filed_under_a_country_its_agency_does_not_serve_is_rejected(evidence_dir):
    found = messages(evidence_dir(**_with("approvals", 0, country="CH")))
    assert found == [
        "approvals.csv, row at line 2: country: FDA authorises medicines for US, not CH; set "
        "country to US or name the agency that approved the product there"
    ]


@pytest.mark.parametrize(
    ("agency", "country"),
    [("Swissmedic", "CH"), ("MFDS", "KR"), ("CDSCO", "IN"), ("HSA", "SG"), ("IMoH", "IL")],
)
def test_each_national_agency_serves_its_own_country(evidence_dir, agency, country):
    assert messages(evidence_dir(**_with("approvals", 0, agency=agency, country=country))) == []


def test_one_publisher_cited_as_two_kinds_is_rejected(evidence_dir):
    """doi.org is the journal rows' host; a row citing it as a secondary source must say why."""
    folder = evidence_dir(**_with("outcomes", 0, source_kind="secondary"))
    assert messages(folder) == [
        "outcomes.csv, row at line 2: source_kind: doi.org is cited as secondary here but as "
        "journal in 8 rows (first at products.csv line 2); one publisher is one kind of source: "
        "correct source_kind, or start note with 'secondary:' and say why this page is one "
        "(e.g. a company's own release reprinted by a news site)"
    ]


def test_a_note_naming_the_kind_explains_a_second_kind_on_one_host(evidence_dir):
    note = "secondary source: Table 1 of a review, not the trial's own paper"
    assert messages(evidence_dir(**_with("outcomes", 0, source_kind="secondary", note=note))) == []


def test_on_a_tie_every_row_of_the_host_must_name_its_kind(evidence_dir):
    """One news and one secondary row of the same publisher: neither kind is its usual one."""
    approvals = [dict(VALID["approvals"][0]), dict(VALID["approvals"][0], **NEWS)]
    prices = _with("prices", 0, source_url="https://ascopost.com/price", source_kind="secondary")
    found = messages(evidence_dir(approvals=approvals, **prices))
    assert [m.split(": source_kind: ")[0] for m in found] == [
        "approvals.csv, row at line 3",
        "prices.csv, row at line 2",
    ]
    assert (
        "ascopost.com is cited as news here but as secondary in 1 row (first at prices.csv"
        in (found[0])
    )

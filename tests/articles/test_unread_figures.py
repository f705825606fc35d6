"""A sentence that states a figure no rule reads ("Over 10,000 patients have been treated in China")
is listed as not checkable with the kinds of statement the checker does read, on every surface;
silence would read as if the page held nothing to check. Numbers that are not figures (years,
dates, identifiers, citation markers, list numbers, phase and grade numbers) are not listed."""

from __future__ import annotations

import pytest

from cartatlas.analyses.article.sentences import Sentence
from cartatlas.analyses.article.unread import UNREAD_REASON, states_a_figure
from tests.articles.surfaces import assert_api_and_page, cli_records

PAGE = (
    "Over 10,000 patients have been treated in China.\n\n"
    "In the US, Kymriah costs about $475,000. Patients stay near the centre for 4 weeks.\n\n"
    "The FDA approved it in 2017. The CD19 and BCMA targets lead [12].\n"
)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("China has over 200 CAR-T treatment centres.", True),
        ("Over 10,000 patients have been treated in China.", True),
        ("It works in 85% of patients.", True),
        ("Around 2,000 patients were treated in 2023.", True),
        ("The FDA approved it in 2017.", False),
        ("It was approved on 22 August 2018.", False),
        ("In the US, the therapies target CD19 and BCMA.", False),
        ("A phase 1/2 trial (NCT04123456) enrolled patients [12].", False),
        ("Grade 3 CRS occurred.", False),
        ("3. Costs in China", False),
        ("IL-6 blockade with tocilizumab is used.", False),
        ("The 4-1BB domain improves persistence.", False),
        ("Second-line (2L) therapy is approved.", False),
    ],
)
def test_which_numbers_are_figures(text: str, figure: bool) -> None:
    assert states_a_figure(Sentence(text, 0, len(text), 0)) is figure


def test_unread_figures_are_listed_as_not_checkable_on_every_surface(
    evidence_store, evidence_client, tmp_path
):
    records = cli_records(evidence_store, tmp_path, PAGE)
    unread = [r for r in records if r["verdict"] == "not checkable"]
    assert [r["sentence"] for r in unread] == [
        "Over 10,000 patients have been treated in China.",
        "Patients stay near the centre for 4 weeks.",
    ]
    assert all(r["reason"] == UNREAD_REASON for r in unread)
    assert all(r["words"] == r["sentence"] for r in unread)
    # The price is read and checked as before; the year and identifiers add nothing.
    verdicts = [r["verdict"] for r in records]
    assert verdicts[0] == "not checkable" and verdicts[2] == "not checkable"
    assert len(verdicts) == 3 and verdicts[1] != "not checkable"
    assert_api_and_page(evidence_client, PAGE, verdicts)

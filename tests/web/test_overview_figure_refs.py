"""The overview shows the approvals and activity figures of their question pages; a citation in a
figure's data table points to that question page's reference of the same number (the overview
has no reference list of its own, and with three or four countries its side-by-side list numbers
other sources), and that reference is the source the figure itself lists under the number."""

from __future__ import annotations

import re

PAIR = {"a": "ES", "b": "US"}


def _sources(figure_html: str) -> dict[str, str]:
    """Number → URL of a figure's own source list."""
    listed = figure_html.split('<ol class="sources">', 1)[1].split("</ol>", 1)[0]
    return dict(re.findall(r'<li value="(\d+)"><a href="([^"]+)"', listed))


def test_overview_figure_citations_point_to_the_question_page(client):
    page = client.get("/", params=PAIR).text
    figure = page.split('id="figure-approvals-timeline"', 1)[1].split("</figure>", 1)[0]
    cited = re.findall(r'<a class="cite" href="([^"#]*)#ref-(\d+)"', figure)
    assert cited, "the approvals table cites its sources"
    assert 'href="#ref-' not in figure
    listed = _sources(figure)
    question = client.get("/q/approvals", params=PAIR).text
    for target, number in set(cited):
        assert "/q/approvals?" in target
        entry = re.search(rf'<li id="ref-{number}" value="{number}">(.*?)</li>', question, re.S)
        assert entry and f'href="{listed[number]}"' in entry.group(1)

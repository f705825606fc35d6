"""Kept fragments are spliced into the frame as bytes (web/render.py): the page is the same as
the one rendered from plain HTML, also when the request's own text holds the slot character."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from cartatlas.web.render import KeptHTML, kept_html, render


@pytest.fixture
def request_(web_app):
    from starlette.requests import Request

    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "path": "/trials/NCT00000000",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")],
            "server": ("testserver", 80),
            "app": web_app,
            "router": web_app.router,
        }
    )


def _context(body: Markup, note: str) -> dict:
    return {
        "countries": ["CN", "US"],
        "compare_query": "a=CN&b=US",
        "attribution": [note],
        "snapshot": "2026-08-22",
        "nct_id": "NCT00000000",
        "body": body,
    }


@pytest.mark.parametrize("note", ["ClinicalTrials.gov <data> — 中文", "a\x00b", "\x000\x00", ""])
def test_a_kept_body_gives_the_page_plain_html_gives(request_, note):
    html = "<p>Ünïcode — 中文 &amp; more</p>\n"
    kept = kept_html(html)
    assert isinstance(kept, KeptHTML) and kept.utf8 == html.encode("utf-8")
    spliced = render(request_, "trial.html.j2", _context(kept, note))
    plain = render(request_, "trial.html.j2", _context(Markup(html), note))
    assert spliced.body == plain.body
    assert spliced.headers["content-length"] == plain.headers["content-length"]
    assert spliced.headers["content-type"] == "text/html; charset=utf-8"
    assert b"\x00" not in spliced.body.replace(note.encode(), b"")


def test_finder_pages_carry_no_slot_marks(client):
    for path in ("/trials", "/trials?condition=lymphoma&searched=true&page=99", "/q/access"):
        page = client.get(path)
        assert page.status_code == 200
        assert "\x00" not in page.text


def test_a_table_of_values_wraps_at_spaces_only():
    """A browser broke "41–63%" at its dash in a narrow column; a value's tokens stay whole,
    words and citation markers render as before."""
    from cartatlas.report.model import Table
    from cartatlas.web.render import templates

    table = Table("Rates", ["study", "95% CI", "source"], [["RELIANCE", "41–63%", "x [[2]]"]])
    html = templates.get_template("macros.html.j2").module.table(table)
    assert '<td><span class="nowrap">41–63%</span></td>' in html
    assert "<td>RELIANCE</td>" in html and 'href="#ref-2"' in html


def test_country_cards_are_as_tall_as_their_figures():
    """The overview's country cards stretched to the height of the recruiting note beside them
    (a third of each card empty); the grid aligns its items at the start."""
    import re
    from pathlib import Path

    import cartatlas.web

    css = (Path(cartatlas.web.__file__).parent / "static/css/site.css").read_text()
    (rule,) = re.findall(r"\.glance \{[^}]*\}", css)
    assert "align-items: start" in rule

"""Requests a client can forge: a Host header never reaches the links of a page (they pointed at
whatever host the request named, and each host kept its own copy of every page), and a
parameter that takes one value, given twice, is a 422 naming both values instead of an answer
for one of them."""

from __future__ import annotations

import re

import pytest

PAGES = ["/", "/products", "/q/access?a=CN&b=US", "/meta"]  # the evidence-only store


@pytest.mark.parametrize("path", PAGES)
def test_links_never_take_the_host_from_the_request(evidence_client, path) -> None:
    forged = evidence_client.get(path, headers={"host": "evil.example"})
    plain = evidence_client.get(path)
    assert forged.status_code == plain.status_code == 200
    assert "evil.example" not in forged.text
    links = re.findall(r'(?:href|src|action)="([^"]*)"', forged.text)
    assert links and not [link for link in links if link.startswith("http://evil")]
    assert forged.text == plain.text  # one page for every host, not one copy per host


@pytest.mark.parametrize(
    "query, name",
    [
        ("/api/products?country=us&country=cn", "country"),
        ("/api/trials?per_page=5&per_page=500", "per_page"),
        ("/api/meta?indication=LBCL&indication=MM", "indication"),
    ],
)
def test_a_single_value_parameter_given_twice_is_refused(evidence_client, query, name) -> None:
    answer = evidence_client.get(query)
    assert answer.status_code == 422, answer.text
    [detail] = answer.json()["detail"]
    values = re.findall(rf"{name}=([^&]*)", query)
    assert detail["loc"] == ["query", name]
    assert detail["msg"] == (
        f"{name!r} is given 2 times ({', '.join(map(repr, values))}); it takes one value: "
        "give it once"
    )


def test_a_list_parameter_may_repeat(evidence_client) -> None:
    both = evidence_client.get("/api/meta?indication=LBCL&countries=CN&countries=US")
    assert both.status_code == 200, both.text
    assert both.json()["query"]["countries"] == ["CN", "US"]


@pytest.mark.parametrize("bound", ["1e400", "NaN", "-Infinity"])
def test_a_claim_range_that_is_no_number_is_a_422(evidence_client, bound) -> None:
    """Python's JSON reads 1e400 as infinity and accepts NaN: the range rule then crashed
    (HTTP 500, IndexError in counting the bound's decimals)."""
    body = (
        '{"source": {}, "claims": [{"id": "c", "text": "t", "metric": "CR", "indication": '
        f'"LBCL", "countries": ["CN", "US"], "range": [{bound}, 0.9]}}]}}'
    )
    answer = evidence_client.post(
        "/api/claims", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422, answer.text
    [detail] = answer.json()["detail"]
    assert detail["msg"] == "document: claim 1, field range.0: Input should be a finite number"


def test_a_claims_file_with_an_infinite_bound_is_one_line(one_line, evidence_store, tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "source: {title: t}\nclaims:\n- {id: c, text: t, metric: CR, indication: LBCL, "
        "countries: [CN, US], range: [.inf, 2]}\n"
    )
    assert one_line(evidence_store, ["claims", str(path)]) == (
        f"error {path}: claim 1, field range.0: Input should be a finite number"
    )


@pytest.mark.parametrize("page", ["/", "/q/access"])
def test_a_compare_box_given_twice_is_refused_on_the_dashboard(evidence_client, page) -> None:
    """``/?a=CN&a=US&b=DE`` compared US with DE, saying nothing of the CN it was also given."""
    answer = evidence_client.get(f"{page}?a=CN&a=US&b=DE")
    assert answer.status_code == 422, answer.text
    assert (
        "<li><code>a</code>: &#39;a&#39; is given 2 times (&#39;CN&#39;, &#39;US&#39;); "
        "it takes one value: give it once</li>"
    ) in answer.text


def test_every_bad_compare_box_is_named_at_once(evidence_client) -> None:
    answer = evidence_client.get("/?a=CN&b=US&c=XX&d=YY")
    assert answer.status_code == 422, answer.text
    expected = "expected a two-letter ISO country code such as US, CN, DE; got"
    assert f"<li><code>c</code>: {expected} &#39;XX&#39;</li>" in answer.text
    assert f"<li><code>d</code>: {expected} &#39;YY&#39;</li>" in answer.text


@pytest.mark.parametrize(
    "url",
    [
        "/?a={long}&b=US",  # a page
        "/?a=CN&a={long}",  # a page, the value given twice
        "/api/products?country={long}",  # the API: message and input
        "/api/approvals?countries=US&countries={long}",
    ],
)
def test_a_long_value_is_echoed_by_its_start_and_length(evidence_client, url) -> None:
    long = "X" * 30_000
    response = evidence_client.get(url.format(long=long))
    assert response.status_code == 422
    assert long[:100] not in response.text  # 30,000 characters came back in full, twice
    assert "X" * 60 + "… (30,000 characters)" in response.text

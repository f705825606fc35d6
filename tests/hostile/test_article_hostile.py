"""Hostile articles for ``cartatlas check-article`` and ``POST /api/check-article``: figures too
large for a decimal's default precision, numbers written with the separators of other
typographies, and files that are not UTF-8 text or not files at all."""

from __future__ import annotations

import json
import time

import pytest

from cartatlas.analyses.article.unread import UNREAD_REASON
from cartatlas.cli import app


def _claims(capsys, db: str, path) -> list[dict]:
    """The JSON Lines ``check-article`` writes for ``path``, after checking it exited 0."""
    try:
        app(["--db", db, "check-article", "--format", "json", str(path)])
    except SystemExit as exit_info:
        assert exit_info.code in (0, None), capsys.readouterr()
    output = capsys.readouterr()
    assert "unexpected" not in output.err, output.err
    return [json.loads(line) for line in output.out.splitlines()]


def test_a_price_beyond_28_digits_gets_a_verdict(capsys, evidence_store, tmp_path) -> None:
    """A price of 53 nines crashed ('IndexError … unexpected': 1e+53 has no decimal point to
    count after; then decimal.InvalidOperation quantizing it to 28 digits)."""
    path = tmp_path / "huge.txt"
    path.write_text("In the US, Yescarta costs $" + "9" * 53 + ".\n")
    [claim] = _claims(capsys, evidence_store, path)
    assert claim["metric"] == "price_usd" and claim["verdict"] == "contradicted"


def test_a_claims_file_with_a_huge_price_gets_a_verdict(capsys, evidence_store, tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_text(
        "source: {title: t}\nclaims:\n"
        "- {id: c, text: t, metric: price_usd, countries: [US], range: [1e20, 2e20]}\n"
    )
    app(["--db", evidence_store, "claims", "--format", "json", str(path)], standalone_mode=False)
    output = capsys.readouterr()
    [verdict] = json.loads(output.out)
    assert verdict["verdict"] == "contradicted", output


@pytest.mark.parametrize(
    "written, words, low",
    [
        ("$475\u2009000", "$475\u00a0000", 475000.0),  # thin space: read as $475
        ("$475\u202f000", "$475\u00a0000", 475000.0),  # narrow no-break space
        ("$475\u2007000", "$475\u00a0000", 475000.0),  # figure space
    ],
)
def test_thousands_grouped_by_thin_spaces_are_one_number(
    capsys, evidence_client, evidence_store, tmp_path, written, words, low
) -> None:
    text = f"In the US, Kymriah costs {written}.\n"
    path = tmp_path / "article.txt"
    path.write_text(text)
    [claim] = _claims(capsys, evidence_store, path)
    assert (claim["words"], claim["range"][0]) == (words, low)
    [api] = evidence_client.post("/api/check-article", json={"text": text}).json()["claims"]
    assert (api["words"], api["range"], api["verdict"]) == (
        claim["words"],
        claim["range"],
        claim["verdict"],
    )


def test_a_middle_dot_is_a_decimal_point(capsys, evidence_store, tmp_path) -> None:
    """The Lancet prints 58·3%; it was read as 3%."""
    path = tmp_path / "lancet.txt"
    path.write_text("In the US, the complete response rate of Yescarta in LBCL was 58·3%.\n")
    [claim] = _claims(capsys, evidence_store, path)
    assert claim["words"] == "58.3%" and claim["range"] == pytest.approx([58.25, 58.35])


ARTICLE = "In China, Carteyes costs ¥1,290,000 while in the US Yescarta costs $373,000.\n"


@pytest.fixture
def one_article_line(one_line, evidence_store):
    return lambda path: one_line(evidence_store, ["check-article", str(path)])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_a_file_marked_by_its_byte_order_is_read_in_its_encoding(
    capsys, evidence_store, tmp_path, encoding
) -> None:
    """Read as UTF-8 with replacement characters, a UTF-16 file ('Unicode' in Windows tools)
    lost the ¥ claim and checked its US price against another product (contradicted)."""
    path, plain = tmp_path / "article.txt", tmp_path / "plain.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    plain.write_text(ARTICLE, "utf-8")
    claims = _claims(capsys, evidence_store, path)
    assert [c["words"] for c in claims] == ["¥1,290,000", "$373,000"]
    assert claims == _claims(capsys, evidence_store, plain)


@pytest.mark.parametrize(
    "name, data, message",
    [
        # Read with a replacement character for '¥', the claim silently vanished.
        (
            "latin1.txt",
            ARTICLE.encode("latin-1"),
            "not UTF-8 text (byte 0xA5 at line 1, column 26); re-save it as UTF-8 (it may be "
            "Latin-1 or Windows-1252)",
        ),
        (
            "paper.pdf",
            b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary",
            "binary data, not text (a PDF, Word file or image?); save the article as text, "
            "Markdown or HTML",
        ),
    ],
)
def test_bytes_that_are_not_text_are_refused(one_article_line, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    assert one_article_line(path) == f"error {path}: {message}"


def test_what_is_not_an_article_file_says_what_to_give(one_article_line, tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b" \n")
    assert one_article_line(empty) == (
        f"error {empty}: empty; give a text, Markdown or saved HTML file holding the article"
    )
    assert one_article_line(tmp_path) == (
        f"error {tmp_path}: a folder, not a file; give a text, Markdown or saved HTML file"
    )
    url = "https://example.org/car-t.html"
    assert one_article_line(url) == (
        f"error {url}: no such file; to check a web page give --url {url}"
    )


def test_an_endless_input_stops_at_the_cap(one_article_line) -> None:
    """/dev/zero was read whole (memory without end) before its length was checked."""
    assert one_article_line("/dev/zero") == (
        "error /dev/zero: over 12 MB, longer than any article; check a part of it"
    )


def _post(client, body: bytes, content_type: str):
    return client.post("/api/check-article", content=body, headers={"content-type": content_type})


@pytest.mark.parametrize(
    "content_type, encoding",
    [("text/plain", "utf-16"), ("text/plain; charset=ISO-8859-1", "latin-1")],
)
def test_the_api_reads_a_body_in_its_charset(evidence_client, content_type, encoding) -> None:
    """A UTF-16 body, or one whose Content-Type names its charset, was refused as 'utf-8 codec
    can't decode byte 0xff in position 0: invalid start byte'."""
    answer = _post(evidence_client, ARTICLE.encode(encoding), content_type)
    assert answer.status_code == 200, answer.text
    assert [c["words"] for c in answer.json()["claims"]] == ["¥1,290,000", "$373,000"]


def test_the_api_names_the_byte_that_is_not_utf8(evidence_client) -> None:
    answer = _post(evidence_client, ARTICLE.encode("latin-1"), "text/plain")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == (
        "not an article: not UTF-8 text (byte 0xA5 at line 1, column 26); re-save it as UTF-8 "
        "(it may be Latin-1 or Windows-1252)"
    )


class _Pages:
    """Pages served on 127.0.0.1 for ``--url``: a Latin-1 page that names its charset, a PDF,
    and a page without end."""

    def __enter__(self) -> str:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self.send_response(200)
                if self.path == "/latin1":
                    self.send_header("Content-Type", "text/plain; charset=iso-8859-1")
                    self.end_headers()
                    self.wfile.write(ARTICLE.encode("latin-1"))
                elif self.path == "/pdf":
                    self.send_header("Content-Type", "application/pdf")
                    self.end_headers()
                    self.wfile.write(b"%PDF-1.7\n\x00\x01\xff\xfe")
                else:
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    try:
                        while True:
                            self.wfile.write(b"CAR-T " * 100_000)
                    except OSError:  # the client stopped reading
                        pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_page_is_read_in_its_charset_and_within_the_cap(capsys, one_line, evidence_store) -> None:
    """A page was read whole whatever its length (one without end filled the memory), and
    decoded by httpx's guess."""
    with _Pages() as site:
        args = ["check-article", "--format", "json", "--url", f"{site}/latin1"]
        app(["--db", evidence_store, *args], standalone_mode=False)
        words = [json.loads(line)["words"] for line in capsys.readouterr().out.splitlines()]
        assert words == ["¥1,290,000", "$373,000"]
        assert one_line(evidence_store, ["check-article", "--url", f"{site}/pdf"]) == (
            f"error {site}/pdf: binary data, not text (a PDF, Word file or image?); save the "
            "article as text, Markdown or HTML"
        )
        assert one_line(evidence_store, ["check-article", "--url", f"{site}/endless"]) == (
            f"error {site}/endless: over 12 MB, longer than any article; save the part to "
            "check and pass the file instead"
        )


@pytest.mark.parametrize(
    "sentence, words, low_high",
    [
        # price-parser read the dot as grouping: 1,125,000,000 USD.
        ("In the US, Yescarta costs $1.125 million.", "$1.125 million", [1125000.0, 1125000.0]),
        # ... and a range's first amount then borrowed "million": 373,000,000,000 USD.
        (
            "In the US, Yescarta costs between $373,000 and $1.125 million.",
            "between $373,000 and $1.125 million",
            [373000.0, 1125000.0],
        ),
        # The cents were read as a price of 89 euros.
        ("In Germany, Kymriah costs 1.234.567,89 Euro.", "1,234,567.89 Euro", [1234567.89] * 2),
        ("In Germany, Kymriah costs 320.000 €.", "320.000 €", [320000.0, 320000.0]),
        # German price style: read as €1.200.
        ("In Germany, Yescarta costs € 1.200.000,-.", "€ 1,200,000", [1200000.0, 1200000.0]),
        # A decimal comma: read as 3%.
        ("In the US, the CR rate of Yescarta in LBCL was 58,3%.", "58.3%", [58.25, 58.35]),
        # A zero-width space inside the number: read as 200 centres.
        (
            "China has 3\u200b200 CAR-T treatment centres.",
            "3200 CAR-T treatment centres",
            [3200.0] * 2,
        ),
    ],
)
def test_a_figure_is_read_whole_as_written(
    capsys, evidence_client, evidence_store, tmp_path, sentence, words, low_high
) -> None:
    path = tmp_path / "article.txt"
    path.write_text(sentence + "\n")
    [claim] = _claims(capsys, evidence_store, path)
    assert claim["words"] == words and claim["range"] == pytest.approx(low_high)
    [api] = evidence_client.post("/api/check-article", json={"text": sentence}).json()["claims"]
    assert (api["words"], api["range"]) == (claim["words"], claim["range"])


@pytest.mark.parametrize(
    "sentence",
    [
        "In China, often clinical trials are run by hospitals.",  # "ten clinical trials"
        "In the US, patients visit weight centres and cancer centres.",  # "eight centres"
        "China has many COVID-19 clinical trials.",  # 19 trials
        "China has 1e400 CAR-T treatment centres.",  # 400 centres
        "In the US, the CR rate of Yescarta in LBCL was 1e400%.",  # 400%
    ],
)
def test_a_number_inside_a_word_or_another_number_is_no_claim(
    capsys, evidence_store, tmp_path, sentence
) -> None:
    path = tmp_path / "article.txt"
    path.write_text(sentence + "\n")
    assert _claims(capsys, evidence_store, path) == []


def test_a_negative_count_is_not_read_as_a_positive_one(capsys, evidence_store, tmp_path) -> None:
    """ "over -5 centres" was checked as exactly 5 centres, "−60 centres" as 60."""
    sentence = "China has over -5 CAR-T treatment centres and the US has −60 centres."
    path = tmp_path / "article.txt"
    path.write_text(sentence + "\n")
    [claim] = _claims(capsys, evidence_store, path)
    assert (claim["words"], claim["verdict"], claim["metric"]) == (sentence, "not checkable", None)


def test_direction_marks_never_reach_an_output(capsys, evidence_store, tmp_path) -> None:
    """A right-to-left override showed "002" as 200 on every page the claim is printed on."""
    path = tmp_path / "article.txt"
    path.write_text("China has \u202e002 CAR-T treatment \u200fcentres.\n")
    app(
        ["--db", evidence_store, "check-article", "--format", "html", str(path)],
        standalone_mode=False,
    )
    page = capsys.readouterr().out
    assert "\u202e" not in page and "\u200f" not in page and "002 CAR-T treatment centres" in page


@pytest.mark.parametrize(
    "article, reason",
    [
        # price-parser is quadratic in a number's length: 100 s for these 100,000 digits.
        (
            "In the US, Yescarta costs $" + "9" * 100_000 + ".",
            "the figure has more than 64 characters, more than any price, rate or count is "
            "printed with; not read",
        ),
        # Each of 25,000 groups was read to the end of the run, then backtracked: 9 minutes.
        ("In the US, Yescarta costs $1" + "\u2009000" * 25_000 + ".", UNREAD_REASON),
        ("China has 1" + ",000" * 25_000 + " CAR-T treatment centres.", UNREAD_REASON),
    ],
    ids=["digits", "thin-space groups", "comma groups"],
)
def test_an_endless_figure_is_not_read_and_answers_at_once(evidence_client, article, reason):
    started = time.perf_counter()
    answer = evidence_client.post("/api/check-article", json={"text": article})
    assert time.perf_counter() - started < 30, "quadratic again"
    [claim] = answer.json()["claims"]
    assert (claim["verdict"], claim["reason"]) == ("not checkable", reason)

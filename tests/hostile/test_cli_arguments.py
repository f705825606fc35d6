"""Odd arguments a careless user gives: every one is a single error line naming the option, what
is wrong and what to give instead (the nearest valid value where there is one), exit 2, and it
is refused before any work is done — never a traceback, a silently ignored option, a wrong
"no data", or an hour of computation ending on a path that cannot be written."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
import typer

from cartatlas.cli_inputs import writing
from cartatlas.stats.rma import METHODS, TESTS

PROC = Path("/proc/cartatlas-cannot-write-here")  # exists on Linux; no file can be made in it


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text("In China, 58% of patients had a complete response.\n")
    return path


@pytest.fixture
def plain_file(tmp_path) -> Path:
    path = tmp_path / "plain"
    path.write_text("not a folder")
    return path


def test_an_output_file_that_is_a_folder(one_line, tmp_path, article) -> None:
    db = str(tmp_path / "unused.duckdb")  # refused before the store is opened
    assert one_line(db, ["landscape", "--csv", str(tmp_path)]) == (
        f"error --csv {tmp_path}: is a folder; give a file name, e.g. "
        f"--csv {tmp_path / 'landscape.csv'}"
    )
    assert one_line(db, ["meta", "--indication", "LBCL", "--forest", str(tmp_path)]) == (
        f"error --forest {tmp_path}: is a folder; give a file name, e.g. "
        f"--forest {tmp_path / 'forest.svg'}"
    )
    assert one_line(
        db, ["check-article", str(article), "--format", "md", "--out", str(tmp_path)]
    ) == (
        f"error --out {tmp_path}: is a folder; give a file name, e.g. "
        f"--out {tmp_path / 'claims.md'}"
    )
    assert not Path(db).exists()


def test_an_output_under_a_file(one_line, tmp_path, plain_file) -> None:
    target = plain_file / "sub" / "t.parquet"
    assert one_line(str(tmp_path / "s.duckdb"), ["landscape", "--parquet", str(target)]) == (
        f"error --parquet {target}: {plain_file} is a file, not a folder; choose another path"
    )


def test_a_report_folder_that_is_a_file(one_line, tmp_path, plain_file) -> None:
    assert one_line(str(tmp_path / "s.duckdb"), ["report", "--out", str(plain_file)]) == (
        f"error --out {plain_file}: is a file; give a folder (it receives several files), e.g. "
        f"--out {plain_file}-report"
    )
    assert plain_file.read_text() == "not a folder"


def test_a_figure_type_matplotlib_cannot_draw(one_line, tmp_path) -> None:
    target = tmp_path / "fig.txt"
    assert one_line(str(tmp_path / "s.duckdb"), ["landscape", "--figure", str(target)]) == (
        f"error --figure {target}: cannot draw a figure as '.txt'; end the name with .png, "
        f".svg, .pdf, e.g. --figure {tmp_path / 'fig.png'}"
    )


def test_a_write_the_system_refuses(one_line, evidence_store, article) -> None:
    target = PROC / "claims.txt"
    assert one_line(evidence_store, ["check-article", str(article), "--out", str(target)]) == (
        f"error --out {target}: cannot write (No such file or directory); choose a path in a "
        "folder you can write to"
    )


def test_writing_turns_any_os_refusal_into_one_line(tmp_path, capsys) -> None:
    target = tmp_path / "new" / "out.csv"
    with pytest.raises(typer.Exit) as exit_info, writing(target, "--csv"):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert exit_info.value.exit_code == 2
    assert capsys.readouterr().err.strip() == (
        f"error --csv {target}: cannot write (No space left on device); choose a path in a "
        "folder you can write to"
    )
    assert target.parent.is_dir()  # missing folders are made, as report --out always did


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["landscape", "--by", "year,year"],
            "'year,year' names a dimension twice; name each once",
        ),
        (["report", "--format", ""], "formats [''] unknown (use html, pdf, md)"),
    ],
)
def test_usage_errors(tmp_path, capsys, args, message) -> None:
    from cartatlas.cli import app

    with pytest.raises(SystemExit) as exit_info:
        app(["--db", str(tmp_path / "s.duckdb"), *args])
    assert exit_info.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ["--method", "FOO"],
            f"error method='FOO' is not one of GLMM, {', '.join(METHODS)} (or FE/EE); "
            "e.g. --method REML --test knha",
        ),
        (
            ["--method", "reml", "--test", "q"],
            f"error test='q' is not one of {', '.join(TESTS)}; e.g. --method REML --test q",
        ),
        (
            ["--test", "knha"],
            "error --test knha needs --method (the default, GLMM with REML + Knapp–Hartung if it "
            "fails, chooses its own test); e.g. --method REML --test knha",
        ),
        (
            ["--method", "glmm", "--test", "knha"],
            "error --method GLMM has no Knapp–Hartung or t form; use --test z or omit it",
        ),
        (
            ["--endpoint", "CRX"],
            "error unknown endpoint 'CRX'; did you mean 'CR'?; valid: CR, CRS_3plus, CRS_any, "
            "ICANS_3plus, ICANS_any, ORR",
        ),
    ],
)
def test_meta_model_options_are_checked_first(one_line, tmp_path, args, line) -> None:
    """A misspelt --method answered "no data" (exit 0); --test without --method was ignored."""
    db = str(tmp_path / "unused.duckdb")
    assert one_line(db, ["meta", "--indication", "LBCL", *args]) == line
    assert not Path(db).exists()


def test_meta_endpoint_in_any_case(evidence_store, capsys) -> None:
    from cartatlas.cli import app

    for endpoint in ("cr", "CR"):
        with pytest.raises(SystemExit) as exit_info:
            app(["--db", evidence_store, "meta", "--indication", "lbcl", "--endpoint", endpoint])
        assert exit_info.value.code == 0
        assert "complete response, LBCL, by country of conduct" in capsys.readouterr().out


def test_durability_indication_in_any_case_and_a_miss_suggests(
    one_line, evidence_store, capsys
) -> None:
    """``--indication lbcl`` answered "no data" although LBCL has survival rows."""
    from cartatlas.cli import app

    outputs = []
    for indication in ("LBCL", "lbcl"):
        with pytest.raises(SystemExit) as exit_info:
            app(
                [
                    "--db",
                    evidence_store,
                    "durability",
                    "--indication",
                    indication,
                    "--format",
                    "csv",
                ]
            )
        assert exit_info.value.code == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and outputs[0].count("\n") > 3
    assert one_line(evidence_store, ["durability", "--indication", "LBLC"]) == (
        "error unknown indication 'LBLC'; did you mean 'LBCL'?; valid: B-ALL, CLL, FL, LBCL, "
        "MCL, MM, MZL, gastric"
    )


def test_same_product_reads_countries_like_every_command(one_line, evidence_store, capsys) -> None:
    """``--countries CN US`` was a usage error, ``--countries China`` became a country 'CHINA'
    with "no data", and 'ZZ' was printed as a country."""
    from cartatlas.cli import app

    answers = []
    for countries in (["CN", "US"], ["China", "USA"], ["cn,us"]):
        with pytest.raises(SystemExit) as exit_info:
            app(["--db", evidence_store, "same-product", "--product", "cilta-cel",
                 "--format", "csv", "--countries", *countries])  # fmt: skip
        assert exit_info.value.code == 0
        answers.append(capsys.readouterr().out)
    assert answers[0] == answers[1] == answers[2]
    assert {row.split(",")[3] for row in answers[0].splitlines()[1:]} == {"CN", "US"}
    assert one_line(
        evidence_store, ["same-product", "--product", "cilta-cel", "--countries", "ZZ", "CN"]
    ) == (
        "error unknown country 'ZZ' (give an ISO code such as CN or US, an English name or a "
        "Chinese name)"
    )


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ["sync", "--base-url", "notaurl"],
            "error --base-url (or $CARTATLAS_CTGOV_URL) 'notaurl' is not a web address (http:// "
            "or https:// and a host); the API's is https://clinicaltrials.gov/api/v2",
        ),
        (
            ["sync", "--rate", "nan"],
            "error --rate must be a positive number of requests per second, not nan; e.g. --rate 1",
        ),
    ],
)
def test_sync_settings_are_checked_before_any_request(one_line, tmp_path, args, line) -> None:
    """'notaurl' was retried with back-off for minutes in silence; --rate nan turned the
    throttle off."""
    assert one_line(str(tmp_path / "s.duckdb"), args) == line


def _gold(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gold.csv"
    path.write_bytes(text.encode("latin-1"))
    return path


HEADER = "nct_id,is_car,targets,cell_type,cell_source,in_vivo,disease_area,sponsor_type,countries"


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "The CR rate was 58%.\n",
            ": not a hand-label file: no column nct_id, is_car, targets, cell_type, "
            "cell_source, in_vivo, disease_area, sponsor_type, countries; its first line must "
            "name the columns",
        ),
        (HEADER + "\n", ": has the columns but no hand-labelled trial; add rows"),
        (
            HEADER + "\nNCT02210780,false,,,,False,LBCL,industry,US\n",
            ", line 2: is_car: 'false' is not True or False; did you mean 'False'?",
        ),
        (HEADER + "\nNCT02210780,Tru\xe9", ": not valid UTF-8 (byte 0xe9 at offset"),
    ],
    ids=["prose", "header only", "not a boolean", "not UTF-8"],
)
def test_classify_evaluate_refuses_a_file_it_cannot_score(
    one_line, tmp_path, text, message
) -> None:
    """An article given as the hand-label file scored "precision 1.0" on nothing; 'false' was
    read as False, 'yes' too."""
    gold = _gold(tmp_path, text)
    line = one_line(str(tmp_path / "s.duckdb"), ["classify", "--evaluate", str(gold)])
    assert line.startswith(f"error {gold}{message}"), line


def test_trial_without_enrollment_or_start_date(tmp_path, capsys, monkeypatch) -> None:
    """A record that states no enrollment ended ``cartatlas trial`` with "TypeError: boolean
    value of NA is ambiguous (unexpected …)" (the enrollment column's missing value is pd.NA)."""
    import json

    from cartatlas.cli import app
    from cartatlas.registries.ctgov_files import import_file
    from cartatlas.store import open_store
    from tests.registries.conftest import FIXTURES

    study = json.loads((FIXTURES / "NCT02210780.json").read_text())
    study["protocolSection"]["designModule"].pop("enrollmentInfo", None)
    study["protocolSection"]["statusModule"].pop("startDateStruct", None)
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(study))
    db = str(tmp_path / "s.duckdb")
    with open_store(db) as store:
        import_file(store, path)
    monkeypatch.delenv("CARTATLAS_DEBUG", raising=False)
    for args in (["trial", "nct02210780"], ["trial", "NCT02210780", "--format", "json"]):
        with pytest.raises(SystemExit) as exit_info:
            app(["--db", db, *args])
        captured = capsys.readouterr()
        assert exit_info.value.code == 0, captured.err
        assert "unexpected" not in captured.err
    shown = json.loads(captured.out)
    assert shown["trial_id"] == "NCT02210780"
    assert shown["enrollment"] is None and shown["start_date"] is None


@pytest.mark.parametrize(
    "given, message",
    [
        ("2999-01-01", "--snapshot-date 2999-01-01 is after today ({today}): a snapshot cannot "
         "have been exported in the future; give the day the file was exported"),
        ("2026-02-30", "--snapshot-date '2026-02-30' is not a date; give the day the file was "
         "exported as YYYY-MM-DD, e.g. {today}"),
        ("yesterday", "--snapshot-date 'yesterday' is not a date; give the day the file was "
         "exported as YYYY-MM-DD, e.g. {today}"),
    ],
)  # fmt: skip
def test_a_snapshot_date_that_is_no_past_day(one_line, tmp_path, given, message) -> None:
    """Each was stored as the snapshot's date, as given."""
    from datetime import UTC, datetime

    from tests.registries.conftest import FIXTURES

    today = datetime.now(UTC).date().isoformat()
    study = str(FIXTURES / "NCT02210780.json")
    line = one_line(str(tmp_path / "s.duckdb"), ["import", study, "--snapshot-date", given])
    assert line == "error " + message.format(today=today)


def test_iso_alpha_3_codes_name_their_country() -> None:
    """'CHN' was refused with "did you mean 'HN' (Honduras) or 'CN' or 'CH'"."""
    from cartatlas.inputs import InputError, countries, country

    assert [country(c) for c in ("CHN", "usa", "GBR", "deu")] == ["CN", "US", "GB", "DE"]
    assert countries(["CHN", "USA"]) == ["CN", "US"]
    with pytest.raises(InputError, match="given twice"):
        countries(["CN", "chn"])
    with pytest.raises(InputError, match="unknown country 'XYZ'"):
        country("XYZ")


def test_aact_unreachable_is_one_line_without_the_password(one_line, tmp_path) -> None:
    url = "postgresql://postgres:s3cret@127.0.0.1:1/aact"
    line = one_line(str(tmp_path / "s.duckdb"), ["import-aact", "--url", url])
    assert line.startswith(
        "error cannot connect to the AACT database postgresql://postgres:***@127.0.0.1:1/aact ("
    )
    assert "s3cret" not in line and line.endswith(
        "check that the server is running and that the host, port, user, password and database "
        "in --url are right (postgresql://user@host:5432/aact)"
    )


@pytest.mark.parametrize(
    "command, wanted",
    [
        ("import", "give the path of a .json, .jsonl(.gz) or .zip file"),
        ("import-ictrp", "give the .xml or .csv the ICTRP portal exported"),
    ],
)
def test_an_import_of_a_folder_says_so(one_line, tmp_path, command, wanted) -> None:
    """A folder was "no such file"."""
    folder = tmp_path / "exports"
    folder.mkdir()
    line = one_line(str(tmp_path / "s.duckdb"), [command, str(folder)])
    assert line == f"error {folder}: a folder, not a file; {wanted}"

"""``cartatlas import``: every accepted file shape, rejections, and snapshot replacement."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from cartatlas.registries.ctgov_files import import_file, selection_and_date
from cartatlas.registries.ingest import LoadError
from cartatlas.store.registry_read import changes, current_studies, sites, snapshot_info

from .conftest import AUTOIMMUNE_NEW, FIXTURES, ONCOLOGY_NEW, ONCOLOGY_OLD, nct_ids, read_jsonl
from .helpers import assert_same_content


def _raw_site_count(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return sum(
            len(
                json.loads(line)["protocolSection"]
                .get("contactsLocationsModule", {})
                .get("locations", [])
            )
            for line in handle
        )


def test_selection_and_date_from_file_name() -> None:
    assert selection_and_date(Path("cart-oncology-2026-08-22.jsonl.gz")) == (
        "cart-oncology",
        "2026-08-22",
    )
    assert selection_and_date(Path("my_export_20250101.zip")) == ("my_export", "2025-01-01")
    assert selection_and_date(Path("NCT00763412.json")) == ("NCT00763412", None)


def test_snapshot_counts(store) -> None:
    report = import_file(store, ONCOLOGY_NEW)
    assert report.studies == 2274
    # Every location entry of the file is one site (the data README's 11,474 does not match
    # the file, which holds 8,197 location entries; see docs/registries.md).
    assert report.sites == _raw_site_count(ONCOLOGY_NEW) == 8197
    assert report.rejected == [] and report.warnings == []
    assert len(current_studies(store)) == 2274
    assert len(sites(store)) == 8197


def test_newer_snapshot_replaces_older_and_records_changes(stores) -> None:
    both = stores.open()
    import_file(both, ONCOLOGY_OLD)
    report = import_file(both, ONCOLOGY_NEW)
    fresh = stores.open()
    import_file(fresh, ONCOLOGY_NEW)
    assert_same_content(both, fresh)

    old_ids, new_ids = nct_ids(ONCOLOGY_OLD), nct_ids(ONCOLOGY_NEW)
    log = changes(both, report.run_id)
    by_kind = {k: {key.split(":")[1] for key in g["study_key"]} for k, g in log.groupby("change")}
    assert by_kind["added"] == new_ids - old_ids
    assert by_kind["removed"] == old_ids - new_ids
    assert by_kind["updated"] and by_kind["updated"] <= old_ids & new_ids
    assert (report.added, report.removed) == (len(new_ids - old_ids), len(old_ids - new_ids))
    # Removed trials are kept (marked), not deleted.
    removed = next(iter(by_kind["removed"]))
    assert both.execute("SELECT count(*) FROM reg_study WHERE trial_id = ?", (removed,))[0][0] == 1


def test_two_selections_sharing_trials_keep_both(store) -> None:
    import_file(store, ONCOLOGY_NEW)
    import_file(store, AUTOIMMUNE_NEW)
    studies = current_studies(store)
    assert len(studies) == 2274 + 315 - 2
    shared = studies[[len(s) == 2 for s in studies["selections"]]]
    assert len(shared) == 2
    info = snapshot_info(store)
    assert list(info["selection"]) == ["cart-autoimmune", "cart-oncology"]
    assert set(info["snapshot_date"]) == {"2026-08-22"}


def test_every_file_shape_loads_the_same_studies(tmp_path: Path, stores) -> None:
    studies = [json.loads(p.read_text()) for p in sorted(FIXTURES.glob("NCT*.json"))]
    single = tmp_path / "one.json"
    single.write_text(json.dumps(studies[1], indent=2))
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": studies, "nextPageToken": "x"}))
    lines = tmp_path / "studies.jsonl"
    lines.write_text("\n".join(json.dumps(s) for s in studies) + "\n")
    gz = tmp_path / "studies.jsonl.gz"
    gz.write_bytes(gzip.compress(lines.read_bytes()))
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in sorted(FIXTURES.glob("NCT*.json")):
            z.write(p, f"fixtures/{p.name}")
    reference = None
    for path in (page, lines, gz, archive):
        store = stores.open()
        report = import_file(store, path, selection="fixtures")
        assert (report.studies, len(report.rejected)) == (12, 0), path
        frame = current_studies(store).drop(columns=["selections"])
        reference = frame if reference is None else reference
        assert frame.equals(reference), path
    store = stores.open()
    assert import_file(store, single).studies == 1
    record = current_studies(store).iloc[0]
    assert record["trial_id"] == "NCT00763412"
    assert (record["start_date"], record["start_date_precision"]) == ("2006-11", "month")
    assert record["enrollment"] == 31


def test_malformed_records_are_reported_and_skipped(tmp_path: Path, store) -> None:
    good = [json.dumps(s) + "\n" for s in read_jsonl(ONCOLOGY_NEW)[:5]]
    bad_enrollment = json.loads(good[1])
    bad_enrollment["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": "forty"}
    no_id = json.loads(good[2])
    del no_id["protocolSection"]["identificationModule"]["nctId"]
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "".join(
            [
                good[0],
                json.dumps(bad_enrollment) + "\n",
                "{not json\n",
                json.dumps(no_id) + "\n",
                good[3],
                good[3],
                good[4],
            ]
        )
    )
    report = import_file(store, path)
    assert report.studies == 3
    found = {(r.location, r.field) for r in report.rejected}
    assert found == {
        ("mixed.jsonl line 2", "protocolSection.designModule.enrollmentInfo.count"),
        ("mixed.jsonl line 3", "(line)"),
        ("mixed.jsonl line 4", "protocolSection.identificationModule.nctId"),
        ("mixed.jsonl line 6", "trial ID"),
    }
    stored = store.execute("SELECT count(*) FROM reg_run_issue WHERE kind = 'rejected'")[0][0]
    assert stored == 4


def test_a_file_without_any_study_changes_nothing(tmp_path: Path, store) -> None:
    import_file(store, ONCOLOGY_NEW, selection="x")
    path = tmp_path / "x.json"
    path.write_text('{"unrelated": true')
    with pytest.raises(LoadError, match="no study could be loaded"):
        import_file(store, path, selection="x")
    assert len(current_studies(store)) == 2274

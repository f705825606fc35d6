"""Fuzzing the record path every import shares (read → parse → checks before the store): real
records with random bytes changed, or with random JSON put in place of a field. Each one either
loads or is rejected with a location, a field and a message — nothing ever raises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartatlas.registries.ctgov_files import parse_entry, read_entries
from cartatlas.registries.record import RecordError
from cartatlas.store.registry_batch import prepare_batch

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
HOSTILE = st.sampled_from(
    [2**80, 2**63, 2**31, -(2**70), "\ud800", "x\udfffy", "a\x00b", float("inf"), 1e308, True]
)
JSON = st.recursive(
    HOSTILE
    | st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text()
    # lone surrogates, NUL and the other control characters too
    | st.text(st.characters(exclude_categories=()) | st.sampled_from("\x00\ud800\udfff")),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


# Fields stored as typed columns: where a value out of the store's range or encoding would bite.
STORED = [
    ("protocolSection", "designModule", "enrollmentInfo", "count"),
    ("protocolSection", "identificationModule", "briefTitle"),
    ("protocolSection", "identificationModule", "nctId"),
    ("protocolSection", "conditionsModule", "conditions"),
    ("protocolSection", "statusModule", "overallStatus"),
]


def _outcome(path: Path) -> list[str]:
    """What the import would do with each record of ``path``: "loaded" or "rejected"."""
    outcomes = []
    for location, text in read_entries(path):
        batch = prepare_batch([parse_entry(location, text)])
        for where, error in batch.errors:
            assert isinstance(error, RecordError) and where and error.field and error.message
            outcomes.append("rejected")
        outcomes += ["loaded"] * len(batch)
    return outcomes


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON value (dict keys and list indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(
        value.get(path[0], {}) if isinstance(value, dict) else value[path[0]], path[1:], new
    )
    return copy


@SETTINGS
@given(data=st.data())
def test_byte_mutations_load_or_reject_never_raise(real_lines, tmp_path, data) -> None:
    line = bytearray(data.draw(st.sampled_from(real_lines)).encode())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(line) - 1))
        kind = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        byte = data.draw(st.integers(0, 255))
        if kind == "flip":
            line[at] = byte
        elif kind == "insert":
            line.insert(at, byte)
        else:
            del line[at]
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(bytes(line) + b"\n")
    assert set(_outcome(path)) <= {"loaded", "rejected"}


@SETTINGS
@given(data=st.data())
def test_random_json_in_any_field_loads_or_rejects_never_raises(real_lines, tmp_path, data):
    study = json.loads(data.draw(st.sampled_from(real_lines)))
    paths = _paths(study)
    read = [p for p in paths if p[:1] == ("protocolSection",) and len(p) <= 4]  # parsed fields
    target = data.draw(st.sampled_from(STORED) | st.sampled_from(read) | st.sampled_from(paths))
    mutated = _replace(study, target, data.draw(JSON))
    text = json.dumps(mutated, ensure_ascii=data.draw(st.booleans()), allow_nan=True)
    path = tmp_path / "fuzz.jsonl"
    path.write_text(text.replace("\n", "\\n") + "\n", "utf-8", errors="surrogatepass")
    outcome = _outcome(path)
    assert len(outcome) == 1 and outcome[0] in ("loaded", "rejected")

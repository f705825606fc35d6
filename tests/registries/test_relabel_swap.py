"""The import's relabel step on both backends: labels are committed a batch at a time to
``trial_labels_next`` (no transaction holds them all) and replace ``trial_labels`` in one
transaction, so readers never see a partial set."""

from __future__ import annotations

import pandas as pd
import pytest

import cartatlas.classify.store as label_store
from cartatlas.classify.labels import COLUMNS, classify
from cartatlas.classify.sources import read_store
from cartatlas.registries.ictrp import import_ictrp

from .conftest import ICTRP_FIXTURES


def _expected(store) -> pd.DataFrame:
    """The labels computed straight from the records, without the table."""
    rows = sorted(classify(record).row() for record in read_store(store))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype(str)


def test_relabel_in_batches_swaps_whole(store, monkeypatch) -> None:
    import_ictrp(store, ICTRP_FIXTURES / "ictrp-car-handmade.xml")
    monkeypatch.setattr(label_store, "WRITE_BATCH", 1)
    assert label_store.relabel(store, "first") == 4
    stored = label_store.labels_frame(store)
    pd.testing.assert_frame_equal(stored.astype(str), _expected(store))
    assert label_store.labels_current(store)
    assert store.execute(f"SELECT count(*) FROM {label_store.NEXT_TABLE}")[0][0] == 0

    def dies_after_two():
        records = read_store(store)
        yield classify(next(records))
        yield classify(next(records))
        raise RuntimeError("killed mid-relabel")

    with pytest.raises(RuntimeError):
        label_store.write_labels(store, dies_after_two(), "second")
    pd.testing.assert_frame_equal(label_store.labels_frame(store), stored)  # old labels kept
    assert label_store.labels_current(store)
    assert label_store.relabel(store, "third") == 4  # leftovers of the killed one are cleared
    pd.testing.assert_frame_equal(label_store.labels_frame(store), stored)

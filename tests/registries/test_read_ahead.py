"""read_ahead yields what it is given, in order; a producer's error reaches the consumer; a
consumer that stops early stops the producer."""

from __future__ import annotations

import threading
import time

import pytest

from cartatlas.registries.read_ahead import read_ahead


def test_yields_every_item_in_order() -> None:
    assert list(read_ahead(iter(range(50)))) == list(range(50))
    assert list(read_ahead(iter([]))) == []


def test_an_error_while_producing_is_raised_where_items_are_consumed() -> None:
    def items():
        yield 1
        raise ValueError("bad batch")

    consumed = []
    with pytest.raises(ValueError, match="bad batch"):
        for item in read_ahead(items()):
            consumed.append(item)
    assert consumed == [1]


def test_stopping_early_stops_the_producer() -> None:
    produced = []

    def items():
        for n in range(1000):
            produced.append(n)
            yield n

    ahead = read_ahead(items(), depth=1)
    assert next(ahead) == 0
    ahead.close()
    time.sleep(0.3)
    assert len(produced) <= 3  # one consumed, one waiting, one being offered
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]

"""The process memo and the response cache: values built once, dropped when the data change;
answers kept per URL, errors and the health check never kept."""

from __future__ import annotations

import threading
import time

from cartatlas.store import open_store
from cartatlas.web.cache import Memo, fingerprint, query_key


def test_memo_builds_once_under_concurrency_and_drops_on_change(tmp_path):
    with open_store(str(tmp_path / "s.duckdb")) as store:
        store.execute("CREATE TABLE evidence_products (product_id TEXT)")
        memo = Memo(recheck=0)
        calls = []

        def build():
            calls.append(1)
            time.sleep(0.05)
            return "value"

        def read(cursor_store):
            assert memo.get(cursor_store, "k", build) == "value"

        threads = []
        for _ in range(8):
            # each thread its own DuckDB cursor, as each request has
            cursor_store = type(store)(store.connection.cursor(), "duckdb", store.target)
            threads.append(threading.Thread(target=read, args=(cursor_store,)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(calls) == 1
        before = fingerprint(store)
        store.execute("INSERT INTO evidence_products VALUES ('x')")
        assert fingerprint(store) != before
        memo.get(store, "k", build)
        assert len(calls) == 2


def test_memo_keeps_the_most_recent_values():
    memo = Memo(size=2)
    for key in "abc":
        memo.put(key, key.upper())
    assert memo.peek("a") is None and memo.peek("c") == "C"


def test_repeated_api_answers_are_identical_and_errors_are_not_kept(client):
    first = client.get("/api/approvals", params={"country": "US"})
    second = client.get("/api/approvals", params={"country": "US"})
    assert first.content == second.content
    assert second.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/products/nothing-here").status_code == 404
    assert client.get("/api/products/nothing-here").status_code == 404
    assert client.get("/api/health").json() == {"status": "ok", "store": "duckdb"}


def test_kept_answers_tell_the_order_of_repeated_parameters_apart(client):
    """``countries=CN&countries=US`` and ``countries=US&countries=CN`` order the answer
    differently; the kept answer of one must not answer the other (it did: the key sorted
    whole parameters). Parameters of different names are still one question in any order."""
    path = "/api/meta/same-product?product=cilta-cel&countries="
    assert client.get(path + "CN&countries=US").json()["countries"] == ["CN", "US"]
    assert client.get(path + "US&countries=CN").json()["countries"] == ["US", "CN"]
    assert query_key(b"b=1&a=2&a=1") == query_key(b"a=2&b=1&a=1") == (b"a=2", b"a=1", b"b=1")

"""Pages answered on the event loop when their data is kept, in a worker thread when it must
be built (web/loop.py), with the same answer either way."""

from __future__ import annotations

import asyncio
import threading

import pytest

from cartatlas.web import loop, pages


def test_an_endpoint_runs_on_the_loop_unless_it_must_build():
    kept: set[str] = set()
    threads: list[str] = []

    def page(key: str) -> str:
        threads.append(threading.current_thread().name)
        if key not in kept:
            loop.building()
            kept.add(key)
        return f"page {key}"

    async def run() -> list[str]:
        endpoint = loop.on_loop_when_kept(page)
        return [await endpoint("a"), await endpoint("a"), await endpoint(key="b")]

    assert asyncio.run(run()) == ["page a", "page a", "page b"]
    main = threading.current_thread().name
    # a: stopped on the loop, built in a thread; then kept: on the loop. b: the same, by keyword.
    assert threads[0] == main and threads[1] != main
    assert threads[2] == main
    assert threads[3] == main and threads[4] != main
    loop.building()  # outside an endpoint on the loop it does nothing


def test_other_errors_of_an_endpoint_on_the_loop_reach_the_caller():
    def page() -> str:
        raise LookupError("no such page")

    with pytest.raises(LookupError, match="no such page"):
        asyncio.run(loop.on_loop_when_kept(page)())


def _on_the_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def rendered_on_loop(monkeypatch) -> list[bool]:
    """For each page rendered from now on: whether it was rendered on the event loop."""
    seen: list[bool] = []
    render = pages.render

    def recorded(*args, **kwargs):
        seen.append(_on_the_loop())
        return render(*args, **kwargs)

    monkeypatch.setattr(pages, "render", recorded)
    return seen


@pytest.mark.parametrize(
    "path",
    [
        "/q/types?a=CN&b=DE",
        "/?a=US&b=CN&c=DE",
        "/trials?condition=lymphoma&country=China&age=60&searched=true",
        "/trials?condition=myeloma%20bcma&searched=true",
        "/products",
        "/meta?indication=MM&endpoint=CR",
    ],
)
def test_a_kept_page_is_answered_on_the_loop_with_the_same_html(
    client, monkeypatch, rendered_on_loop, path
):
    # No check of the data falls due meanwhile (it reads the store, so it goes to a thread).
    monkeypatch.setattr(client.app.state.memo, "recheck", 3600.0)
    built = client.get(path)  # built now in a worker thread, or kept by an earlier test
    rendered_on_loop.clear()
    first, again = client.get(path), client.get(path)
    assert built.status_code == first.status_code == again.status_code == 200
    assert first.text == again.text == built.text
    assert rendered_on_loop == [True, True]


def test_a_page_that_must_be_built_is_answered_in_a_worker_thread(client, rendered_on_loop):
    # A product asked by a name no other test uses: its page data is built on this request.
    response = client.get("/products/Axi-Cel")
    assert response.status_code == 200
    assert rendered_on_loop == [False]

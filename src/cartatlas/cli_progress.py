"""The one progress bar every long command shows on standard error (report, classify, import,
sync, kb load, landscape --figure), so nothing runs for a minute in silence."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cartatlas.output import console

#: advance(count=1, total=None, step=None): move on by ``count``, set the total once known,
#: and name the step now running.
Advance = Callable[..., None]


@contextmanager
def progress_bar(label: str, total: int | None = None) -> Iterator[Advance]:
    """A bar on stderr that disappears when done (the command's own summary line stays)."""
    from rich.progress import (  # here, not at start-up: `cartatlas --help` needs no bar
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),  # a file name is not markup
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(count: int = 1, total: int | None = None, step: str | None = None) -> None:
            description = f"{label}: {step}" if step else None
            bar.update(task, advance=count, total=total, description=description)

        yield advance


def steps(advance: Advance, extra: int = 0) -> Callable[[str, int], None]:
    """A ``progress(step, steps)`` callback for code that announces each step as it starts;
    ``extra`` steps follow that the caller reports itself (``advance(step=…)``)."""
    started = False

    def progress(step: str, total: int) -> None:
        nonlocal started
        advance(1 if started else 0, None if started else total + extra, step)
        started = True

    return progress

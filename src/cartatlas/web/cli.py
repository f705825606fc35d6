"""``cartatlas serve``: the dashboard and API over the store chosen by ``--db``."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cartatlas.store import StoreMissing, open_store
from cartatlas.store.connection import ENV_VAR


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to bind; the default serves this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each classifies the trials once).")
    ] = 1,
) -> None:
    """Serve the web dashboard and the JSON API (OpenAPI at /docs), read-only."""
    import uvicorn

    from cartatlas.cli import db_target
    from cartatlas.store.connection import shown_url
    from cartatlas.web.app import create_app
    from cartatlas.web.params import DEFAULT_COUNTRIES
    from cartatlas.web.stored import missing

    db = db_target(ctx)
    try:
        with open_store(db, read_only=True) as store:
            version, lacking = missing(store, list(DEFAULT_COUNTRIES))
        app = create_app(db, warm=workers == 1, keep=(version, lacking) if lacking else None)
    except StoreMissing as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if lacking:
        typer.echo(
            f"cartatlas: {len(lacking)} dashboard frames and pages are not stored for this data "
            "yet; "
            + (
                "they are built in the background while the server answers, and kept in the "
                "store when it stops"
                if workers == 1
                else "each worker builds a page on its first request (serve once with one "
                "worker to keep them in the store)"
            )
        )
    typer.echo(f"cartatlas: serving {shown_url(db)} at http://{host}:{port}/ (API docs at /docs)")
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    # Several processes need an import string: each worker builds its own app from the store
    # that $CARTATLAS_DB names.
    app.state.hub.close()
    os.environ[ENV_VAR] = db
    uvicorn.run(
        "cartatlas.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

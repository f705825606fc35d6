"""``python -m cartatlas``: the same command line as the ``cartatlas`` script."""

from cartatlas.cli import app

app(prog_name="cartatlas")

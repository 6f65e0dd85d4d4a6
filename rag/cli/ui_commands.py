"""``rag ui``: serve the web app (see :mod:`rag.ui`)."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.cli._app import app
from rag.cli._common import CollectionOption, err_console, settings_from_cli

_Host = Annotated[
    str | None,
    typer.Option("--host", help="Address to listen on (default 127.0.0.1).", show_default=False),
]
_Port = Annotated[
    int | None, typer.Option("--port", "-p", help="Port (default 7860).", show_default=False)
]


@app.command("ui")
def ui(host: _Host = None, port: _Port = None, collection: CollectionOption = None) -> None:
    """Start the web app: chat with sources, upload files, choose collection and scope."""
    from rag.ui import build_app, launch

    settings = settings_from_cli(ui={"host": host, "port": port}, store={"collection": collection})
    err_console.print(
        f"Web UI on [bold]http://{settings.ui.host}:{settings.ui.port}[/] (Ctrl+C to stop)",
        highlight=False,
    )
    launch(build_app(settings), settings, quiet=True)

"""The Typer application every command module registers on, and its root options."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from rag.cli._common import err_console, quiet_third_party, state

__all__ = ["app"]

app = typer.Typer(
    name="rag",
    help="Offline document chatbot: ingest files, then ask questions with cited answers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

@app.callback()
def _root(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="TOML or YAML settings file.", envvar="RAG_CONFIG"),
    ] = None,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose", "-v", count=True, help="More logs, and other libraries' progress bars."
        ),
    ] = 0,
) -> None:
    from rag.models import ensure_offline

    ensure_offline()
    if not verbose:
        quiet_third_party()
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    from rich.logging import RichHandler

    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
    )
    state.config_file = config

"""The ``rag`` command line: the only code, with the UI, that talks to people.

Each group of commands lives in its own module and registers itself on
:data:`app`; :func:`main` turns every :class:`rag.errors.RagError` into one
clear line on stderr and a non-zero exit, never a traceback. Command lines
that cannot work (a path that does not exist, an invalid option, a question
too long, a ``--source`` matching no file) exit with code 2 before any model
loads. Piped, tables become tab-separated lines (see
:func:`rag.cli._common.print_table`); other libraries' progress bars and load
messages are off unless ``--verbose``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from rag.cli._common import err_console, print_error, quiet_third_party, state
from rag.errors import RagError

__all__ = ["app", "main"]

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

def _register() -> None:
    # Imported for their side effect: each module adds its commands to `app`.
    from rag.cli import (  # noqa: F401
        ask_commands,
        eval_commands,
        ingest_commands,
        tune_commands,
        ui_commands,
    )

def main(argv: list[str] | None = None) -> None:
    """Run the CLI; errors become one line on stderr and exit code 1."""
    _register()
    try:
        app(args=argv, standalone_mode=True)
    except RagError as exc:
        print_error(str(exc))
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)

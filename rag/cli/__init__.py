"""The ``rag`` command line: the only code, with the UI, that talks to people.

Each group of commands lives in its own module and registers itself on
:data:`app`; :func:`main` turns every :class:`rag.errors.RagError` into one
clear line on stderr and a non-zero exit, never a traceback. Command lines
that cannot work (a path that does not exist, an invalid option, a question
too long, a ``--source`` matching no file) exit with code 2 before any model
loads. Piped, tables become tab-separated lines (see
:func:`rag.cli._common.print_table`); other libraries' progress bars and load
messages are off unless ``--verbose``.

What lives here: :func:`main`; the application and its root options
(:mod:`~rag.cli._app`); shared options and printing (:mod:`~rag.cli._common`);
one module per group of commands. May import everything: the CLI sits on top.
"""

from __future__ import annotations

import sys

from rag.cli._app import app
from rag.cli._common import err_console, print_error
from rag.errors import RagError

__all__ = ["app", "main"]


def _register() -> None:
    # Imported for their side effect: each module adds its commands to `app`.
    from rag.cli import (  # noqa: F401
        ask_commands,
        eval_commands,
        ingest_commands,
        models_commands,
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

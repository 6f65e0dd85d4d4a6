"""Shared pieces of the CLI: consoles, global options, settings loading, output forms."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from rag.errors import ConfigError
from rag.settings import Settings, load_settings

__all__ = [
    "CollectionOption",
    "JsonOption",
    "console",
    "err_console",
    "note",
    "print_error",
    "print_json",
    "print_table",
    "quiet_third_party",
    "settings_from_cli",
    "state",
    "usage_error",
]

console = Console()
err_console = Console(stderr=True)

CollectionOption = Annotated[
    str | None,
    typer.Option("--collection", help="Collection to use (default from settings).", show_default=False),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print a JSON report on stdout instead of a table.")
]

_QUIET_ENV = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TQDM_DISABLE": "1",
}
_NOISY_LOGGERS = ("transformers", "sentence_transformers", "huggingface_hub", "chromadb", "httpx")


@dataclass
class _State:
    config_file: Path | None = None


state = _State()


def quiet_third_party() -> None:
    """Silence other libraries' progress bars and load messages.

    The CLI calls it before the first import of ``transformers``,
    ``huggingface_hub`` or ``tqdm``, which read these variables at import
    time; variables the user set are kept. llama.cpp's load log is off
    already (:func:`rag.models.make_llm` passes ``verbose=False``).
    """
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def settings_from_cli(**sections: dict[str, Any] | None) -> Settings:
    """Load settings, applying the command's options as section overrides.

    Args:
        **sections: Section name to the fields the command line set, for
            example ``store={"collection": "papers"}``; None values are dropped.

    Returns:
        The validated settings.

    Raises:
        ConfigError: When the environment or config file holds an invalid value.
        typer.Exit: With code 2 when an option's value is invalid (said on stderr).
    """
    base = load_settings(state.config_file)
    try:
        return base.with_overrides(**{name: values or {} for name, values in sections.items()})
    except ConfigError as exc:  # the settings were fine without the options
        usage_error(str(exc))


def print_error(message: str) -> None:
    """Print ``error: message`` as one line on stderr, however long (no wrapping).

    Args:
        message: Plain text (not markup).
    """
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def usage_error(message: str) -> NoReturn:
    """Refuse the command line as a usage error: one line on stderr, exit code 2.

    Args:
        message: What is wrong, naming the value.

    Raises:
        typer.Exit: Always, with code 2.
    """
    print_error(message)
    raise typer.Exit(2)


def note(text: str) -> None:
    """Print a remark (totals, hints): on stdout on a terminal, else on stderr.

    Piped or redirected, stdout holds only the rows of :func:`print_table`.

    Args:
        text: Rich markup.
    """
    target = console if console.is_terminal else err_console
    target.print(text, highlight=False, soft_wrap=not target.is_terminal)


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[str | Text]],
    *,
    title: str | None = None,
    right: Collection[str] = (),
    fold: Collection[str] = (),
) -> None:
    """Print rows as a table on a terminal, as tab-separated lines otherwise.

    On a terminal, a Rich table (paths fold onto more lines rather than being
    cut). Piped or redirected, one line per row: whole values
    separated by tabs, without header, colour or truncation, so ``grep`` and
    ``cut -f`` work (tabs and newlines inside values are escaped).

    Args:
        columns: The column headers.
        rows: The cells, plain strings or styled :class:`rich.text.Text`.
        title: The table's title on a terminal (pass it to :func:`note` too
            if it matters when piped).
        right: Columns aligned to the right.
        fold: Columns whose long values fold rather than end in an ellipsis.
    """
    if not console.is_terminal:
        for row in rows:
            typer.echo("\t".join(_field(cell) for cell in row))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(
            column,
            justify="right" if column in right else "left",
            overflow="fold" if column in fold else "ellipsis",
        )
    for row in rows:
        table.add_row(*(cell if isinstance(cell, Text) else Text(cell) for cell in row))
    console.print(table)


def _field(cell: str | Text) -> str:
    text = cell.plain if isinstance(cell, Text) else cell
    return text.replace("\t", "\\t").replace("\n", "\\n")


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (dates and paths as strings).

    Args:
        data: Anything :func:`json.dumps` takes, plus ``datetime`` and ``Path``.
    """
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_jsonable))


def _jsonable(value: Any) -> str:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)

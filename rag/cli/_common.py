"""Shared pieces of the CLI: consoles, global options, settings loading."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from rich.console import Console

from rag.settings import Settings, load_settings

__all__ = ["CollectionOption", "console", "err_console", "settings_from_cli", "state"]

console = Console()
err_console = Console(stderr=True)

CollectionOption = Annotated[
    str | None,
    typer.Option("--collection", help="Collection to use (default from settings).", show_default=False),
]


@dataclass
class _State:
    config_file: Path | None = None


state = _State()


def settings_from_cli(**sections: dict[str, Any] | None) -> Settings:
    """Load settings, applying the command's options as section overrides.

    Args:
        **sections: Section name to the fields the command line set, for
            example ``store={"collection": "papers"}``; None values are dropped.

    Returns:
        The validated settings.
    """
    overrides = {}
    base = load_settings(state.config_file)
    for name, values in sections.items():
        values = {k: v for k, v in (values or {}).items() if v is not None}
        if values:
            merged = getattr(base, name).model_dump() | values
            overrides[name] = merged
    if not overrides:
        return base
    return base.model_copy(update={k: type(getattr(base, k))(**v) for k, v in overrides.items()})

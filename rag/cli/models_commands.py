"""``rag models``: list, pull, use and remove the chat and embedding models.

``pull`` is the only command of the project that goes online (to the
Hugging Face Hub, or ``$HF_ENDPOINT``); ``use`` writes the setting into the
config file (``--config``, ``$RAG_CONFIG`` or ``./rag.toml``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from rag.cli._app import app
from rag.cli._common import (
    JsonOption,
    err_console,
    note,
    print_json,
    print_table,
    settings_from_cli,
    state,
    usage_error,
)
from rag.errors import ModelError

if TYPE_CHECKING:
    from rag.models.catalogue import CatalogueEntry
    from rag.models.hub import Progress
    from rag.models.installed import InstalledModel
    from rag.settings import Settings

__all__ = ["list_command", "models_app", "pull_command", "remove_command", "use_command"]

models_app = typer.Typer(
    name="models",
    help="Chat and embedding models: list them, pull one from the Hugging Face Hub, use it.",
    no_args_is_help=True,
)
app.add_typer(models_app, name="models")

_COLUMNS = ("name", "kind", "status", "size", "ram", "licence", "for")


@models_app.command("list")
def list_command(json_output: JsonOption = False) -> None:
    """The recommended and installed models: size, memory, licence, which are in use."""
    settings = settings_from_cli()
    rows = _rows(settings)
    if json_output:
        print_json(rows)
        return
    print_table([c.upper() for c in _COLUMNS],
                ([str(row[c]) for c in _COLUMNS] for row in rows),
                title="Models", right={"SIZE", "RAM"}, fold={"FOR"})
    note("pull one: [bold]rag models pull NAME[/]; then [bold]rag models use NAME[/]")


@models_app.command("pull")
def pull_command(
    name: Annotated[str, typer.Argument(
        help="A recommended model's short name (rag models list), or a Hub repository OWNER/NAME.",
        show_default=False)],
    file: Annotated[str | None, typer.Option(
        "--file", help="The GGUF file to fetch from repository NAME (a chat model).",
        show_default=False)] = None,
    revision: Annotated[str | None, typer.Option(
        "--revision", help="Branch, tag or commit of the repository (default: main).",
        show_default=False)] = None,
) -> None:
    """Download a model from the Hugging Face Hub, checked against the Hub's sha256."""
    from rag.models.catalogue import catalogue, catalogue_entry
    from rag.models.hub import pull
    from rag.models.installed import models_folder, record_pull

    entry = catalogue_entry(name)
    if entry is not None and file is not None:
        usage_error(f"--file goes with a repository OWNER/NAME, not the short name {name!r}")
    if entry is not None and entry.bundled:
        note(f"{entry.name} is bundled: installed with the package, nothing to pull")
        return
    if entry is None and "/" not in name:
        names = ", ".join(e.name for e in catalogue() if not e.bundled)
        usage_error(f"unknown model {name!r}: pull one of {names}, or a Hub repository "
                    "OWNER/NAME (with --file FILE.gguf for a chat model)")
    repo, filename = (entry.repo, entry.file) if entry else (name, file)
    root = models_folder(settings_from_cli())
    with _progress_bar() as progress:
        pulled = pull(repo, root, filename=filename, revision=revision, progress=progress)
    model = record_pull(root, pulled)
    done = "pulled" if pulled.downloaded else "already in place, verified:"
    note(f"{done} {escape(model.name)} ({_size(model.size)}) in {escape(str(model.path))}")
    note(f"use it: [bold]rag models use {escape(model.name)}[/]")


@models_app.command("use")
def use_command(
    name: Annotated[str, typer.Argument(
        help="An installed model (rag models list), or a bundled one.", show_default=False)],
) -> None:
    """Make a model the one in use: writes the setting into the config file."""
    from rag.models.catalogue import catalogue_entry
    from rag.models.installed import (
        find_installed,
        models_folder,
        settings_for,
        verify_installed,
    )
    from rag.settings import BUNDLED
    from rag.settings.writer import config_target, shadowing_env, write_settings

    settings = settings_from_cli()
    entry = catalogue_entry(name)
    if entry is not None and entry.bundled:
        kind, label, values = entry.kind, entry.name, settings_for(entry.kind, BUNDLED)
    else:
        model = find_installed(models_folder(settings), name)
        if model is None:
            hint = (f"pull it first: rag models pull {name}" if entry or "/" in name
                    else "see rag models list")
            raise ModelError(f"model {name!r} is not installed; {hint}")
        verify_installed(model)
        kind, label, values = model.kind, model.name, settings_for(model.kind, model.path)
    target = config_target(state.config_file)
    write_settings(target, values)
    note(f"{escape(label)} is now the {kind} model (written to {escape(str(target))})")
    for variable in shadowing_env(values):
        err_console.print(f"warning: {variable} is set and wins over the config file; "
                          "unset it to use this model", highlight=False, soft_wrap=True)
    if kind == "embedding":
        note("collections built with another embedding model must be re-indexed: "
             "[bold]rag ingest --reindex PATH[/] (until then they refuse questions)")


@models_app.command("remove")
def remove_command(
    name: Annotated[str, typer.Argument(help="An installed model.", show_default=False)],
    force: Annotated[bool, typer.Option(
        "--force", help="Remove it even when the settings use it.")] = False,
) -> None:
    """Delete a pulled model's files."""
    from rag.models.catalogue import catalogue_entry
    from rag.models.installed import find_installed, models_folder, remove_installed, uses

    settings = settings_from_cli()
    entry = catalogue_entry(name)
    if entry is not None and entry.bundled:
        usage_error(f"{entry.name} is bundled: it comes with the package and cannot be removed")
    root = models_folder(settings)
    model = find_installed(root, name)
    if model is None:
        raise ModelError(f"model {name!r} is not installed (see rag models list)")
    if uses(settings, model.kind, model.path) and not force:
        raise ModelError(f"{model.name} is in use; switch first (rag models use ANOTHER) "
                         "or remove it anyway with --force")
    remove_installed(root, model)
    note(f"removed {escape(model.name)} ({_size(model.size)} freed)")


def _rows(settings: Settings) -> list[dict[str, str]]:
    """One row per recommended model, then per other installed model."""
    from rag.models.catalogue import catalogue
    from rag.models.installed import installed_models, models_folder

    installed = installed_models(models_folder(settings))
    rows = []
    for entry in catalogue():
        model = None if entry.bundled else next(
            (m for m in installed if entry.matches(m.repo, m.file)), None)
        if model is not None:
            installed.remove(model)
        rows.append(_row(settings, entry, model))
    rows.extend(_row(settings, None, model) for model in installed)
    return rows


def _row(
    settings: Settings, entry: CatalogueEntry | None, model: InstalledModel | None
) -> dict[str, str]:
    """A model's row: a catalogue entry, its installed copy, or both."""
    from rag.models.installed import uses
    from rag.settings import BUNDLED

    if entry is not None and entry.bundled:
        status = "in use" if uses(settings, entry.kind, BUNDLED) else "bundled"
        size = _bundled_size(entry.kind)
    elif model is not None:
        status = "in use" if uses(settings, model.kind, model.path) else "installed"
        size = _size(model.size)
    else:
        status, size = "available", f"~{_size(entry.size_mb * 1_000_000)}"  # type: ignore[union-attr]
    return {
        "name": entry.name if entry else model.name,  # type: ignore[union-attr]
        "kind": entry.kind if entry else model.kind,  # type: ignore[union-attr]
        "status": status,
        "size": size,
        "ram": f"{entry.ram_gb:g} GB" if entry else f"~{model.size * 1.5 / 1e9 + 0.2:.1f} GB",  # type: ignore[union-attr]
        "licence": entry.licence if entry else "?",
        "for": entry.purpose if entry else f"pulled from {model.repo}",  # type: ignore[union-attr]
        "path": str(model.path) if model else "",
    }


def _bundled_size(kind: str) -> str:
    """The bundled model's size on disk, or ``missing`` when its package is not installed."""
    from rag.models import BUNDLED_EMBEDDING, BUNDLED_LLM

    try:
        path = (BUNDLED_LLM if kind == "chat" else BUNDLED_EMBEDDING).locate()
    except ModelError:
        return "missing"
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return _size(sum(p.stat().st_size for p in files))


def _size(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A Rich bar per file (bytes, speed, time left), on a terminal."""
    if not err_console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )
    from rich.progress import Progress as Bar

    bar = Bar(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
              TransferSpeedColumn(), TimeRemainingColumn(), console=err_console)
    tasks: dict[str, int] = {}

    def update(name: str, done: int, total: int | None) -> None:
        if name not in tasks:
            tasks[name] = bar.add_task(escape(name), total=total)
        bar.update(tasks[name], completed=done, total=total)

    with bar:
        yield update

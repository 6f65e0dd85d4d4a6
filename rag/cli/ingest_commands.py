"""``rag ingest``, ``rag sources`` and ``rag forget``: the index's contents from the shell."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from rag.cli import app
from rag.cli._common import CollectionOption, console, settings_from_cli

if TYPE_CHECKING:
    from ingest import IngestReport, ProgressCallback, ProgressUpdate

__all__ = ["forget_command", "ingest_command", "print_report", "sources_command"]

_STYLE = {
    "added": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "deleted": "magenta",
    "skipped": "yellow",
    "failed": "bold red",
}
_MAX_ROWS = 30


@contextmanager
def _progress_bar() -> Iterator[ProgressCallback | None]:
    """A Rich progress bar on a terminal (files, chunks, chunks/s, ETA); nothing otherwise."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]ingest"),
        BarColumn(),
        TextColumn("{task.fields[files]} files"),
        TextColumn("{task.fields[chunks]} chunks"),
        TextColumn("{task.fields[rate]:.1f} chunks/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("ingest", total=None, files="0/0", chunks=0, rate=0.0)

    def update(snapshot: ProgressUpdate) -> None:
        bar.update(
            task,
            total=snapshot.bytes_total or snapshot.files_total or None,
            completed=snapshot.bytes_done if snapshot.bytes_total else snapshot.files_done,
            files=f"{snapshot.files_done}/{snapshot.files_total}",
            chunks=snapshot.chunks_written,
            rate=snapshot.chunks_per_s,
        )

    with bar:
        yield update


def print_report(report: IngestReport) -> None:
    """Print the per-file table (everything but unchanged files) and the totals."""
    rows = [e for e in report.entries if e.status != "unchanged"]
    problems = [e for e in rows if e.status in ("skipped", "failed")]
    others = [e for e in rows if e.status not in ("skipped", "failed")]
    shown = problems + others[:_MAX_ROWS]
    if shown:
        table = Table(title="dry run: nothing written" if report.dry_run else None)
        for column in ("status", "file", "pages", "chunks", "reason"):
            table.add_column(column, justify="right" if column in ("pages", "chunks") else "left")
        for entry in shown:
            style = _STYLE[entry.status]
            table.add_row(
                f"[{style}]{entry.status}[/]",
                entry.source,
                str(entry.pages or ""),
                str(entry.chunks or ""),
                entry.reason,
            )
        console.print(table)
        if len(others) > _MAX_ROWS:
            console.print(f"... and {len(others) - _MAX_ROWS} more added/updated/deleted files")
    counts = ", ".join(
        f"[{_STYLE[status]}]{n} {status}[/]" for status, n in report.counts.items() if n
    )
    console.print(f"files: {counts or 'none'}")
    line = (
        f"chunks: {report.chunks_written} written, {report.chunks_unchanged} unchanged, "
        f"{report.chunks_deleted} deleted; {report.elapsed_s:.1f} s"
    )
    if report.chunks_written:
        line += f" ({report.chunks_per_s:.1f} chunks/s)"
    console.print(line)
    if report.empty_pages:
        console.print(
            f"[yellow]{report.empty_pages} page(s) without extractable text "
            "(scanned images? run OCR first)[/]"
        )


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (recursive).")],
    include: Annotated[
        list[str] | None, typer.Option("--include", help="Only files matching this glob.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Leave out files matching this glob.")
    ] = None,
    collection: CollectionOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove indexed files under PATH that are gone.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    reindex: Annotated[
        bool,
        typer.Option("--reindex", help="Drop the collection first (after a model/chunk change)."),
    ] = False,
    password: Annotated[
        str | None, typer.Option("--password", help="Password for encrypted PDFs.")
    ] = None,
) -> None:
    """Add new and changed files to the index; unchanged files are skipped."""
    from ingest import ingest_paths

    settings = settings_from_cli(store={"collection": collection})
    with _progress_bar() as progress:
        report = ingest_paths(
            paths,
            settings,
            include=include or (),
            exclude=exclude or (),
            prune=prune,
            dry_run=dry_run,
            reindex=reindex,
            password=password,
            progress=progress,
        )
    print_report(report)
    if not report.ok:
        raise typer.Exit(1)


@app.command("sources")
def sources_command(collection: CollectionOption = None) -> None:
    """List the indexed files: pages, chunks, pages without text, when."""
    from rag.index import open_ledger

    settings = settings_from_cli(store={"collection": collection})
    ledger = open_ledger(settings)
    try:
        records = ledger.all()
    finally:
        ledger.engine.dispose()
    if not records:
        console.print(f"collection {settings.store.collection!r} has no ingested files")
        return
    table = Table(title=f"collection {settings.store.collection!r}")
    for column in ("file", "pages", "chunks", "empty pages", "ingested"):
        table.add_column(column, justify="left" if column in ("file", "ingested") else "right")
    for record in records:
        table.add_row(
            record.source,
            str(record.pages),
            str(record.chunks),
            str(record.empty_pages or ""),
            record.ingested_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)
    total = sum(r.chunks for r in records)
    console.print(f"{len(records)} files, {total} chunks")


@app.command("forget")
def forget_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or document sources.")],
    collection: CollectionOption = None,
) -> None:
    """Remove files (or everything under folders) from the index."""
    from ingest import forget

    settings = settings_from_cli(store={"collection": collection})
    report = forget(paths, settings)
    print_report(report)

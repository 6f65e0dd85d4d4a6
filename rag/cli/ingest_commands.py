"""``rag ingest``, ``rag sources`` and ``rag forget``: the index's contents from the shell."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.text import Text

from rag.cli._app import app
from rag.cli._common import (
    CollectionOption,
    JsonOption,
    console,
    err_console,
    note,
    print_json,
    print_table,
    settings_from_cli,
    usage_error,
)

if TYPE_CHECKING:
    from ingest import FileEntry, IngestReport, ProgressCallback, ProgressUpdate

__all__ = [
    "forget_command",
    "ingest_command",
    "print_report",
    "report_data",
    "sources_command",
]

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
    """A Rich progress bar on stderr when it is a terminal (files, chunks, chunks/s, ETA)."""
    if not err_console.is_terminal:
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
        console=err_console,
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


def report_data(report: IngestReport) -> dict[str, Any]:
    """The report as JSON-ready data: every field of it and of each entry, and the totals.

    Args:
        report: An ingest or forget report.

    Returns:
        The report's fields (``entries`` last, each entry with all its
        fields), plus ``ok``, ``counts``, the page totals and ``chunks_per_s``.
    """
    data = asdict(report)
    entries = data.pop("entries")
    totals = {
        "ok": report.ok,
        "counts": report.counts,
        "empty_pages": report.empty_pages,
        "scanned_pages": report.scanned_pages,
        "ocr_pages": report.ocr_pages,
        "unreadable_pages": report.unreadable_pages,
        "chunks_per_s": round(report.chunks_per_s, 3),
    }
    return {**data, **totals, "entries": entries}


def print_report(report: IngestReport) -> None:
    """Print one row per file (all but unchanged ones), then the totals.

    On a terminal, a table of at most ``_MAX_ROWS`` added/updated/deleted
    files after every skipped or failed one; piped, every row as
    tab-separated ``status, file, pages, chunks, reason`` and the totals on
    stderr (see :func:`rag.cli._common.print_table`).
    """
    from ingest.discover import HIDDEN_FILE, HIDDEN_FOLDER

    rows = [e for e in report.entries if e.status != "unchanged"]
    problems = [e for e in rows if e.status in ("skipped", "failed")]
    others = [e for e in rows if e.status not in ("skipped", "failed")]
    limit = _MAX_ROWS if console.is_terminal else len(others)
    title = "dry run: nothing written" if report.dry_run else None
    if problems or others:
        print_table(
            ("status", "file", "pages", "chunks", "reason"),
            [_row(entry) for entry in problems + others[:limit]],
            title=title,
            right=("pages", "chunks"),
            fold=("file",),
        )
    if title and not console.is_terminal:
        note(title)
    if len(others) > limit:
        note(f"... and {len(others) - limit} more added/updated/deleted files")
    _print_warnings(report)
    hidden = sum(e.reason in (HIDDEN_FILE, HIDDEN_FOLDER) for e in problems)
    if hidden:
        note(f"[dim]{hidden} hidden file(s)/folder(s) left out; --include-hidden takes them[/]")
    _print_totals(report)


_MAX_WARNINGS = 3


def _print_warnings(report: IngestReport) -> None:
    """What the reading libraries warned about, under the file it concerns (a few per file)."""
    warned = [entry for entry in report.entries if entry.warnings]
    for entry in warned[:_MAX_ROWS]:
        more = len(entry.warnings) - _MAX_WARNINGS
        lines = [*entry.warnings[:_MAX_WARNINGS], *([f"... and {more} more"] if more > 0 else [])]
        note(f"[dim]warning: {escape(entry.source)}: {escape('; '.join(lines))}[/]")
    if len(warned) > _MAX_ROWS:
        note(f"[dim]... and {len(warned) - _MAX_ROWS} more files with warnings (--json lists them)[/]")


def _row(entry: FileEntry) -> tuple[Text, str, str, str, str]:
    return (
        Text(entry.status, style=_STYLE[entry.status]),
        entry.source,
        str(entry.pages or ""),
        str(entry.chunks or ""),
        entry.reason,
    )


def _print_totals(report: IngestReport) -> None:
    if report.rebuilt:
        note(f"[cyan]collection {report.collection!r} was made by an older version of the "
             "chunking: every file it lists was read again, so old and new chunks are "
             "never mixed[/]")
    counts = ", ".join(
        f"[{_STYLE[status]}]{n} {status}[/]" for status, n in report.counts.items() if n
    )
    note(f"files: {counts or 'none'}")
    line = (
        f"chunks: {report.chunks_written} written, {report.chunks_unchanged} unchanged, "
        f"{report.chunks_deleted} deleted; {report.elapsed_s:.1f} s"
    )
    if report.chunks_written:
        line += f" ({report.chunks_per_s:.1f} chunks/s)"
    note(line)
    if report.ocr_pages:
        note(f"{report.ocr_pages} page(s) read by OCR (see the reason column)")
    if report.scanned_pages:
        note(f"[yellow]{report.scanned_pages} page(s) show images but no text "
             "(scanned? OCR is off: ocr.enabled)[/]")
    if blank := report.empty_pages - report.scanned_pages:
        note(f"{blank} page(s) without text (blank, drawings or forms)")
    if report.unreadable_pages:
        note(f"[yellow]{report.unreadable_pages} page(s) unreadable (see the reason column)[/]")


def _check_paths(paths: list[Path], *, prune: bool) -> None:
    """Refuse paths that cannot be read (missing, a symlink loop or a broken link, a
    FIFO or a device), before any model loads (exit code 2).

    With ``--prune`` a path that no longer exists is fine: the files indexed
    under it are dropped.
    """
    from ingest.discover import MISSING, named_path_problem

    bad = []
    for path in paths:
        problem = named_path_problem(path.expanduser().absolute())
        if problem and not (prune and problem == MISSING):
            bad.append(f"{path}: {problem}")
    if bad:
        usage_error("cannot ingest " + "; ".join(bad))


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
    include_hidden: Annotated[
        bool,
        typer.Option(
            "--include-hidden", help="Also ingest hidden files and folders (names starting '.')."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Add new and changed files to the index; unchanged files are skipped.

    The report lists each file added, updated, deleted, skipped or failed,
    with the reason; unchanged files are only counted in the totals (--json
    lists them too). Hidden files and folders inside a folder are skipped
    (one line for a hidden folder) unless --include-hidden; files left out by
    --include/--exclude are not listed. Piped, each file is one
    tab-separated line: status, file, pages, chunks, reason.

    Exit codes: 0 done (skips with a reason included), 1 a file failed,
    2 a path that cannot be ingested (missing, a FIFO, a device, a symlink
    loop) or a bad option, refused before anything is read.
    """
    _check_paths(paths, prune=prune)
    from ingest import ingest_paths

    settings = settings_from_cli(store={"collection": collection})
    with _progress_bar() as progress:
        report = ingest_paths(
            paths,
            settings,
            include=include or (),
            exclude=exclude or (),
            include_hidden=include_hidden,
            prune=prune,
            dry_run=dry_run,
            reindex=reindex,
            password=password,
            progress=progress,
        )
    _show(report, as_json=as_json)
    if not report.ok:
        raise typer.Exit(1)


def _show(report: IngestReport, *, as_json: bool) -> None:
    if as_json:
        print_json(report_data(report))
    else:
        print_report(report)


@app.command("sources")
def sources_command(collection: CollectionOption = None, as_json: JsonOption = False) -> None:
    """List the indexed files: pages, chunks, pages without text, pages read by OCR, when.

    Piped, each file is one tab-separated line: file, pages, chunks, empty
    pages, OCR pages, ingested (and the totals go to stderr).
    """
    from ingest.pagestats import page_runs
    from rag.index import open_ledger

    settings = settings_from_cli(store={"collection": collection})
    ledger = open_ledger(settings)
    try:
        records = ledger.all()
    finally:
        ledger.engine.dispose()
    name = settings.store.collection
    if as_json:
        files = [asdict(record) for record in records]
        print_json({"collection": name, "chunks": sum(r.chunks for r in records), "files": files})
        return
    if not records:
        note(f"collection {name!r} has no ingested files")
        return
    print_table(
        ("file", "pages", "chunks", "empty pages", "OCR pages", "ingested"),
        [
            (
                record.source,
                str(record.pages),
                str(record.chunks),
                str(record.empty_pages or ""),
                page_runs(record.ocr_pages),
                record.ingested_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            )
            for record in records
        ],
        title=f"collection {name!r}",
        right=("pages", "chunks", "empty pages"),
        fold=("file",),
    )
    note(f"{len(records)} files, {sum(r.chunks for r in records)} chunks")


@app.command("forget")
def forget_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or document sources.")],
    collection: CollectionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Remove files (or everything under folders) from the index.

    Exit code 1 when a path is not indexed (it is listed as failed).
    """
    from ingest import forget

    settings = settings_from_cli(store={"collection": collection})
    report = forget(paths, settings)
    _show(report, as_json=as_json)
    if not report.ok:  # a path that is not indexed: nothing was done there
        raise typer.Exit(1)

"""The public entry points: ingest files, ingest documents, forget sources."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.attached import mail_of
from ingest.chunking import Chunker, make_chunker
from ingest.discover import MISSING, Discovery, discover
from ingest.jobs import document_batches, file_batches
from ingest.pipeline import Progress, Writer, run_pipeline
from ingest.readers import load_file
from ingest.readers.library_warnings import routed
from ingest.readers.ocr import OcrEngine, make_ocr
from ingest.rebuild import finish_rebuild, needs_rebuild, with_ledger_files
from ingest.report import FileEntry, IngestReport, ProgressCallback
from ingest.storage import check_writable, storage_errors
from rag.errors import ConfigError, IndexMismatchError
from rag.models.remote import INDEX_BACKENDS, remote_errors

if TYPE_CHECKING:
    from langchain_core.documents import Document

    from rag.index import FileRecord, Index
    from rag.settings import Settings

__all__ = ["NOT_INDEXED", "forget", "ingest_documents", "ingest_paths"]

logger = logging.getLogger(__name__)

NOT_INDEXED = "not indexed: nothing to forget (see rag sources)"
"""The reason of a path given to :func:`forget` that matches no indexed source."""


@contextmanager
def _ocr_engine(settings: Settings) -> Iterator[OcrEngine | None]:
    """The run's OCR engine (None when OCR is off), its threads stopped at the end."""
    engine = make_ocr(settings.ocr)
    try:
        yield engine
    finally:
        if engine is not None:
            engine.close()


@contextmanager
def _opened(
    settings: Settings | None, index: Index | None, *, reindex: bool = False, writing: bool = True
) -> Iterator[tuple[Settings, Index]]:
    from rag.index import drop_index, open_index
    from rag.settings import load_settings

    settings = settings or load_settings()
    if writing:
        check_writable(settings.store.path)
    with storage_errors(settings.store.path), remote_errors(INDEX_BACKENDS):
        if index is not None:
            if reindex:
                raise ConfigError("reindex drops and reopens the index: pass settings, not index")
            yield settings, index
            return
        if reindex:
            drop_index(settings)
        opened = open_index(settings)
        try:
            yield settings, opened
        finally:
            opened.close()


def _check_chunking(index: Index, *, dry_run: bool = False, rebuild: bool = False) -> bool:
    """Make sure new chunks will not be mixed with chunks cut or headed differently.

    Args:
        index: The opened index.
        dry_run: Change nothing.
        rebuild: The caller can rebuild the collection (see :mod:`ingest.rebuild`).

    Returns:
        True when the caller must rebuild: the collection holds chunks of an
        older header form, with today's chunk settings.

    Raises:
        IndexMismatchError: When the chunk settings changed, or the header
            form did and the caller cannot rebuild.
    """
    stored, wanted = index.manifest, index.wanted
    if not stored.chunking_differs(wanted):
        return False
    if index.count() == 0:  # nothing chunked yet: adopt the new settings
        if not dry_run:
            index.adopt_chunking()
        return False
    if rebuild and needs_rebuild(index):
        logger.info("collection %s was chunked by an older version: rebuilding it",
                    index.collection)
        return True
    if not stored.settings_differ(wanted):
        raise IndexMismatchError(
            f"collection {index.collection!r} was chunked by an older version (chunk "
            f"header form {stored.chunk_header}, now {wanted.chunk_header}): ingest its "
            "files again (rag ingest PATH rebuilds it) or re-index it (rag ingest --reindex PATH)"
        )
    raise IndexMismatchError(
        f"collection {index.collection!r} was chunked with {stored.chunk_size} tokens "
        f"(overlap {stored.chunk_overlap}) but the settings ask for {wanted.chunk_size} "
        f"(overlap {wanted.chunk_overlap}): re-index it (rag ingest --reindex PATH), "
        "use another collection, or restore the chunking settings"
    )


def _group_size(settings: Settings, group_size: int | None) -> int:
    return group_size or max(64, settings.embedding.batch_size * 16)


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    index: Index | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_hidden: bool = False,
    prune: bool = False,
    dry_run: bool = False,
    reindex: bool = False,
    password: str | None = None,
    progress: ProgressCallback | None = None,
    chunker: Chunker | None = None,
    group_size: int | None = None,
) -> IngestReport:
    """Bring files and folders into the index: new and changed files in, nothing twice.

    Unchanged files (same size and modification time, or same content hash)
    are skipped without being parsed; a changed file's chunks replace its old
    ones; files that cannot be ingested are reported with a reason and never
    touch what was indexed before. A collection whose chunks an older version
    made (another chunk header form) is rebuilt: see :mod:`ingest.rebuild`.
    Files are found first: when there are none to read (and nothing to prune
    or drop), the index is not opened at all, so no model loads and no data
    folder is created.

    Args:
        paths: Files and folders (walked recursively).
        settings: Defaults to :func:`rag.settings.load_settings`.
        index: An open index; defaults to ``open_index(settings)`` (closed after).
        include: Globs that files found in folders must match (any).
        exclude: Globs that files found in folders must not match.
        include_hidden: Also ingest hidden files and folders found in folders
            (otherwise each is reported as skipped).
        prune: Also remove indexed files under ``paths`` that no longer exist.
        dry_run: Report what would change, write nothing.
        reindex: Drop the collection first (needs ``index=None``); use after
            changing the embedding model or chunk settings.
        password: Tried on encrypted PDFs after the empty password.
        progress: Called with a :class:`ProgressUpdate` as files finish.
        chunker: Defaults to :func:`make_chunker` for the index's embedding model.
        group_size: Chunks embedded and written per call (default 16 embedding batches).

    Returns:
        The report: one entry per file, totals, time taken.

    Raises:
        IndexMismatchError: When the collection was built with other chunk
            settings or another embedding model (run again with ``reindex``).
        ConfigError: For ``reindex`` combined with ``dry_run`` or ``index``.
    """
    if reindex and dry_run:
        raise ConfigError("--reindex and --dry-run cannot be combined")
    started = time.perf_counter()
    found = discover(paths, include=include, exclude=exclude, include_hidden=include_hidden)
    if not (found.files or prune or reindex):
        return _nothing_to_read(found, settings, index, dry_run=dry_run, started=started)
    with (
        _opened(settings, index, reindex=reindex, writing=not dry_run) as (settings, index),
        nullcontext() if dry_run else index.writing(),
        _ocr_engine(settings) as ocr,
    ):
        rebuild = _check_chunking(index, dry_run=dry_run, rebuild=True)
        chunker = chunker or make_chunker(settings, index.embeddings)
        report = IngestReport(collection=index.collection, dry_run=dry_run, rebuilt=rebuild)
        if not dry_run:
            index.reconcile()
        ledger = {record.source: record for record in index.ledger.all()}
        files = with_ledger_files(found.files, ledger) if rebuild else found.files
        missing = _missing_paths(found) if prune else []
        report.entries.extend(e for e in found.problems if Path(e.source) not in missing)
        tracker = Progress(
            progress,
            files_total=len(files),
            bytes_total=sum(f.size for f in files),
        )
        writer = Writer(index, report, tracker, dry_run=dry_run)
        batches = file_batches(
            files,
            ledger,
            chunker,
            password=password,
            group_size=_group_size(settings, group_size),
            load=partial(load_file, ocr=ocr),
            reread=rebuild,
        )
        clock = index.clock()
        with routed():  # the readers' warnings go to their files' entries
            run_pipeline(batches, writer)
        if rebuild and not dry_run:
            removed = finish_rebuild(index, clock)
            report.entries.extend(removed)
            report.chunks_deleted += sum(entry.chunks for entry in removed)
        if prune:
            seen = {f.source for f in found.files}
            scope = [*found.roots, *missing]
            for record in _gone(ledger.values(), scope, seen):
                report.entries.append(_remove(index, record.source, record.chunks, dry_run, report))
    report.elapsed_s = time.perf_counter() - started
    return report


def _nothing_to_read(
    found: Discovery,
    settings: Settings | None,
    index: Index | None,
    *,
    dry_run: bool,
    started: float,
) -> IngestReport:
    """The report of a run that found no file: its problems only, the index untouched."""
    if index is not None:
        collection = index.collection
    else:
        from rag.settings import load_settings

        collection = (settings or load_settings()).store.collection
    report = IngestReport(entries=list(found.problems), collection=collection, dry_run=dry_run)
    report.elapsed_s = time.perf_counter() - started
    return report


def _missing_paths(found: Discovery) -> list[Path]:
    return [Path(e.source) for e in found.problems if e.reason == MISSING]


def _gone(records: Iterable[FileRecord], scope: list[Path], seen: set[str]) -> list[FileRecord]:
    gone = []
    for record in records:
        file = mail_of(record.source) or record.source  # an attachment goes with its mail
        path = Path(file)
        in_scope = any(path == root or path.is_relative_to(root) for root in scope)
        if in_scope and file not in seen and not path.is_file():
            gone.append(record)
    return gone


def _remove(
    index: Index, source: str, known_chunks: int, dry_run: bool, report: IngestReport
) -> FileEntry:
    if dry_run:
        return FileEntry(source, "deleted", "would be removed", chunks=known_chunks)
    removed = index.delete_source(source)
    index.ledger.remove([source])
    report.chunks_deleted += removed
    return FileEntry(source, "deleted", "", chunks=removed)


def ingest_documents(
    documents: Iterable[Document],
    settings: Settings | None = None,
    *,
    index: Index | None = None,
    progress: ProgressCallback | None = None,
    chunker: Chunker | None = None,
    group_size: int | None = None,
) -> IngestReport:
    """Index LangChain documents (each with ``metadata["source"]``), incrementally.

    All documents of one source are one unit: their chunks replace that
    source's previous chunks, and chunks already indexed are not embedded
    again (the record manager's hash check). Sources not passed are left alone.

    Args:
        documents: The documents; metadata values other than str, int, float
            and bool are stored as strings, None values dropped.
        settings: Defaults to :func:`rag.settings.load_settings`.
        index: An open index; defaults to ``open_index(settings)`` (closed after).
        progress: Called with a :class:`ProgressUpdate` as sources finish.
        chunker: Defaults to :func:`make_chunker` for the index's embedding model.
        group_size: Chunks embedded and written per call.

    Returns:
        The report, one entry per source.

    Raises:
        IngestError: When a document has no source.
        IndexMismatchError: When the collection was built with other chunk settings.
    """
    started = time.perf_counter()
    documents = list(documents)
    with _opened(settings, index) as (settings, index), index.writing():
        _check_chunking(index)
        chunker = chunker or make_chunker(settings, index.embeddings)
        report = IngestReport(collection=index.collection)
        index.reconcile()
        sources = {str(doc.metadata.get("source")) for doc in documents}
        tracker = Progress(progress, files_total=len(sources), bytes_total=0)
        batches = document_batches(documents, chunker, group_size=_group_size(settings, group_size))
        run_pipeline(batches, Writer(index, report, tracker, dry_run=False))
    report.elapsed_s = time.perf_counter() - started
    return report


def forget(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    index: Index | None = None,
) -> IngestReport:
    """Remove files, folders (everything indexed under them) or document sources.

    Args:
        paths: File paths, folder paths, or ``source`` ids of documents.
        settings: Defaults to :func:`rag.settings.load_settings`.
        index: An open index; defaults to ``open_index(settings)`` (closed after).

    Returns:
        The report: ``deleted`` entries, ``failed`` for paths not indexed (the
        report is then not ``ok``: nothing asked for was done there).
    """
    started = time.perf_counter()
    with _opened(settings, index) as (settings, index), index.writing():
        report = IngestReport(collection=index.collection)
        ledger = {record.source: record for record in index.ledger.all()}
        done: set[str] = set()
        for raw in paths:
            matched = _matching_sources(raw, ledger, index)
            if not matched:
                report.entries.append(FileEntry(str(raw), "failed", NOT_INDEXED))
            for source in matched - done:
                report.entries.append(_remove(index, source, 0, False, report))
            done |= matched
    report.elapsed_s = time.perf_counter() - started
    return report


def _matching_sources(
    raw: str | os.PathLike[str], ledger: dict[str, FileRecord], index: Index
) -> set[str]:
    path = Path(raw).expanduser().absolute()
    candidates = {str(raw), str(path)}
    try:
        candidates.add(str(path.resolve()))
    except OSError:
        pass
    roots = [Path(c) for c in candidates]
    matched = {
        source
        for source in ledger  # an attachment goes with its mail
        if any((path := Path(mail_of(source) or source)) == root or path.is_relative_to(root)
               for root in roots)
    }
    matched |= {c for c in candidates if c not in matched and index.source_keys(c)}
    return matched

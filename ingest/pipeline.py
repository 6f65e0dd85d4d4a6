"""The consumer side of the pipeline: batches into the index, and the thread that feeds it.

Three stages, each in its own thread, joined by bounded queues: a producer
reads and chunks files, an embedder computes the vectors of the chunks the
index does not hold yet, and the calling thread writes them. So embedding (the
bottleneck) waits neither for parsing nor for the writes and their disk
syncs. All writes go through the index (LangChain's indexing API) with whole files per
call; the ledger is written only after a file's chunks are in.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import functools
import logging
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ingest.attached import mail_of
from ingest.chunking import chunk_key
from ingest.items import Abort, Batch, Done, Drop, Part
from ingest.report import FileEntry, IngestReport, ProgressCallback, ProgressUpdate, Status
from rag.index import FileRecord, searchable_text

if TYPE_CHECKING:
    from rag.index import Index

__all__ = ["Progress", "Writer", "run_pipeline"]

logger = logging.getLogger(__name__)


class Progress:
    """Counts finished files and written chunks and tells the callback."""

    def __init__(
        self, callback: ProgressCallback | None, *, files_total: int, bytes_total: int
    ) -> None:
        self.callback = callback
        self.files_total = files_total
        self.bytes_total = bytes_total
        self.files_done = 0
        self.bytes_done = 0
        self.chunks_written = 0
        self.started = time.perf_counter()
        self.notify("")

    def file_done(self, size: int, source: str) -> None:
        """Count one finished file of ``size`` bytes."""
        self.files_done += 1
        self.bytes_done += size
        self.notify(source)

    def chunks(self, n: int, source: str = "") -> None:
        """Count ``n`` chunks written."""
        self.chunks_written += n
        if n:
            self.notify(source)

    def notify(self, source: str) -> None:
        """Send a snapshot to the callback, if any."""
        if self.callback is not None:
            self.callback(
                ProgressUpdate(
                    files_done=self.files_done,
                    files_total=self.files_total,
                    bytes_done=self.bytes_done,
                    bytes_total=self.bytes_total,
                    chunks_written=self.chunks_written,
                    elapsed_s=time.perf_counter() - self.started,
                    current=source,
                )
            )


@dataclass
class _Open:
    """A file being written in several parts."""

    started: float
    before: set[str]


class Writer:
    """Writes batches into the index and records what happened in the report.

    Args:
        index: The index to write.
        report: Receives one entry per file or source.
        progress: Counts files and chunks.
        dry_run: Decide and report, but write nothing.
    """

    def __init__(
        self, index: Index, report: IngestReport, progress: Progress, *, dry_run: bool
    ) -> None:
        self.index = index
        self.report = report
        self.progress = progress
        self.dry_run = dry_run
        self._open: dict[str, _Open] = {}
        self._finished: list[FileRecord] = []

    def embed(self, batch: Batch) -> Batch:
        """Compute the vectors of the batch's chunks that the index does not hold yet.

        Runs in the embedding stage, ahead of :meth:`write`, which hands the
        vectors to the store instead of embedding there. Chunks already
        indexed (same key) are not embedded at all. What is embedded is the
        chunk's header and text (:func:`rag.index.searchable_text`).
        """
        docs = [doc for item in batch.items if isinstance(item, Part) for doc in item.chunks]
        if self.dry_run or not docs:
            return batch
        keys = [chunk_key(doc) for doc in docs]
        known = self.index.holds(keys)
        todo = {key: searchable_text(doc.page_content, doc.metadata)
                for key, doc, held in zip(keys, docs, known) if not held}
        if todo:
            vectors = self.index.embeddings.embed_documents(list(todo.values()))
            batch.vectors = dict(zip(todo, vectors, strict=True))
        return batch

    def write(self, batch: Batch) -> None:
        """Handle one batch: index its whole files together, then its parts.

        The ledger learns of the batch's finished files in one transaction at
        the end, after their chunks are in.
        """
        wholes = [it for it in batch.items if isinstance(it, Part) and it.whole and it.chunks]
        statuses = self._index_group(wholes, batch.vectors) if wholes else {}
        for item in batch.items:
            if isinstance(item, Done):
                if item.touch is not None and not self.dry_run:
                    self._finished.append(item.touch)
                self._entry(item.entry, item.size)
            elif isinstance(item, Abort):
                self._abort(item)
            elif isinstance(item, Drop):
                self._drop(item)
            elif item.whole and item.chunks:
                self._finish(item, statuses[item.source])
            elif item.whole:
                self._no_text(item)
            else:
                self._part(item, batch.vectors)
        self.index.ledger.put(*self._finished)
        self._finished.clear()

    # -- whole files -----------------------------------------------------

    def _index_group(self, parts: list[Part], vectors: dict[str, list[float]]) -> dict[str, Status]:
        docs = [doc for part in parts for doc in part.chunks]
        before = {p.source: set(self.index.source_keys(p.source)) for p in parts if p.file is None}
        if not self.dry_run:
            result = self._index(docs, cleanup="incremental", vectors=vectors)
            self.report.chunks_deleted += result["num_deleted"]
        statuses: dict[str, Status] = {}
        for part in parts:
            if part.file is not None:
                statuses[part.source] = "added" if part.previous is None else "updated"
            elif not before[part.source]:
                statuses[part.source] = "added"
            elif self.dry_run:
                statuses[part.source] = "updated"
            else:
                after = set(self.index.source_keys(part.source))
                statuses[part.source] = "unchanged" if after == before[part.source] else "updated"
        return statuses

    def _index(
        self, docs: list, *, cleanup: str | None, vectors: dict[str, list[float]]
    ) -> dict[str, int]:
        result = self.index.write(docs, key_encoder=chunk_key, vectors=vectors,
                                  cleanup=cleanup)  # type: ignore[arg-type]
        written = result["num_added"] + result["num_updated"]
        self.report.chunks_written += written
        self.report.chunks_unchanged += result["num_skipped"]
        self.progress.chunks(written, docs[0].metadata["source"] if docs else "")
        return result

    def _finish(self, part: Part, status: Status) -> None:
        if part.file is not None and not self.dry_run:
            self._finished.append(
                FileRecord(
                    source=part.source,
                    size=part.file.size,
                    mtime_ns=part.file.mtime_ns,
                    sha256=part.sha256,
                    pages=part.pages,
                    chunks=part.total_chunks,
                    empty_pages=part.empty_pages,
                    ocr_pages=part.ocr_pages,
                    ingested_at=dt.datetime.now(dt.timezone.utc),
                )
            )
        self._entry(part.entry(status, part.note), part.file.size if part.file else 0)

    def _no_text(self, part: Part) -> None:
        """A source that now yields no chunks: its old chunks must go."""
        reason = part.empty_reason
        had = part.previous is not None or self.index.holds_source(part.source)
        if had:
            if self.dry_run:
                reason += "; its old chunks would be removed"
            else:
                removed = self.index.delete_source(part.source)
                self.index.ledger.remove([part.source])
                self.report.chunks_deleted += removed
                reason += f"; its {removed} old chunk(s) were removed"
        self._entry(part.entry("skipped", reason), part.file.size if part.file else 0)

    # -- files in several parts --------------------------------------------

    def _part(self, part: Part, vectors: dict[str, list[float]]) -> None:
        if part.first:
            self._open[part.source] = _Open(
                started=self.index.clock(),
                before=set(self.index.source_keys(part.source)),
            )
        if part.chunks and not self.dry_run:
            # No cleanup here: the file's other parts are in other calls.
            self._index(part.chunks, cleanup=None, vectors=vectors)
        if not part.last:
            return
        state = self._open.pop(part.source)
        if not self.dry_run:
            self.report.chunks_deleted += self.index.delete_source(
                part.source, before=state.started
            )
        status: Status = "added" if not state.before else "updated"
        if part.file is not None:
            status = "added" if part.previous is None else "updated"
        self._finish(part, status)

    def _abort(self, item: Abort) -> None:
        state = self._open.pop(item.source, None)
        if state is not None and not self.dry_run:
            new = set(self.index.source_keys(item.source)) - state.before
            keys = sorted(new)
            if keys:
                self.index.delete_chunks(keys)
        self._entry(
            FileEntry(item.source, "failed", item.reason + "; previous chunks kept",
                      warnings=item.warnings), item.size
        )

    def _drop(self, item: Drop) -> None:
        """A source to remove (an attachment its re-read message no longer has)."""
        if self.dry_run:
            self._entry(FileEntry(item.source, "deleted", f"would be removed: {item.reason}"), 0)
            return
        removed = self.index.delete_source(item.source)
        self.index.ledger.remove([item.source])
        self.report.chunks_deleted += removed
        self._entry(FileEntry(item.source, "deleted", item.reason, chunks=removed), 0)

    def _entry(self, entry: FileEntry, size: int) -> None:
        self.report.entries.append(entry)
        if mail_of(entry.source) is None:
            self.progress.file_done(size, entry.source)
        else:  # a mail's attachment: not one of the files counted
            self.progress.notify(entry.source)


@functools.cache
def _malloc_trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return None


def _release_freed_memory() -> None:
    """Return the heap memory freed by the last batch to the operating system.

    Embedding a batch allocates and frees a few hundred MB of differently sized
    tensors; glibc keeps freed memory in its arenas, so without this the
    process's resident memory creeps up batch after batch although nothing is
    held. A no-op where the C library has no ``malloc_trim``.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_END = object()


@dataclass
class _Failure:
    error: BaseException


class _Stage:
    """Runs an iterable in a daemon thread, handing its items over a bounded queue.

    Iterating the stage yields the items in order; an exception raised in the
    thread is raised again in the iterating thread.
    """

    def __init__(self, items: Iterable[Any], name: str, size: int, stop: threading.Event) -> None:
        self._items = items
        self._stop = stop
        self._ready: queue.Queue[object] = queue.Queue(maxsize=size)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    return
            self._put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(_Failure(exc))

    def __iter__(self) -> Iterator[Any]:
        while True:
            item = self._ready.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item

    def join(self) -> None:
        """Wait (briefly) for the thread; call after setting ``stop``."""
        self._thread.join(timeout=10)


def run_pipeline(batches: Iterator[Batch], writer: Writer, *, queue_size: int = 2) -> None:
    """Read, embed and write in three threads (see the module docstring).

    Args:
        batches: The producer: reads and chunks (runs in its thread).
        writer: Embeds (in the embedding thread) and writes (in the calling thread).
        queue_size: Batches read ahead of the embedder (bounds memory); one
            embedded batch waits for the writer.

    Raises:
        Exception: Whatever the producer, the embedder or the writer raised.
    """
    stop = threading.Event()
    produced = _Stage(batches, "ingest-producer", queue_size, stop)
    embedded = _Stage(map(writer.embed, produced), "ingest-embedder", 1, stop)
    try:
        for batch in embedded:
            writer.write(batch)
            if batch.chunks:  # only embedding frees enough to be worth handing back
                _release_freed_memory()
    finally:
        stop.set()
        embedded.join()
        produced.join()

"""What an ingest run did: one entry per file or source, totals, and progress.

These are plain data classes so the CLI, the web UI and library users can
render them without touching LangChain types.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

__all__ = [
    "STATUSES",
    "FileEntry",
    "IngestReport",
    "ProgressCallback",
    "ProgressUpdate",
    "Status",
]

Status = Literal["added", "updated", "unchanged", "deleted", "skipped", "failed"]
STATUSES: tuple[Status, ...] = ("added", "updated", "unchanged", "deleted", "skipped", "failed")


@dataclass(frozen=True)
class FileEntry:
    """What happened to one file (or one document source).

    Attributes:
        source: The absolute path of the file, or the document's ``source``.
        status: One of :data:`STATUSES`.
        reason: Why a file was skipped or failed (empty otherwise).
        pages: Pages (PDF) or documents read; 0 when the file was not read.
        chunks: Chunks the source has in the index after this run (or would
            have, in a dry run); for ``deleted`` the chunks removed.
        empty_pages: PDF pages read without finding text (scans, blank pages,
            drawings); always 0 for formats without pages.
        engine: The PDF engine that read the text: ``pypdf``, ``pdfium``, or
            ``pypdf+pdfium`` when pages needed both; empty for other formats
            and for files not read in this run.
        unreadable_pages: 1-based numbers of the PDF pages no engine could read
            (or left unread when the file's time budget was spent).
        scanned_pages: The empty pages that draw images (likely scans) left
            unread because OCR is off; the other empty pages are blank,
            drawings or forms.
        ocr_pages: 1-based numbers of the pages (PDF pages without a text
            layer, frames of an image file) whose text OCR read.
        warnings: What the reading libraries warned about while reading the
            file (``"pypdf: Object 172 0 not defined. (2 times)"``), each
            distinct message once (see :mod:`ingest.readers.library_warnings`).
    """

    source: str
    status: Status
    reason: str = ""
    pages: int = 0
    chunks: int = 0
    empty_pages: int = 0
    engine: str = ""
    unreadable_pages: tuple[int, ...] = ()
    scanned_pages: int = 0
    ocr_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The file name without its folder."""
        return Path(self.source).name or self.source


@dataclass
class IngestReport:
    """The result of one ingest, prune or forget run.

    Attributes:
        entries: One entry per file or source, in processing order.
        chunks_written: Chunks embedded and written to the index.
        chunks_unchanged: Chunks of re-read sources that were already indexed.
        chunks_deleted: Chunks removed (replaced, pruned or forgotten).
        elapsed_s: Wall-clock seconds of the run.
        dry_run: True when nothing was written.
        collection: The collection the run worked on.
        rebuilt: Every file of the collection was read again (older chunks).
    """

    entries: list[FileEntry] = field(default_factory=list)
    chunks_written: int = 0
    chunks_unchanged: int = 0
    chunks_deleted: int = 0
    elapsed_s: float = 0.0
    dry_run: bool = False
    collection: str = ""
    rebuilt: bool = False
    """The collection was made by an older version of the chunking and every file it
    lists was read again (see :mod:`ingest.rebuild`)."""

    @property
    def ok(self) -> bool:
        """False when any file failed (skips with a reason are fine)."""
        return not any(entry.status == "failed" for entry in self.entries)

    @property
    def chunks_embedded(self) -> int:
        """Chunks that went through the embedding model (same as written)."""
        return self.chunks_written

    @property
    def counts(self) -> dict[Status, int]:
        """Number of entries per status, every status present (zero when none)."""
        counter = Counter(entry.status for entry in self.entries)
        return {status: counter.get(status, 0) for status in STATUSES}

    @property
    def empty_pages(self) -> int:
        """PDF pages without extractable text over all files."""
        return sum(entry.empty_pages for entry in self.entries)

    @property
    def scanned_pages(self) -> int:
        """The empty pages that draw images (likely scans) left unread, OCR off, over all files."""
        return sum(entry.scanned_pages for entry in self.entries)

    @property
    def ocr_pages(self) -> int:
        """Pages read by OCR over all files."""
        return sum(len(entry.ocr_pages) for entry in self.entries)

    @property
    def unreadable_pages(self) -> int:
        """PDF pages that no engine could read, over all files."""
        return sum(len(entry.unreadable_pages) for entry in self.entries)

    def by_status(self, *statuses: Status) -> list[FileEntry]:
        """Return the entries having one of ``statuses``."""
        return [entry for entry in self.entries if entry.status in statuses]

    @property
    def chunks_per_s(self) -> float:
        """Chunks written per second of the run."""
        return self.chunks_written / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def summary(self) -> str:
        """One line such as ``3 added, 1 skipped; 42 chunks written in 2.1 s``."""
        parts = [f"{n} {status}" for status, n in self.counts.items() if n]
        files = ", ".join(parts) or "nothing to do"
        prefix = "dry run: " if self.dry_run else ""
        return (
            f"{prefix}{files}; {self.chunks_written} chunks written, "
            f"{self.chunks_deleted} deleted in {self.elapsed_s:.1f} s"
        )


@dataclass(frozen=True)
class ProgressUpdate:
    """A snapshot of a running ingest, sent to the progress callback.

    ``bytes_done``/``bytes_total`` measure the files handled so far (a fair
    base for an ETA); the chunk counters tell the embedding rate.
    """

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    chunks_written: int
    elapsed_s: float
    current: str = ""

    @property
    def fraction(self) -> float:
        """Share of the work done, between 0 and 1."""
        if self.bytes_total > 0:
            return min(1.0, self.bytes_done / self.bytes_total)
        return self.files_done / self.files_total if self.files_total else 1.0

    @property
    def chunks_per_s(self) -> float:
        """Chunks written per second so far."""
        return self.chunks_written / self.elapsed_s if self.elapsed_s > 0 else 0.0


class ProgressCallback(Protocol):
    """Anything called with a :class:`ProgressUpdate` (a function will do)."""

    def __call__(self, update: ProgressUpdate, /) -> None:  # pragma: no cover - protocol
        """Receive one progress snapshot."""

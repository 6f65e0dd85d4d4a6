"""What the producer hands the writer: a file settled, a file's chunks, an undo, a drop.

Plain data classes shared by :mod:`ingest.jobs` (which makes them),
:mod:`ingest.attached` (a mail's attachments) and :mod:`ingest.pipeline`
(which writes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.documents import Document

from ingest.discover import FoundFile
from ingest.report import FileEntry, Status
from rag.index import FileRecord

__all__ = ["Abort", "Batch", "Done", "Drop", "Item", "Part"]


@dataclass
class Done:
    """A file settled without writing chunks (unchanged, skipped, failed)."""

    entry: FileEntry
    size: int = 0
    touch: FileRecord | None = None
    """A ledger record to store: same content, new modification time."""


@dataclass
class Part:
    """Chunks of one source; ``first``/``last`` mark a file's first and last part."""

    source: str
    chunks: list[Document]
    first: bool = True
    last: bool = True
    pages: int = 0
    empty_pages: int = 0
    empty_reason: str = ""
    file: FoundFile | None = None
    sha256: str = ""
    previous: FileRecord | None = None
    total_chunks: int = 0
    engine: str = ""
    unreadable_pages: tuple[int, ...] = ()
    scanned_pages: int = 0
    ocr_pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    note: str = ""
    """What the report should say about a file that was indexed (engine, bad pages)."""

    @property
    def whole(self) -> bool:
        """True when the part is the whole source."""
        return self.first and self.last

    def entry(self, status: Status, reason: str) -> FileEntry:
        """The report entry of the source (on its last part, which carries the counts)."""
        return FileEntry(
            self.source,
            status,
            reason,
            self.pages,
            self.total_chunks,
            self.empty_pages,
            engine=self.engine,
            unreadable_pages=self.unreadable_pages,
            scanned_pages=self.scanned_pages,
            ocr_pages=self.ocr_pages,
            warnings=self.warnings,
        )


@dataclass
class Abort:
    """A file failed after some of its parts were handed over: undo them."""

    source: str
    reason: str
    size: int = 0
    warnings: tuple[str, ...] = ()


@dataclass
class Drop:
    """A source to remove: an attachment no longer in its re-read message."""

    source: str
    reason: str


Item = Done | Part | Abort | Drop
"""One thing the producer hands over."""


@dataclass
class Batch:
    """What the writer gets at once."""

    items: list[Item] = field(default_factory=list)
    chunks: int = 0
    vectors: dict[str, list[float]] = field(default_factory=dict)
    """Embeddings of the chunks not yet indexed, by chunk key (see
    :func:`ingest.sync.chunk_key`), filled by the embedding stage."""

    def add(self, item: Item) -> None:
        """Append an item, counting its chunks."""
        self.items.append(item)
        if isinstance(item, Part):
            self.chunks += len(item.chunks)

"""The producer side of the pipeline: files and documents into batches of chunks.

Runs in a background thread. Each batch holds whole files (so LangChain's
incremental cleanup never sees half a file) up to the group size, or one part
of a file too large for a group. Per-file problems become report entries,
never exceptions.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from ingest.attached import (
    MAIL_SUFFIXES,
    attachment_items,
    attachments_by_mail,
    unchanged_attachments,
)
from ingest.blocks import PageFurniture, contents_left_out, page_blocks, text_blocks
from ingest.chunking import Chunker, content_hash
from ingest.discover import FoundFile
from ingest.headers import ChunkHeaders
from ingest.items import Abort, Batch, Done, Drop, Item, Part
from ingest.packing import BlockPacker
from ingest.pagestats import PageStats, empty_reason, read_note
from ingest.readers import LoadedFile, Page, SkipFile, load_file
from ingest.readers.library_warnings import reading
from ingest.report import FileEntry
from rag.errors import IngestError
from rag.hashing import sha256_file
from rag.index import FileRecord
from rag.index.units import UNITS_KEY, encode_units

__all__ = ["Abort", "Batch", "Done", "Drop", "Part", "document_batches", "file_batches"]

logger = logging.getLogger(__name__)


def _clean_metadata(metadata: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    """Keep what Chroma accepts: str, int, float, bool (None dropped, rest as str)."""
    clean: dict[str, str | int | float | bool] = {}
    for key, value in metadata.items():
        if value is None:
            continue
        clean[str(key)] = value if isinstance(value, str | int | float | bool) else str(value)
    return clean


def _headers(chunker: Chunker, title: str | None, file_name: str | None) -> ChunkHeaders:
    """The header builder of one document, measuring with the chunker's tokens."""
    return ChunkHeaders(title, file_name=file_name, count_tokens=chunker.count_tokens,
                        truncate=chunker.truncate)


def _chunk_pages(
    pages: Iterable[Page],
    base: dict[str, Any],
    chunker: Chunker,
    stats: PageStats,
    headers: ChunkHeaders,
) -> Iterator[Document]:
    packer, furniture = BlockPacker(chunker), PageFurniture()
    for page in pages:
        stats.count(page)
        if not page.text.strip() and not page.blocks:
            continue
        paged: dict[str, Any] = {}
        if page.number is not None:
            paged["page"] = page.number
            paged["page_label"] = page.label or str(page.number)
        blocks = page.blocks
        if blocks is None:  # text without markup: blocks from its lines, furniture out
            text = furniture.strip(page.text) if page.number else page.text
            placed = (page_blocks(page.words, furniture=furniture.dropped if page.number else None)
                      if page.words else None)
            blocks = (text_blocks(text, lined_up=page.number is None) if placed is None
                      else furniture.drop(placed))
        for chunk in packer.pack(contents_left_out(blocks)):
            metadata = {
                **base,
                **paged,
                **headers.metadata(chunk.text, chunk.section),
                UNITS_KEY: encode_units(chunk.units),
                "chunk_index": stats.chunks,
                "start_index": page.offset + chunk.start,
                "content_hash": content_hash(chunk.text),
            }
            stats.chunks += 1
            yield Document(page_content=chunk.text, metadata=metadata)


def _parts(
    source: str,
    docs: Iterator[Document],
    stats: PageStats,
    part_size: int,
    **extra: Any,
) -> Iterator[Part]:
    """Cut a source's chunks into parts of at most ``part_size``; the last carries stats."""
    buffer: list[Document] = []
    first = True
    for doc in docs:
        buffer.append(doc)
        if len(buffer) >= part_size:
            yield Part(source, buffer, first=first, last=False, **extra)
            buffer, first = [], False
    yield Part(
        source,
        buffer,
        first=first,
        last=True,
        pages=stats.pages,
        empty_pages=stats.empty_pages,
        total_chunks=stats.chunks,
        engine=stats.engine,
        unreadable_pages=tuple(stats.unreadable),
        scanned_pages=stats.scanned_pages,
        ocr_pages=stats.ocr_pages,
        **extra,
    )


def _warned(items: Iterator[Item]) -> Iterator[Item]:
    """One file's items (read as they are taken), each entry carrying what the reading
    libraries warned about while it was read."""
    with reading() as said:
        for item in items:
            if isinstance(item, Done) and said.messages():
                item.entry = dataclasses.replace(item.entry, warnings=said.messages())
            elif isinstance(item, Part) and item.last or isinstance(item, Abort):
                item.warnings = said.messages()
            yield item


def _file_items(
    cand: FoundFile,
    previous: FileRecord | None,
    chunker: Chunker,
    password: str | None,
    part_size: int,
    load: Callable[..., LoadedFile] | None,
    reread: bool,
    attached: Mapping[str, FileRecord],
) -> Iterator[Item]:
    source = cand.source
    known = previous if not reread else None  # rebuilding: read it whatever the ledger says
    if known and (known.size, known.mtime_ns) == (cand.size, cand.mtime_ns):
        yield Done(FileEntry(source, "unchanged", "", known.pages, known.chunks,
                             known.empty_pages), cand.size)
        yield from unchanged_attachments(attached)
        return
    try:
        digest = sha256_file(cand.path)
    except Exception as exc:  # one bad file must never stop the run
        logger.debug("failed to ingest %s", source, exc_info=True)
        yield _failed(source, _reason(exc, source), cand, False)
        return
    if known and known.sha256 == digest and known.size == cand.size:
        touch = FileRecord(**{**known.__dict__, "mtime_ns": cand.mtime_ns})
        yield Done(FileEntry(source, "unchanged", "", known.pages, known.chunks,
                             known.empty_pages), cand.size, touch)
        yield from unchanged_attachments(attached)
        return
    read = functools.partial(_read, chunker=chunker, password=password, part_size=part_size,
                             load=load or load_file)
    loaded = yield from read(source, cand, digest, previous, cand.path.name)
    if loaded is not None:  # the mail's attachments, each a source of its own
        yield from attachment_items(cand, loaded.attachments, attached, read, reread=reread)


def _read(
    source: str,
    cand: FoundFile,
    digest: str,
    previous: FileRecord | None,
    name: str,
    *,
    chunker: Chunker,
    password: str | None,
    part_size: int,
    load: Callable[..., LoadedFile],
) -> Generator[Item, None, LoadedFile | None]:
    """Read and chunk one file as ``source`` (named ``name`` in chunk headers); return
    the loaded file when its chunks were all handed over, else None."""
    handed_over = False
    try:
        if cand.size == 0:  # every type alike; a part without chunks drops old ones
            yield from _empty_file(source, cand, digest, previous)
            return None
        loaded = load(cand.path, password=password)
        base = _clean_metadata({
            "source": source,
            "file_name": name,
            "file_type": cand.path.suffix.lower().lstrip(".") or loaded.file_type,
        })
        stats = PageStats()
        headers = _headers(chunker, loaded.title, name)
        docs = _chunk_pages(loaded.pages, base, chunker, stats, headers)
        for part in _parts(source, docs, stats, part_size, file=cand, sha256=digest,
                           previous=previous):
            if part.last and stats.chunks == 0:
                part.empty_reason = empty_reason(loaded, stats)
            elif part.last:
                part.note = read_note(stats)
            yield part
            handed_over = True
        return loaded
    except SkipFile as exc:
        yield Done(FileEntry(source, "skipped", str(exc)), cand.size)
    except Exception as exc:  # one bad file must never stop the run
        logger.debug("failed to ingest %s", source, exc_info=True)
        yield _failed(source, _reason(exc, source), cand, handed_over)
    return None


def _reason(exc: Exception, source: str) -> str:
    """Why a file failed, in the report's words."""
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or source}"
    if isinstance(exc, IngestError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _empty_file(
    source: str, cand: FoundFile, digest: str, previous: FileRecord | None
) -> Iterator[Part]:
    """A 0-byte file: no loader runs; its one part has no chunks and says why."""
    for part in _parts(source, iter(()), PageStats(), 1, file=cand, sha256=digest,
                       previous=previous):
        part.empty_reason = "empty file"
        yield part


def _failed(source: str, reason: str, cand: FoundFile, handed_over: bool) -> Done | Abort:
    if handed_over:
        return Abort(source, reason, cand.size)
    return Done(FileEntry(source, "failed", reason), cand.size)


def _batched(
    items: Iterable[Item], group_size: int, max_items: int = 256
) -> Iterator[Batch]:
    batch = Batch()
    for item in items:
        if isinstance(item, Part | Abort) and not (isinstance(item, Part) and item.whole):
            if batch.items:
                yield batch
            yield Batch([item], len(item.chunks) if isinstance(item, Part) else 0)
            batch = Batch()
            continue
        batch.add(item)
        if batch.chunks >= group_size or len(batch.items) >= max_items:
            yield batch
            batch = Batch()
    if batch.items:
        yield batch


def file_batches(
    files: Sequence[FoundFile],
    ledger: Mapping[str, FileRecord],
    chunker: Chunker,
    *,
    password: str | None,
    group_size: int,
    load: Callable[..., LoadedFile] | None = None,
    reread: bool = False,
) -> Iterator[Batch]:
    """Read, chunk and batch files (the producer thread runs this).

    Args:
        files: The files found by discovery.
        ledger: The ledger records by source, read before the run.
        chunker: Cuts page text into chunks.
        password: For encrypted PDFs.
        group_size: Chunks per batch (whole files only; larger files in parts).
        load: Opens a file, called as ``load(path, password=...)``; defaults
            to :func:`ingest.readers.load_file`.
        reread: Read every file, unchanged ones too (rebuilding the index).

    Yields:
        Batches in file order.
    """
    mails = [f.source for f in files if Path(f.source).suffix.lower() in MAIL_SUFFIXES]
    attached = attachments_by_mail(ledger, mails)
    items = (
        item
        for cand in files
        for item in _warned(_file_items(
            cand, ledger.get(cand.source), chunker, password, group_size, load, reread,
            attached.get(cand.source, {}),
        ))
    )
    yield from _batched(items, group_size)


def document_batches(
    documents: Iterable[Document], chunker: Chunker, *, group_size: int
) -> Iterator[Batch]:
    """Chunk LangChain documents, grouped by their ``source`` metadata.

    Args:
        documents: Documents, each with ``metadata["source"]``.
        chunker: Cuts text into chunks.
        group_size: Chunks per batch.

    Yields:
        Batches, one source never split across batches unless it is larger
        than a batch.

    Raises:
        IngestError: When a document has no ``source``.
    """
    by_source: dict[str, list[Document]] = {}
    for doc in documents:
        source = doc.metadata.get("source")
        if source is None or source == "":
            raise IngestError("every document needs metadata['source'] (its source id)")
        by_source.setdefault(str(source), []).append(doc)

    def items() -> Iterator[Part]:
        for source, docs in by_source.items():
            stats = PageStats()

            def chunked(
                docs: list[Document] = docs, stats: PageStats = stats
            ) -> Iterator[Document]:
                meta = docs[0].metadata
                headers = _headers(chunker, meta.get("title"), meta.get("file_name"))
                for doc in docs:
                    base = _clean_metadata({**doc.metadata, "source": source})
                    yield from _chunk_pages([Page(doc.page_content)], base, chunker, stats,
                                            headers)

            for part in _parts(source, chunked(), stats, group_size):
                if part.last and stats.chunks == 0:
                    part.empty_reason = "no text"
                yield part

    yield from _batched(items(), group_size)

"""What a citation points at, read from the index: its page's chunks, its chunk's text.

The callers (:class:`~rag.ui.backend.UIBackend`) check first that the file is
in the collection's ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.index import Index

__all__ = ["chunk_text", "page_chunks"]


def page_chunks(index: Index, source: str, page: int | None, chunk_id: str
                ) -> list[tuple[str, str]]:
    """The indexed chunks of one page of a file (or its one cited chunk), in order.

    Args:
        index: The collection's index.
        source: The source id of the file.
        page: 1-based page number, or None (or 0) for files without pages.
        chunk_id: The chunk to read when there is no page.

    Returns:
        ``(chunk id, text)`` pairs in the page's order.
    """
    if page:
        chunks = index.fetch(where={"$and": [{"source": source}, {"page": page}]})
    else:
        chunks = [c for c in index.fetch([chunk_id]) if c.metadata.get("source") == source]
    chunks.sort(key=lambda c: (_order(c.metadata), c.id))
    return [(c.id, c.text) for c in chunks]


def chunk_text(index: Index, source: str, chunk_id: str) -> str:
    """The text of a chunk of ``source``; empty when there is no such chunk."""
    chunks = index.fetch([chunk_id]) if chunk_id else []
    return next((c.text for c in chunks if c.metadata.get("source") == source), "")


def _order(meta: dict[str, Any] | None) -> float:
    meta = meta or {}
    for key in ("chunk_index", "start_index"):
        value = meta.get(key)
        if isinstance(value, int | float):
            return float(value)
    return 0.0

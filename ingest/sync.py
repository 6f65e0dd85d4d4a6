"""Removing sources from the index and repairing interrupted writes.

Every removal goes store first (Chroma and keywords), record manager second,
ledger last, so an interrupted removal is completed by running it again, and
:func:`reconcile` finishes any write that a killed process left half done.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ingest.chunking import content_hash
from rag.index.mirror import collection_ids

if TYPE_CHECKING:
    from langchain_core.documents import Document

    from rag.index import Index

__all__ = ["chunk_key", "delete_source_chunks", "reconcile", "source_keys"]

logger = logging.getLogger(__name__)

_BATCH = 1000


def chunk_key(document: Document) -> str:
    """Return the id a chunk is indexed under: a hash of its text and metadata.

    The same key as LangChain's indexing API computes with
    ``key_encoder="sha256"``, so indexes written before this function existed
    keep their ids. It is given to :func:`langchain_core.indexing.index` as its
    key encoder, and ingest uses it to find the chunks that still need
    embedding before ``index`` runs.

    Args:
        document: A chunk.

    Returns:
        64 hex digits.
    """
    meta = json.dumps(dict(document.metadata or {}), sort_keys=True)
    return content_hash(content_hash(document.page_content) + content_hash(meta))


def source_keys(index: Index, source: str) -> list[str]:
    """Return the ids of every chunk the record manager holds for ``source``."""
    return index.records.list_keys(group_ids=[source])


def delete_source_chunks(index: Index, source: str, *, before: float | None = None) -> int:
    """Delete the chunks of one source from both indexes and the record manager.

    Args:
        index: The index.
        source: The source id (a file's resolved path).
        before: Only chunks whose record is older than this record-manager
            time (the stale chunks of a source just rewritten).

    Returns:
        How many chunks were deleted.
    """
    deleted = 0
    store = index.store
    while keys := index.records.list_keys(group_ids=[source], before=before, limit=_BATCH):
        store.delete(keys)
        index.records.delete_keys(keys)
        deleted += len(keys)
    return deleted


def reconcile(index: Index) -> int:
    """Make Chroma, the keyword index and the record manager agree again.

    A process killed in the middle of a write can leave a chunk in Chroma
    without its record (killed before the record was written) or a record
    without its chunk (killed in the middle of a delete). Only chunks present
    in all three are kept; everything else is removed, and the next ingest
    writes again whatever is still current. Cheap when nothing is wrong: the
    three counts are compared first.

    Args:
        index: The index.

    Returns:
        How many ids were removed from any of the three.
    """
    record_ids = set(index.records.list_keys())
    n_chroma = index.count()
    n_keywords = index.keywords.count()
    if n_chroma == n_keywords == len(record_ids):
        return 0
    chroma_ids = collection_ids(index.vectors._collection)
    keyword_ids = index.keywords.ids()
    valid = record_ids & chroma_ids & keyword_ids
    removed = 0
    for extra, remove in (
        (chroma_ids - valid, index.store.delete),
        (keyword_ids - valid, index.keywords.delete),
        (record_ids - valid, index.records.delete_keys),
    ):
        for batch in _batches(sorted(extra)):
            remove(batch)
        removed += len(extra)
    logger.warning("repaired the index after an interrupted run: %d stale ids removed", removed)
    return removed


def _batches(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]

"""The keyword index in server mode: a local mirror of a Chroma server collection.

Chroma ranks by vectors only, so BM25 needs its own index. With an embedded
Chroma, ingest writes both in step (:class:`rag.index.store.ChunkStore`). With
a Chroma server shared by several machines, every machine keeps its own
SQLite FTS5 mirror of the collection's chunk texts and brings it up to date
from the server whenever the collection changed:

- every write a machine makes (Chroma first, then its mirror) stamps a new
  random *generation* into the collection's metadata (:func:`mark_changed`);
  an embedded store has no mirror and pays nothing;
- before each search (and count or id listing), the mirror reads the
  generation (one small request) and, when it differs from the one it last
  synced, lists the collection's ids, fetches the texts (and headers, see
  :mod:`rag.index.searchable`) of the new ones and drops the gone ones.
  Chunk ids are content hashes, so an id that is present on both sides holds
  the same text.

The generation is read before the ids, so a write that lands during a sync
leaves a different generation behind and the next search syncs again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from rag.index.keyword import KeywordHit, KeywordIndex
from rag.index.manifest import fresh_collection, merge_metadata
from rag.index.searchable import searchable_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import chromadb

    from rag.index.documents import DocumentScore

__all__ = [
    "GENERATION_KEY",
    "MirroredKeywordIndex",
    "collection_ids",
    "mark_changed",
]

logger = logging.getLogger(__name__)

GENERATION_KEY = "rag:generation"
_PAGE = 5000


def mark_changed(client: chromadb.ClientAPI, name: str) -> None:
    """Stamp a new generation into a collection's metadata (call after a write).

    Args:
        client: The Chroma client.
        name: The collection that was written.
    """
    merge_metadata(client, name, {GENERATION_KEY: uuid.uuid4().hex})


def collection_ids(collection: chromadb.Collection) -> set[str]:
    """Return the id of every record in a Chroma collection, read page by page."""
    ids: set[str] = set()
    offset = 0
    while page := collection.get(include=[], limit=_PAGE, offset=offset)["ids"]:
        ids.update(page)
        offset += len(page)
    return ids


class MirroredKeywordIndex(KeywordIndex):
    """A :class:`KeywordIndex` that follows a collection on a Chroma server.

    Args:
        path: The local SQLite file of the mirror.
        collection: The collection name.
        client: The Chroma client of the server.
    """

    def __init__(self, path: Path, collection: str, client: chromadb.ClientAPI) -> None:
        super().__init__(path, collection)
        self.client = client
        self.collection_name = collection
        self._sync_lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS mirror_state (tbl TEXT PRIMARY KEY, generation TEXT)"
            )

    def sync(self) -> int:
        """Bring the mirror up to date with the server; return how many ids changed."""
        with self._sync_lock:
            collection = fresh_collection(self.client, self.collection_name)
            generation = str((collection.metadata or {}).get(GENERATION_KEY, ""))
            if generation and generation == self._synced_generation():
                return 0
            remote = collection_ids(collection)
            local = super().ids()
            gone, new = sorted(local - remote), sorted(remote - local)
            super().delete(gone)
            for start in range(0, len(new), _PAGE):
                got = collection.get(ids=new[start : start + _PAGE],
                                     include=["documents", "metadatas"])
                super().upsert(
                    got["ids"],
                    [searchable_text(doc or "", meta)
                     for doc, meta in zip(got["documents"], got["metadatas"], strict=True)],
                    [str((meta or {}).get("source", "")) for meta in got["metadatas"]],
                )
            with self._lock, self._conn:
                self._conn.execute(
                    "INSERT OR REPLACE INTO mirror_state (tbl, generation) VALUES (?, ?)",
                    (self.table, generation),
                )
            if gone or new:
                logger.info("keyword mirror of %s: %d added, %d removed",
                            self.collection_name, len(new), len(gone))
            return len(gone) + len(new)

    def upsert(self, ids: Sequence[str], texts: Sequence[str], sources: Sequence[str]) -> None:
        """Add chunks this machine just wrote to the server, and tell the other machines."""
        super().upsert(ids, texts, sources)
        mark_changed(self.client, self.collection_name)

    def delete(self, ids: Sequence[str]) -> None:
        """Drop chunks this machine just deleted on the server, and tell the other machines."""
        super().delete(ids)
        mark_changed(self.client, self.collection_name)

    def search(
        self, query: str, k: int = 20, *, sources: Sequence[str] | None = None
    ) -> list[KeywordHit]:
        """Sync when the collection changed, then search (see :meth:`KeywordIndex.search`)."""
        self.sync()
        return super().search(query, k, sources=sources)

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """Sync when the collection changed, then count (see
        :meth:`KeywordIndex.document_frequencies`)."""
        self.sync()
        return super().document_frequencies(terms)

    def long_documents(
        self, more_than: int, *, sources: Sequence[str] | None = None
    ) -> list[str]:
        """Sync when the collection changed, then list (see
        :meth:`KeywordIndex.long_documents`)."""
        self.sync()
        return super().long_documents(more_than, sources=sources)

    def document_scores(
        self, weights: Mapping[str, float], *, sources: Sequence[str] | None = None
    ) -> dict[str, DocumentScore]:
        """Sync when the collection changed, then score (see
        :meth:`KeywordIndex.document_scores`)."""
        self.sync()
        return super().document_scores(weights, sources=sources)

    def count(self) -> int:
        """Sync when the collection changed, then count."""
        self.sync()
        return super().count()

    def ids(self) -> set[str]:
        """Sync when the collection changed, then list the ids."""
        self.sync()
        return super().ids()

    def _synced_generation(self) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT generation FROM mirror_state WHERE tbl = ?", (self.table,)
            ).fetchone()
        return row[0] if row else None


"""The :class:`Index` of one collection, and the operations both paths use on it.

The index is the only code that touches Chroma, the keyword index and the
record manager: ingest writes through :attr:`Index.store` (LangChain's
indexing API) and :meth:`Index.delete_source`; the query path reads with
:meth:`Index.search_dense`, :meth:`Index.search_keywords`,
:meth:`Index.document_scores` and :meth:`Index.fetch`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from rag.index.documents import DocumentScore
from rag.index.keyword import KeywordHit, KeywordIndex
from rag.index.ledger import FileLedger
from rag.index.lock import WriteLock, claim_collection
from rag.index.manifest import IndexManifest, fresh_collection, merge_metadata
from rag.index.mirror import collection_ids
from rag.index.store import ChunkStore

if TYPE_CHECKING:
    import chromadb
    from langchain_classic.indexes import SQLRecordManager
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

__all__ = ["Index", "StoredChunk"]

logger = logging.getLogger(__name__)

_BATCH = 1000


@dataclass(frozen=True)
class StoredChunk:
    """One chunk as the index holds it."""

    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    vector: Sequence[float] | None = None
    """Its embedding, when asked for (``fetch(..., with_vectors=True)``)."""


class Index:
    """Everything that makes up one collection's index; open it with :func:`rag.index.open_index`.

    Args:
        collection: The collection's name.
        client: The Chroma client.
        chroma: The Chroma collection (opened without an embedding function).
        embeddings: The embedding model of this index.
        keywords: The BM25 index of the same chunks.
        records: LangChain's record manager: which chunk ids each source has.
        ledger: The file ledger: what was ingested from each file.
        manifest: What the collection was built with.
        wanted: The manifest the current settings would write (differs in
            chunking only).
    """

    def __init__(
        self,
        *,
        collection: str,
        client: chromadb.ClientAPI,
        chroma: chromadb.Collection,
        embeddings: Embeddings,
        keywords: KeywordIndex,
        records: SQLRecordManager,
        ledger: FileLedger,
        manifest: IndexManifest,
        wanted: IndexManifest,
    ) -> None:
        self.collection = collection
        self.embeddings = embeddings
        self.keywords = keywords
        self.records = records
        self.ledger = ledger
        self.manifest = manifest
        self.wanted = wanted
        self._client = client
        self._chroma = chroma

    @property
    def store(self) -> ChunkStore:
        """The vector store ingest writes through: Chroma and the keyword index in step."""
        return ChunkStore(self._chroma, self.keywords, self.embeddings)

    # -- reading -------------------------------------------------------------

    def count(self) -> int:
        """Return how many chunks the collection holds."""
        return self._chroma.count()

    def search_dense(
        self, vector: Sequence[float], k: int, *, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` chunks nearest to ``vector``, as ``(id, cosine distance)``, nearest first.

        Args:
            vector: A query embedding of this index's model.
            k: How many chunks.
            sources: Only chunks of these source ids (None: all).
        """
        where = {"source": {"$in": list(sources)}} if sources else None
        result = self._chroma.query(
            query_embeddings=[[float(x) for x in vector]], n_results=k, where=where, include=["distances"]
        )
        return list(zip(result["ids"][0], result["distances"][0], strict=True))

    def search_keywords(
        self, text: str, k: int, *, sources: Sequence[str] | None = None
    ) -> list[KeywordHit]:
        """The ``k`` best BM25 hits for ``text`` (see :meth:`KeywordIndex.search`)."""
        return self.keywords.search(text, k, sources=sources)

    def phrase_documents(self, phrase: str) -> int:
        """How many documents hold ``phrase`` (see :meth:`KeywordIndex.phrase_documents`)."""
        return self.keywords.phrase_documents(phrase)

    def document_frequencies(self, terms: Iterable[str]) -> tuple[int, dict[str, int]]:
        """How many documents the index holds, and how many hold each term (see
        :meth:`KeywordIndex.document_frequencies`)."""
        return self.keywords.document_frequencies(terms)

    def long_documents(
        self, more_than: int, *, sources: Sequence[str] | None = None
    ) -> list[str]:
        """The documents with more than ``more_than`` chunks (see
        :meth:`KeywordIndex.long_documents`)."""
        return self.keywords.long_documents(more_than, sources=sources)

    def document_scores(
        self, weights: Mapping[str, float], *, sources: Sequence[str] | None = None
    ) -> dict[str, DocumentScore]:
        """The documents holding weighted terms, scored (see
        :meth:`KeywordIndex.document_scores`)."""
        return self.keywords.document_scores(weights, sources=sources)

    def fetch(
        self,
        ids: Sequence[str] | None = None,
        *,
        where: Mapping[str, Any] | None = None,
        with_vectors: bool = False,
    ) -> list[StoredChunk]:
        """Read stored chunks by id, by a metadata filter, or all of them.

        Args:
            ids: The chunk ids (unknown ones are left out); None: no id filter.
            where: A Chroma metadata filter, such as ``{"source": "/d/a.pdf"}``.
            with_vectors: Also read the embeddings.

        Returns:
            The chunks found, in the store's order.
        """
        include = ["documents", "metadatas", *(["embeddings"] if with_vectors else [])]
        got = self._chroma.get(ids=list(ids) if ids is not None else None,
                               where=dict(where) if where else None, include=include)
        vectors = got["embeddings"] if with_vectors else [None] * len(got["ids"])
        return [
            StoredChunk(cid, text or "", dict(meta or {}), vector)
            for cid, text, meta, vector in zip(
                got["ids"], got["documents"], got["metadatas"], vectors, strict=True
            )
        ]

    def source_keys(self, source: str) -> list[str]:
        """Return the ids of every chunk the record manager holds for ``source``."""
        return self.records.list_keys(group_ids=[source])

    def holds(self, keys: Sequence[str]) -> list[bool]:
        """For each chunk key, whether the index holds that chunk already."""
        return list(self.records.exists(list(keys)))

    def holds_source(self, source: str) -> bool:
        """Whether the index holds any chunk of ``source``."""
        return bool(self.records.list_keys(group_ids=[source], limit=1))

    def clock(self) -> float:
        """The record manager's current time: chunks written later are newer than it."""
        return self.records.get_time()

    # -- writing -------------------------------------------------------------

    def write(
        self,
        chunks: Sequence[Document],
        *,
        key_encoder: Callable[[Document], str],
        vectors: Mapping[str, Sequence[float]],
        cleanup: Literal["incremental"] | None,
    ) -> dict[str, int]:
        """Write chunks through LangChain's indexing API (each ``source`` is a group).

        Chunks the index holds already are skipped; with ``cleanup="incremental"``
        the chunks' sources lose the chunks they no longer have.

        Args:
            chunks: The chunks, each with ``metadata["source"]``.
            key_encoder: The id of a chunk (the record manager's key).
            vectors: Embeddings computed already, by key (others are embedded).
            cleanup: ``"incremental"`` for whole sources, None for a part of one.

        Returns:
            LangChain's counts: ``num_added``, ``num_updated``, ``num_skipped``,
            ``num_deleted``.
        """
        from langchain_core.indexing import index as lc_index

        result = lc_index(
            list(chunks),
            self.records,
            self.store,
            cleanup=cleanup,
            source_id_key="source",
            key_encoder=key_encoder,
            batch_size=max(1, len(chunks)),
            upsert_kwargs={"vectors": vectors},
        )
        return dict(result)

    def delete_chunks(self, ids: Sequence[str]) -> None:
        """Delete chunks by id from both indexes, then from the record manager."""
        for batch in _batches(list(ids)):
            self.store.delete(batch)
            self.records.delete_keys(batch)

    def delete_source(self, source: str, *, before: float | None = None) -> int:
        """Delete the chunks of one source from both indexes and the record manager.

        Store first, records second, so an interrupted removal is completed by
        running it again (and :meth:`reconcile` finishes it otherwise).

        Args:
            source: The source id (a file's resolved path).
            before: Only chunks whose record is older than this record-manager
                time (the stale chunks of a source just rewritten).

        Returns:
            How many chunks were deleted.
        """
        deleted = 0
        while keys := self.records.list_keys(group_ids=[source], before=before, limit=_BATCH):
            self.delete_chunks(keys)
            deleted += len(keys)
        return deleted

    def reconcile(self) -> int:
        """Make Chroma, the keyword index and the record manager agree again.

        A process killed in the middle of a write can leave a chunk in Chroma
        without its record (killed before the record was written) or a record
        without its chunk (killed in the middle of a delete). Only chunks
        present in all three are kept; everything else is removed, and the next
        ingest writes again whatever is still current. Cheap when nothing is
        wrong: the three counts are compared first.

        Returns:
            How many ids were removed from any of the three.
        """
        record_ids = set(self.records.list_keys())
        if self.count() == self.keywords.count() == len(record_ids):
            return 0
        chroma_ids = collection_ids(self._chroma)
        keyword_ids = self.keywords.ids()
        valid = record_ids & chroma_ids & keyword_ids
        removed = 0
        for extra, remove in (
            (chroma_ids - valid, self.store.delete),
            (keyword_ids - valid, self.keywords.delete),
            (record_ids - valid, self.records.delete_keys),
        ):
            for batch in _batches(sorted(extra)):
                remove(batch)
            removed += len(extra)
        logger.warning("repaired the index after an interrupted run: %d stale ids removed", removed)
        return removed

    def adopt_chunking(self) -> None:
        """Record the current settings' chunking in the manifest.

        Only for a collection whose chunks are all of that chunking: an empty
        one, or one just rebuilt (:mod:`ingest.rebuild`).
        """
        merge_metadata(self._client, self.collection, self.wanted.to_metadata())
        self.manifest = self.wanted

    def reembed(self, embeddings: Embeddings, embedding_name: str, *,
                progress: Callable[[int, int], None] | None = None) -> int:
        """Embed every chunk again with another model and switch to it in one step.

        Holds the write lock; a run killed before the switch leaves the old
        vectors and manifest in use (see :mod:`rag.index.reembed`). This object
        then uses the new model.

        Args:
            embeddings: The new model.
            embedding_name: Its name, recorded in the manifest.
            progress: Called with (chunks done, chunks in all).

        Returns:
            How many chunks were embedded.
        """
        from rag.index.reembed import reembed_collection

        manifest = replace(self.manifest, embedding_model=embedding_name,
                           embedding_dim=len(embeddings.embed_query("dimension probe")))
        with self.writing():
            done = reembed_collection(self._client, self.collection, embeddings, manifest,
                                      progress=progress)
        self._chroma = fresh_collection(self._client, self.collection)
        self.embeddings, self.manifest = embeddings, manifest
        self.wanted = replace(self.wanted, embedding_model=embedding_name,
                              embedding_dim=manifest.embedding_dim)
        return done

    @contextmanager
    def writing(self, timeout_s: float | None = None) -> Iterator[None]:
        """Hold the collection's write lock, shared by every process and machine.

        Ingest writes only inside this block, so two ingests of one collection
        take turns. On entry, the collection is also checked to be kept by
        these ingest records (see :func:`rag.index.lock.claim_collection`).

        Args:
            timeout_s: Most seconds to wait for another ingest; None waits.

        Raises:
            IndexBusyError: When the wait timed out.
            ConfigError: When another records database keeps the collection.
        """
        with WriteLock(self.records.engine, self.collection).held(timeout_s):
            claim_collection(self.records.engine, self._client, self.collection)
            yield

    def close(self) -> None:
        """Release the SQLite connections."""
        self.keywords.close()
        self.records.engine.dispose()


def _batches(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]

"""Chroma access: the client factory and the store that ingest writes through."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from langchain_core.documents import Document
from langchain_core.vectorstores import VectorStore

from rag.errors import BackendUnavailableError, ConfigError
from rag.index.searchable import searchable_text
from rag.models import ensure_offline
from rag.settings import Settings

if TYPE_CHECKING:
    import chromadb
    from langchain_core.embeddings import Embeddings

    from rag.index.keyword import KeywordIndex

__all__ = ["ChunkStore", "make_chroma_client"]

logger = logging.getLogger(__name__)


def make_chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """Open the embedded Chroma in ``store.path``, or the server at ``store.url``.

    Args:
        settings: The project settings; only ``settings.store`` is read.

    Returns:
        A Chroma client with telemetry off.

    Raises:
        ConfigError: When the server URL is malformed.
        BackendUnavailableError: When the server cannot be reached.
    """
    ensure_offline()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cfg = settings.store
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if cfg.url is None:
        folder = cfg.path / "chroma"
        folder.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)
    url = urlparse(cfg.url)
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise ConfigError(f"store.url must look like http://host:8000, got {cfg.url!r}")
    headers = {}
    if cfg.auth_token is not None:
        headers["Authorization"] = f"Bearer {cfg.auth_token.get_secret_value()}"
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            headers=headers,
            settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises bare Exception / ValueError here
        raise BackendUnavailableError(f"cannot reach Chroma at {cfg.url}: {exc}") from exc


class ChunkStore(VectorStore):
    """The vector store ingest writes through: Chroma plus the keyword index.

    LangChain's indexing API calls :meth:`add_texts` and :meth:`delete`; both
    keep the two indexes in step, so hybrid retrieval always sees the same
    chunks on both sides. Writes go to Chroma in batches it accepts. Chroma
    stores each chunk's text; its vector and its keyword entry are made from
    :func:`rag.index.searchable.searchable_text` (the chunk's header, then its text).

    Args:
        chroma: The Chroma collection (opened without an embedding function).
        keywords: The BM25 index of the same collection.
        embeddings: Embeds texts written without a precomputed vector.
        max_batch: Most records in one Chroma write.
    """

    def __init__(
        self,
        chroma: chromadb.Collection,
        keywords: KeywordIndex,
        embeddings: Embeddings | None,
        *,
        max_batch: int = 5000,
    ) -> None:
        self.chroma = chroma
        self.keywords = keywords
        self._embeddings = embeddings
        self.max_batch = max_batch

    @property
    def embeddings(self) -> Embeddings | None:
        """The embedding model of the index."""
        return self._embeddings

    def add_texts(
        self,
        texts: Iterable[str],
        metadatas: list[dict] | None = None,
        *,
        ids: list[str] | None = None,
        vectors: Mapping[str, Sequence[float]] | None = None,
        **kwargs: Any,
    ) -> list[str]:
        """Upsert texts into both indexes (ids are required).

        Args:
            texts: The chunk texts.
            metadatas: One non-empty metadata dict per text.
            ids: One id per text.
            vectors: Embeddings already computed, by id; the texts without
                one are embedded here.
            **kwargs: Ignored (LangChain passes ``batch_size``).

        Returns:
            The ids.
        """
        texts = list(texts)
        if ids is None or len(ids) != len(texts):
            raise ValueError("ChunkStore needs one id per text")
        metadatas = metadatas or [{} for _ in texts]
        searchable = [searchable_text(t, m) for t, m in zip(texts, metadatas, strict=True)]
        embeddings = self._vectors_for(searchable, ids, vectors or {})
        for start in range(0, len(texts), self.max_batch):
            end = start + self.max_batch
            self.chroma.upsert(
                ids=ids[start:end],
                embeddings=embeddings[start:end],  # type: ignore[arg-type]
                metadatas=metadatas[start:end],  # type: ignore[arg-type]
                documents=texts[start:end],
            )
        self.keywords.upsert(ids, searchable, [m.get("source", "") for m in metadatas])
        return ids

    def _vectors_for(
        self, texts: list[str], ids: list[str], known: Mapping[str, Sequence[float]]
    ) -> list[Sequence[float]]:
        """Return one embedding per text: the known ones, the others computed now."""
        missing = [n for n, id_ in enumerate(ids) if id_ not in known]
        computed: dict[int, Sequence[float]] = {}
        if missing:
            if self.embeddings is None:
                raise ValueError("ChunkStore needs an embedding function")
            found = self.embeddings.embed_documents([texts[n] for n in missing])
            computed = dict(zip(missing, found, strict=True))
        return [known[id_] if id_ in known else computed[n] for n, id_ in enumerate(ids)]

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> bool:
        """Delete chunks by id from both indexes."""
        if not ids:
            return True
        for start in range(0, len(ids), self.max_batch):
            self.chroma.delete(ids=list(ids[start : start + self.max_batch]))
        self.keywords.delete(ids)
        return True

    def get_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        """Return the stored chunks with these ids."""
        got = self.chroma.get(ids=list(ids), include=["documents", "metadatas"])
        return [
            Document(page_content=text or "", metadata=meta or {}, id=cid)
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def similarity_search(self, query: str, k: int = 4, **kwargs: Any) -> list[Document]:
        """Not supported: search with :class:`rag.retrieval.HybridRetriever`."""
        raise NotImplementedError("search with rag.retrieval.HybridRetriever")

    @classmethod
    def from_texts(cls, *args: Any, **kwargs: Any) -> ChunkStore:
        """Not supported: open a store with :func:`rag.index.open_index`."""
        raise NotImplementedError("use rag.index.open_index(settings)")

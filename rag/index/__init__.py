"""The index: vectors (Chroma), keywords (BM25), ingest records and the file ledger.

Both paths share it and only it touches those stores: ingest writes through
:attr:`Index.store` and :meth:`Index.delete_source`, the query path reads with
:meth:`Index.search_dense`, :meth:`Index.search_keywords` and :meth:`Index.fetch`.

What lives here: the index object (:mod:`~rag.index._index`), the Chroma store
(:mod:`~rag.index.store`), the keyword index (:mod:`~rag.index.keyword`,
:mod:`~rag.index.mirror`, :mod:`~rag.index.documents`), the file ledger
(:mod:`~rag.index.ledger`), the collection's manifest and write lock
(:mod:`~rag.index.manifest`, :mod:`~rag.index.lock`), what is embedded for a
chunk (:mod:`~rag.index.searchable`) and re-embedding (:mod:`~rag.index.reembed`).
May import: :mod:`rag.settings`, :mod:`rag.models`, :mod:`rag.errors`,
:mod:`rag.text`; never ingest, the query path or the faces.

Example:
    >>> from rag.settings import Settings
    >>> from rag.index import open_index
    >>> index = open_index(Settings())                  # doctest: +SKIP
    >>> vector = index.embeddings.embed_query("hello")  # doctest: +SKIP
    >>> index.search_dense(vector, 2)                   # doctest: +SKIP
    [('3f2a...', 0.41), ('9c1b...', 0.47)]
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import sqlalchemy as sa

from rag.errors import BackendUnavailableError
from rag.index._index import Index, StoredChunk
from rag.index.keyword import KeywordHit, KeywordIndex
from rag.index.ledger import FileLedger, FileRecord
from rag.index.lock import WriteLock, create_once
from rag.index.manifest import SCHEMA_VERSION, IndexManifest, merge_metadata
from rag.index.mirror import MirroredKeywordIndex
from rag.index.reembed import collection_names, recover_swap, reembed_collection, work_names
from rag.index.searchable import HEADER_KEY, HEADER_VERSION, searchable_text
from rag.index.store import ChunkStore, make_chroma_client
from rag.settings import Settings

if TYPE_CHECKING:
    import chromadb
    from langchain_classic.indexes import SQLRecordManager
    from langchain_core.embeddings import Embeddings

__all__ = [
    "HEADER_KEY",
    "HEADER_VERSION",
    "SCHEMA_VERSION",
    "ChunkStore",
    "FileLedger",
    "FileRecord",
    "Index",
    "IndexManifest",
    "KeywordHit",
    "KeywordIndex",
    "MirroredKeywordIndex",
    "StoredChunk",
    "WriteLock",
    "drop_index",
    "make_chroma_client",
    "open_index",
    "open_ledger",
    "reembed_collection",
    "searchable_text",
]

logger = logging.getLogger(__name__)


def open_index(
    settings: Settings,
    *,
    embeddings: Embeddings | None = None,
    embedding_name: str | None = None,
    client: chromadb.ClientAPI | None = None,
) -> Index:
    """Open (creating when missing) the collection named in ``settings.store``.

    Args:
        settings: The project settings.
        embeddings: The embedding model; defaults to ``make_embeddings(settings)``.
            A collection whose manifest names a model tuned for it (``rag
            tune``) opens with that model instead, unless ``embedding_name`` is given.
        embedding_name: The model name recorded in the manifest; defaults to the
            name the embedding settings resolve to.
        client: A Chroma client; defaults to ``make_chroma_client(settings)``.

    Returns:
        The opened index.

    Raises:
        IndexMismatchError: When the collection was built with another
            embedding model or index schema.
        BackendUnavailableError: When a Chroma server cannot be reached.
    """
    from rag.models import embedding_identity, make_embeddings

    cfg = settings.store
    client = client or make_chroma_client(settings)
    stored = _stored_manifest(client, cfg.collection)
    if embedding_name is None and (tuned := _tuned_model(settings, stored)) is not None:
        embeddings, embedding_name = tuned  # a shared base model would not match its vectors
    if embeddings is None:
        embeddings = make_embeddings(settings)
    if embedding_name is None:
        embedding_name = embedding_identity(settings.embedding)
    wanted = IndexManifest(
        embedding_model=embedding_name,
        embedding_dim=len(embeddings.embed_query("dimension probe")),
        chunk_size=settings.chunking.size_tokens,
        chunk_overlap=settings.chunking.overlap_tokens,
        chunk_header=HEADER_VERSION,
    )
    try:
        collection = client.get_or_create_collection(
            name=cfg.collection,
            embedding_function=None,  # never Chroma's default: it downloads a model
            metadata=wanted.to_metadata(),
            configuration={"hnsw": {"space": "cosine"}},
        )
    except (ConnectionError, OSError) as exc:
        raise BackendUnavailableError(f"cannot reach Chroma: {exc}") from exc
    manifest = IndexManifest.from_metadata(collection.metadata)
    if manifest is None:  # a collection somebody else created: claim it
        merge_metadata(client, cfg.collection, wanted.to_metadata())
        manifest = wanted
    manifest.check_compatible(wanted, cfg.collection)
    records = _records(settings)
    return Index(
        collection=cfg.collection,
        client=client,
        chroma=collection,
        embeddings=embeddings,
        keywords=_keywords(settings, client),
        records=records,
        ledger=FileLedger(records.engine, cfg.collection),
        manifest=manifest,
        wanted=wanted,
    )


def _stored_manifest(client: chromadb.ClientAPI, name: str) -> IndexManifest | None:
    """The manifest collection ``name`` holds (None: a new collection), after undoing
    a re-embedding swap that was cut between its two renames."""
    for _ in range(2):
        try:
            return IndexManifest.from_metadata(
                client.get_collection(name, embedding_function=None).metadata)
        except Exception:  # noqa: BLE001  # missing: Chroma raises NotFoundError or ValueError by version
            if not recover_swap(client, name):
                return None
    return None


def _tuned_model(
    settings: Settings, stored: IndexManifest | None
) -> tuple[Embeddings, str] | None:
    """The adapted model a collection's manifest names (``rag tune``), and that name.

    None when the collection is new, embedded with the configured model, or
    tuned from a model other than the configured one.
    """
    from rag.models import embedding_identity, make_embeddings, resolve_embedding_model
    from rag.models.tuned import TunedModels

    models = TunedModels(settings.store.path / "tuned", settings.store.collection)
    version = models.named(stored.embedding_model) if stored else None
    if version is None:
        return None
    if version.card.get("base_identity") != resolve_embedding_model(settings.embedding)[0]:
        return None  # another model is configured now: the manifest check says so
    tuned = settings.with_overrides(embedding={"model": str(version.folder)})
    return make_embeddings(tuned), embedding_identity(tuned.embedding, model_name=version.identity)


def _keywords(settings: Settings, client: chromadb.ClientAPI) -> KeywordIndex:
    """The keyword index: written in step locally, a mirror of a Chroma server's collection."""
    cfg = settings.store
    if cfg.url is None:
        return KeywordIndex(cfg.path / "keywords.sqlite3", cfg.collection)
    url = urlparse(cfg.url)
    name = f"keywords-{url.hostname}-{url.port or 'default'}.sqlite3"
    return MirroredKeywordIndex(cfg.path / name, cfg.collection, client)


def _records(settings: Settings) -> SQLRecordManager:
    """Open the record manager of the collection named in ``settings.store``."""
    from langchain_classic.indexes import SQLRecordManager

    cfg = settings.store
    cfg.path.mkdir(parents=True, exist_ok=True)
    db_url = cfg.record_manager_url or f"sqlite:///{cfg.path / 'records.sqlite3'}"
    records = SQLRecordManager(namespace=f"chroma/{cfg.collection}", engine=_engine(db_url))
    create_once(records.create_schema)
    return records


def _engine(db_url: str) -> sa.Engine:
    """Open the records database; SQLite gets a write-ahead log.

    Ingest commits after every batch; in SQLite's default rollback-journal
    mode each commit waits for several disk syncs in the embedding thread.
    With a write-ahead log and ``synchronous=NORMAL`` a commit survives a
    killed process (only a power cut can lose the last ones, which the next
    ingest writes again), and readers no longer block the writer.
    """
    engine = sa.create_engine(db_url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _wal(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def open_ledger(settings: Settings) -> FileLedger:
    """Open only the file ledger of a collection (no model, no Chroma).

    Args:
        settings: The project settings.

    Returns:
        The ledger; dispose of ``ledger.engine`` when done.
    """
    return FileLedger(_records(settings).engine, settings.store.collection)


def drop_index(settings: Settings, *, client: chromadb.ClientAPI | None = None) -> None:
    """Delete a collection with everything kept for it, whatever model built it.

    Removes the Chroma collection, its keyword index rows, its ingest records
    and its file ledger, so the next :func:`open_index` starts empty with the
    current settings' manifest (``rag ingest --reindex``).

    Args:
        settings: Names the collection (``settings.store``).
        client: A Chroma client; defaults to ``make_chroma_client(settings)``.
    """
    cfg = settings.store
    client = client or make_chroma_client(settings)
    for name in ({cfg.collection} | work_names(cfg.collection)) & collection_names(client):
        client.delete_collection(name)  # with a re-embedding's shadow or old copy
    records = _records(settings)
    try:
        while keys := records.list_keys(limit=1000):
            records.delete_keys(keys)
        ledger = FileLedger(records.engine, cfg.collection)
        ledger.remove(record.source for record in ledger.all())
    finally:
        records.engine.dispose()
    keywords = KeywordIndex(cfg.path / "keywords.sqlite3", cfg.collection)
    try:  # a server mirror needs no cleaning: it follows the collection
        keywords.delete(sorted(keywords.ids()))
    finally:
        keywords.close()
    logger.info("dropped collection %s", cfg.collection)

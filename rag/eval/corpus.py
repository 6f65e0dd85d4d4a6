"""Eval collections: one per corpus and index settings, built once, then reused.

A collection's name is a hash of the corpus fingerprint (path, size,
modification time, selection) and of the settings that shape the index
(embedding model, chunking, chunk header form, index schema). After a complete ingest a small
marker file records the chunk count; a later run with the same name and count
skips ingest entirely. An interrupted ingest leaves no marker, and the next
run's incremental ingest embeds only what is missing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.eval.run import EvalProgress, ProgressFn
from rag.settings import Settings

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

    from ingest import ProgressUpdate
    from rag.index import Index

__all__ = ["EvalCollection", "collection_name", "open_eval_collection"]

logger = logging.getLogger(__name__)


def collection_name(kind: str, corpus_key: str, settings: Settings) -> str:
    """Name the collection of a corpus under the index-shaping settings.

    Args:
        kind: A short prefix such as ``"beir"`` or ``"squad"``.
        corpus_key: Identifies the corpus content (a file fingerprint and selection).
        settings: Its embedding (model and, other than torch, backend) and
            chunking sections count.

    Returns:
        ``eval-<kind>-<12 hex digits>``.
    """
    from rag.index import HEADER_VERSION, SCHEMA_VERSION

    shape = {
        "corpus": corpus_key,
        "embedding": [settings.embedding.provider, settings.embedding.model]
        + ([settings.embedding.backend] if settings.embedding.backend != "torch" else []),
        "chunking": settings.chunking.model_dump(),
        "schema": SCHEMA_VERSION,
        "header": HEADER_VERSION,
    }
    digest = hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:12]
    return f"eval-{kind}-{digest}"


@dataclass
class EvalCollection:
    """An opened eval collection and how it came to be."""

    index: Index
    settings: Settings
    """The settings with ``store.collection`` set to the eval collection."""
    reused: bool
    chunks: int
    ingest_s: float

    def describe(self) -> dict[str, Any]:
        """The facts a run records about its collection."""
        return {
            "name": self.index.collection,
            "embedding_model": self.index.manifest.embedding_model,
            "reused": self.reused,
            "chunks": self.chunks,
            "ingest_s": round(self.ingest_s, 2),
        }


def _marker(settings: Settings) -> Path:
    return settings.store.path / "eval" / f"{settings.store.collection}.json"


def open_eval_collection(
    documents: Callable[[], Sequence[Document]] | Sequence[Path],
    settings: Settings,
    *,
    name: str,
    embeddings: Embeddings | None = None,
    progress: ProgressFn | None = None,
) -> EvalCollection:
    """Open the named collection, ingesting ``documents`` unless already complete.

    Args:
        documents: Builds the documents (each with ``metadata["source"]``),
            ingested with ``ingest_documents``; or the files and folders to
            ingest with ``ingest_paths``. Not called or read when the
            collection is reused.
        settings: The project settings (the store path is used, the collection replaced).
        name: The collection name, from :func:`collection_name`.
        embeddings: The embedding model; defaults to the settings' model.
        progress: Receives ``ingest`` stage updates (documents done / total).

    Returns:
        The opened collection; close ``result.index`` when done.
    """
    from ingest import ingest_documents, ingest_paths
    from rag.index import open_index

    settings = settings.with_overrides(store={"collection": name})
    index = open_index(settings, embeddings=embeddings)
    marker = _marker(settings)
    try:
        recorded = json.loads(marker.read_text()) if marker.is_file() else {}
        if recorded.get("chunks") and recorded["chunks"] == index.count():
            logger.info("reusing eval collection %s (%d chunks)", name, recorded["chunks"])
            return EvalCollection(index, settings, True, recorded["chunks"], 0.0)
        started = time.perf_counter()

        def forward(update: ProgressUpdate) -> None:
            if progress is not None:
                progress(EvalProgress("ingest", update.files_done, update.files_total))

        if callable(documents):
            docs = documents()
            report = ingest_documents(docs, settings, index=index, progress=forward)
            units = len(docs)
        else:
            report = ingest_paths(documents, settings, index=index, progress=forward)
            units = len(report.entries)
        elapsed = time.perf_counter() - started
        chunks = index.count()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"chunks": chunks, "documents": units}))
        logger.info("eval collection %s: %s", name, report.summary())
        return EvalCollection(index, settings, False, chunks, elapsed)
    except BaseException:
        index.close()
        raise

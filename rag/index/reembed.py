"""Re-embed a whole collection with another model, switching in one step.

The new vectors go into a shadow collection (``<name>.next``) with the new
manifest; only when it holds every chunk are the two swapped by renaming
(``<name>`` to ``<name>.prev``, ``<name>.next`` to ``<name>``) and the old
one dropped. A process killed before the swap leaves the collection, its
manifest (which names the model) and its vectors as they were; the shadow is
dropped by the next run. Killed between the two renames, the collection is
missing and ``<name>.prev`` exists: :func:`recover_swap`, run whenever the
index opens, renames it back and drops the shadow. The keyword index, the
records and the file ledger do not depend on the model and are not touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from rag.index.manifest import IndexManifest, fresh_collection
from rag.index.searchable import searchable_text

if TYPE_CHECKING:
    import chromadb
    from langchain_core.embeddings import Embeddings

__all__ = ["NEXT", "PREVIOUS", "collection_names", "recover_swap", "reembed_collection", "work_names"]

logger = logging.getLogger(__name__)

NEXT = ".next"
PREVIOUS = ".prev"
_PAGE = 256


def work_names(name: str) -> set[str]:
    """The names of the shadow and the old copy of collection ``name``."""
    return {name + NEXT, name + PREVIOUS}


def collection_names(client: chromadb.ClientAPI) -> set[str]:
    """The names of the client's collections (older Chroma lists names, newer objects)."""
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def recover_swap(client: chromadb.ClientAPI, name: str) -> bool:
    """Undo what a killed swap left: the old collection renamed back to ``name``.

    The finished shadow it was being swapped with is dropped too: nothing
    uses it, and it holds a copy of every chunk.

    Returns:
        Whether there was anything to recover.
    """
    names = collection_names(client)
    if name in names or name + PREVIOUS not in names:
        return False
    fresh_collection(client, name + PREVIOUS).modify(name=name)
    if name + NEXT in names:
        client.delete_collection(name + NEXT)
    logger.warning("collection %s restored after an interrupted re-embedding", name)
    return True


def reembed_collection(
    client: chromadb.ClientAPI,
    name: str,
    embeddings: Embeddings,
    manifest: IndexManifest,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed every chunk of collection ``name`` again with ``embeddings`` and switch to it.

    Call it holding the collection's write lock (:meth:`rag.index.Index.writing`).

    Args:
        client: The Chroma client.
        name: The collection.
        embeddings: The new model.
        manifest: The manifest of the new vectors (names the new model).
        progress: Called with (chunks done, chunks in all).

    Returns:
        How many chunks were embedded.
    """
    names = collection_names(client)
    for leftover in work_names(name) & names:
        client.delete_collection(leftover)
    old = fresh_collection(client, name)
    total = old.count()
    shadow = client.create_collection(
        name + NEXT,
        embedding_function=None,
        metadata={**(old.metadata or {}), **manifest.to_metadata()},
        configuration={"hnsw": {"space": "cosine"}},
    )
    done = 0
    while (got := old.get(include=["documents", "metadatas"], limit=_PAGE, offset=done))["ids"]:
        texts = [searchable_text(text or "", meta) for text, meta in
                 zip(got["documents"], got["metadatas"], strict=True)]
        shadow.add(ids=got["ids"], documents=got["documents"], metadatas=got["metadatas"],
                   embeddings=embeddings.embed_documents(texts))
        done += len(got["ids"])
        if progress:
            progress(done, total)
    old.modify(name=name + PREVIOUS)
    shadow.modify(name=name)
    client.delete_collection(name + PREVIOUS)
    return done

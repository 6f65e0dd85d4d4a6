"""The index manifest: what a collection was built with, stored in the collection.

Chroma keeps collection metadata next to the vectors (on disk or on the
server), so every machine that opens a collection sees the same manifest.
Opening a collection with another embedding model fails loudly instead of
returning silently wrong neighbours.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rag.errors import IndexMismatchError

if TYPE_CHECKING:
    import chromadb

__all__ = ["SCHEMA_VERSION", "IndexManifest", "fresh_collection", "merge_metadata"]

SCHEMA_VERSION = 1
_PREFIX = "rag:"


@dataclass(frozen=True)
class IndexManifest:
    """What a collection's vectors and chunks were made with."""

    embedding_model: str
    embedding_dim: int
    chunk_size: int
    chunk_overlap: int
    schema_version: int = SCHEMA_VERSION
    chunk_header: int = 0
    """The form of the chunks' headers (:data:`rag.index.searchable.HEADER_VERSION`);
    0, the value of collections that do not record it, means no header."""

    def to_metadata(self) -> dict[str, Any]:
        """Return the manifest as Chroma collection metadata."""
        return {_PREFIX + key: value for key, value in asdict(self).items()}

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any] | None) -> IndexManifest | None:
        """Read a manifest back; None when the collection has none (not ours yet)."""
        if not metadata or _PREFIX + "embedding_model" not in metadata:
            return None
        fields = cls.__dataclass_fields__
        return cls(**{k: metadata[_PREFIX + k] for k in fields if _PREFIX + k in metadata})

    def check_compatible(self, wanted: IndexManifest, collection: str) -> None:
        """Refuse to use a collection built with another embedding model or schema.

        Args:
            wanted: The manifest the current settings would write.
            collection: The collection name, for the message.

        Raises:
            IndexMismatchError: When the embedding model, dimension or schema differ.
        """
        if self.schema_version != wanted.schema_version:
            raise IndexMismatchError(
                f"collection {collection!r} has index schema {self.schema_version}, "
                f"this version needs {wanted.schema_version}: re-index it "
                f"(rag ingest --reindex PATH) or use another collection"
            )
        if (self.embedding_model, self.embedding_dim) != (
            wanted.embedding_model,
            wanted.embedding_dim,
        ):
            raise IndexMismatchError(
                f"collection {collection!r} was built with embedding model "
                f"{self.embedding_model} ({self.embedding_dim} dimensions) but the "
                f"settings use {wanted.embedding_model} ({wanted.embedding_dim}): "
                f"re-index it (rag ingest --reindex PATH), use another collection, "
                f"or switch the embedding setting back "
                f"(RAG_EMBEDDING__MODEL, RAG_EMBEDDING__BACKEND)"
            )

    def chunking_differs(self, wanted: IndexManifest) -> bool:
        """Tell whether the chunks would be cut or headed differently now."""
        return self.settings_differ(wanted) or self.chunk_header != wanted.chunk_header

    def settings_differ(self, wanted: IndexManifest) -> bool:
        """Tell whether the chunk settings (size, overlap) changed since the build."""
        return (self.chunk_size, self.chunk_overlap) != (
            wanted.chunk_size,
            wanted.chunk_overlap,
        )


def fresh_collection(client: chromadb.ClientAPI, name: str) -> chromadb.Collection:
    """Fetch a collection again: a collection object keeps the metadata it was opened with."""
    return client.get_collection(name, embedding_function=None)


def merge_metadata(client: chromadb.ClientAPI, name: str, values: dict[str, Any]) -> None:
    """Set some keys of a collection's metadata, keeping the others.

    Chroma replaces the whole metadata on ``modify``, and a collection object
    caches what it read when it was opened, so the metadata is read fresh
    first: what other processes wrote there (the manifest, the records owner,
    the generation) is kept.

    Args:
        client: The Chroma client.
        name: The collection.
        values: The keys to set.
    """
    collection = fresh_collection(client, name)
    collection.modify(metadata={**(collection.metadata or {}), **values})

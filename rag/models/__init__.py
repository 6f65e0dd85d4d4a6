"""The models: factories for the embedding and chat models, and what they need.

What lives here:

- :mod:`~rag.models.factories`: :func:`make_embeddings` and :func:`make_llm`
  (a ``Literal`` provider each, backends imported lazily), the bundled models'
  integrity checks, :func:`ensure_offline`;
- :mod:`~rag.models.embeddings` and :mod:`~rag.models.onnx`: the
  sentence-transformers and ONNX Runtime embedding backends;
- :mod:`~rag.models.tuned`: versions of the embedding model adapted by ``rag tune``;
- :mod:`~rag.models.capability`: whether the chat model writes answers or quotes;
- :mod:`~rag.models.remote`: remote servers' errors turned into :mod:`rag.errors`;
- :mod:`~rag.models.catalogue`: the recommended models (``data/catalogue.json``,
  read on first use);
- :mod:`~rag.models.hub` and :mod:`~rag.models.download`: ``rag models pull``'s
  verified, resumable downloads from the Hugging Face Hub, the only code that
  goes online (and only when called);
- :mod:`~rag.models.installed`: the pulled models' record, and the settings that use them.

May import: :mod:`rag.settings`, :mod:`rag.errors`, :mod:`rag.hashing`;
never the index, the query path or the faces.

Example:
    >>> from rag.models import make_embeddings
    >>> from rag.settings import Settings
    >>> len(make_embeddings(Settings()).embed_query("hello"))  # doctest: +SKIP
    384
"""

from __future__ import annotations

from rag.models.factories import (
    BUNDLED_EMBEDDING,
    BUNDLED_LLM,
    BundledModel,
    embedding_identity,
    ensure_offline,
    make_embeddings,
    make_llm,
    resolve_embedding_model,
    resolve_llm_path,
    verify_sha256,
)

__all__ = [
    "BUNDLED_EMBEDDING",
    "BUNDLED_LLM",
    "BundledModel",
    "embedding_identity",
    "ensure_offline",
    "make_embeddings",
    "make_llm",
    "resolve_embedding_model",
    "resolve_llm_path",
    "verify_sha256",
]

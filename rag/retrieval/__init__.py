"""Finding the chunks that answer a question.

What lives here:

- :mod:`~rag.retrieval.hybrid`: dense, BM25 or hybrid search over an index
  (:class:`HybridRetriever`), reciprocal rank fusion, source filters;
- :mod:`~rag.retrieval.document_prior`: favouring the documents a question names;
- :mod:`~rag.retrieval.periods`: the reporting period in a file's name ("the latest 10-Q").

May import: :mod:`rag.index`, :mod:`rag.settings`, :mod:`rag.text`,
:mod:`rag.errors`; never the answer path, the chain or the faces.

Example:
    >>> from rag.retrieval import reciprocal_rank_fusion
    >>> reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60)[0][0]
    'b'
"""

from __future__ import annotations

from rag.retrieval.hybrid import (
    HybridRetriever,
    Retrieved,
    VectorRetriever,
    match_sources,
    reciprocal_rank_fusion,
    resolve_sources,
)

__all__ = [
    "HybridRetriever",
    "Retrieved",
    "VectorRetriever",
    "match_sources",
    "reciprocal_rank_fusion",
    "resolve_sources",
]

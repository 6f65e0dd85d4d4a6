"""Focused context: only the sentences of the retrieved chunks that bear on the question.

A small model answers better from three good sentences than from four long
chunks: less to read, fewer distractions, and passages that were retrieved
for one sentence no longer bring their other (possibly hostile) sentences
along. Each sentence of the relevant chunks is embedded and ranked by cosine
similarity to the question, plus (optionally) a weight times the share of the
question's content words it contains; the best ones are kept, in their
original order, under their chunk's number, so citations still point at
whole chunks. Optionally the sentence right after the best one is kept too:
it often holds the answer to a question that its predecessor matches ("The
bridge was built by Zeng. It opened in 1994.").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from rag.text import split_sentences, word_overlap

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

__all__ = ["focus_documents", "sentence_scores"]


def sentence_scores(
    question: str,
    sentences: Sequence[str],
    embeddings: Embeddings,
    *,
    query_vector: Sequence[float] | None = None,
    lexical_weight: float = 0.0,
) -> np.ndarray:
    """Each sentence's cosine similarity to ``question`` plus ``lexical_weight`` times
    the share of the question's content words it holds (focusing and quoting both rank so).

    Args:
        question: The (standalone) question.
        sentences: The sentences, one line each.
        embeddings: The embedding model (vectors are L2-normalised).
        query_vector: The question's embedding, when the caller has it already.
        lexical_weight: Weight of the word overlap (0: similarity alone).

    Returns:
        One score per sentence.
    """
    vectors = np.asarray(embeddings.embed_documents(list(sentences)), dtype=np.float32)
    if query_vector is None:
        query_vector = embeddings.embed_query(question)
    scores = vectors @ np.asarray(query_vector, dtype=np.float32)
    if lexical_weight:
        scores = scores + lexical_weight * np.asarray(
            [word_overlap(question, s) for s in sentences], dtype=np.float32)
    return scores


def focus_documents(
    question: str,
    documents: Sequence[Document],
    embeddings: Embeddings,
    *,
    max_sentences: int,
    min_share: float = 0.0,
    query_vector: Sequence[float] | None = None,
    lexical_weight: float = 0.0,
    neighbours: int = 0,
) -> list[Document | None]:
    """Cut each document down to its sentences that are among the best for ``question``.

    Args:
        question: The (standalone) question.
        documents: The relevant chunks, best first.
        embeddings: The embedding model (vectors are L2-normalised).
        max_sentences: How many sentences to keep over all documents.
        min_share: Drop sentences whose similarity is below this share of the
            best sentence's (the best one is always kept).
        query_vector: The question's embedding, when the caller has it already.
        lexical_weight: Added to a sentence's similarity per share of the
            question's content words it contains (0: similarity alone).
        neighbours: Also keep up to this many sentences that follow the best
            one in its document (not counted in ``max_sentences``).

    Returns:
        One entry per document, in the same order: a copy holding only its
        chosen sentences (in their original order), or None when none of its
        sentences was chosen.
    """
    from langchain_core.documents import Document

    sentences = [(n, s) for n, doc in enumerate(documents) for s in split_sentences(doc.page_content)]
    if not sentences:
        return [None for _ in documents]
    scores = sentence_scores(question, [s for _, s in sentences], embeddings,
                             query_vector=query_vector, lexical_weight=lexical_weight)
    floor = min_share * float(scores.max()) if min_share > 0 else -np.inf
    ranked = np.argsort(-scores, kind="stable")[:max_sentences]
    chosen = {int(i) for n, i in enumerate(ranked) if n == 0 or scores[i] >= floor}
    best = int(ranked[0])
    chosen |= {i for i in range(best + 1, min(best + 1 + neighbours, len(sentences)))
               if sentences[i][0] == sentences[best][0]}
    focused: list[Document | None] = []
    for n, doc in enumerate(documents):
        kept = [s for i, (m, s) in enumerate(sentences) if m == n and i in chosen]
        focused.append(Document(page_content=" ".join(kept), metadata=doc.metadata, id=doc.id)
                       if kept else None)
    return focused

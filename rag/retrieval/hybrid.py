"""Finding the chunks that answer a question: dense, BM25, or both fused.

:class:`HybridRetriever` is a LangChain retriever over an :class:`rag.index.Index`.
In ``hybrid`` mode the fusion also favours the documents the question names
(:mod:`rag.retrieval.document_prior`).
Every document it returns carries, in its metadata, ``chunk_id``, ``score``
(the ranking score of the chosen mode) and ``similarity`` (the cosine
similarity between the question and the chunk, whatever the mode), which the
chain uses to decide whether anything relevant was found at all; when the
question names some documents more than others, also ``document_share`` (its
document's share of the prior, 0 to 1), which quoting weighs; when it asks across
periodic reports ("over time", "these quarters"), the best chunk of each named
report that the first ``top_k`` miss follows them (so more than ``top_k`` come back)
and the chunks of those reports carry ``report_rank`` (0: the newest report), so an
answer can quote each.

Example:
    >>> from rag.retrieval import reciprocal_rank_fusion
    >>> reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60)[0][0]
    'b'
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores.utils import maximal_marginal_relevance
from pydantic import ConfigDict, InstanceOf

from rag.index import Index, KeywordHit
from rag.retrieval.document_prior import DocumentPrior, document_prior, question_weights
from rag.retrieval.periods import asked_periods, asks_across_reports, asks_latest, topic
from rag.settings import RetrievalMode, RetrievalSettings
from rag.text import names_in

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.runnables import RunnableConfig

__all__ = [
    "HybridRetriever",
    "Retrieved",
    "VectorRetriever",
    "match_sources",
    "reciprocal_rank_fusion",
    "resolve_sources",
]

logger = logging.getLogger(__name__)

RRF_K: int = RetrievalSettings.model_fields["rrf_k"].default
"""The reciprocal-rank-fusion constant of the settings' default (see there)."""


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = RRF_K
) -> list[tuple[str, float]]:
    """Fuse several rankings of ids into one.

    Args:
        rankings: Each a list of ids, best first.
        k: The damping constant; larger flattens the rank weights.

    Returns:
        ``(id, score)`` pairs, best first, where score is the sum of
        ``1 / (k + rank)`` over the rankings that hold the id.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: pair[1], reverse=True)


def match_sources(known: Iterable[str], patterns: Sequence[str]) -> dict[str, list[str]]:
    """Tell which known sources each pattern matches.

    Args:
        known: The indexed source ids (the file ledger's).
        patterns: Exact source ids, folders (every file below), or globs.

    Returns:
        Each pattern to the sources it matches, in ``known``'s order (an empty
        list when it matches none).

    Example:
        >>> match_sources(["/d/a.txt", "/d/s/b.md"], ["/d/s", "*.txt", "/x.pdf"])
        {'/d/s': ['/d/s/b.md'], '*.txt': ['/d/a.txt'], '/x.pdf': []}
    """
    sources = list(known)
    matched: dict[str, list[str]] = {}
    for pattern in patterns:
        folder = pattern.rstrip("/") + "/"
        matched[pattern] = [
            s for s in sources if s == pattern or s.startswith(folder) or fnmatch.fnmatch(s, pattern)
        ]
    return matched


def resolve_sources(index: Index, patterns: Sequence[str]) -> list[str]:
    """Turn source ids, folders and glob patterns into the indexed sources they match.

    Args:
        index: The index whose file ledger lists the sources.
        patterns: Exact source ids, folders (every file below), or globs.

    Returns:
        The matching source ids (exact ids are kept even when unknown: sources
        of :func:`ingest.ingest_documents` are not in the file ledger).
    """
    known = [record.source for record in index.ledger.all()]
    matched: dict[str, None] = {}
    for pattern, hits in match_sources(known, patterns).items():
        matched.update(dict.fromkeys(hits or [pattern]))
    return list(matched)


class Retrieved(NamedTuple):
    """What a search found, and the question's embedding it computed on the way."""

    documents: list[Document]
    query_vector: list[float] | None
    """The question's embedding (None when the retriever embeds nothing)."""


@runtime_checkable
class VectorRetriever(Protocol):
    """A retriever that hands back the question's embedding with its documents.

    The chain reuses that vector to focus the passages on the question, so
    the question is embedded once.
    """

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the retriever searches with."""

    def retrieve(self, query: str, *, sources: Sequence[str] | None = None,
                 config: RunnableConfig | None = None) -> Retrieved:
        """Search, returning the documents and the query's embedding."""


class HybridRetriever(BaseRetriever):
    """Dense, BM25 or hybrid (reciprocal rank fusion) search over one index.

    Args:
        index: The opened index.
        mode: ``"hybrid"``, ``"dense"`` or ``"bm25"``.
        top_k: How many chunks to return.
        fetch_k: How many candidates each side contributes before fusion/MMR.
        mmr: Diversify the final list with maximal marginal relevance.
        sources: Limit every search to these source ids (``None`` = all).
        rrf_k: The reciprocal rank fusion constant of ``hybrid`` mode.
        document_prior: In ``hybrid`` mode, favour the documents the question
            names, and the newest of them when it asks for the latest (see
            :mod:`rag.retrieval.document_prior`).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: InstanceOf[Index]
    mode: RetrievalMode = "hybrid"
    top_k: int = 4
    fetch_k: int = 20
    mmr: bool = False
    sources: list[str] | None = None
    rrf_k: int = RRF_K
    document_prior: bool = True

    @classmethod
    def from_settings(cls, index: Index, settings: RetrievalSettings) -> HybridRetriever:
        """Build a retriever configured by the retrieval settings."""
        return cls(
            index=index,
            mode=settings.mode,
            top_k=settings.top_k,
            fetch_k=max(settings.fetch_k, settings.top_k),
            mmr=settings.mmr,
            rrf_k=settings.rrf_k,
            document_prior=settings.document_prior,
        )

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model of the index searched."""
        return self.index.embeddings

    def retrieve(self, query: str, *, sources: Sequence[str] | None = None,
                 config: RunnableConfig | None = None) -> Retrieved:
        """Embed the question once, search, and return both (see :class:`VectorRetriever`).

        Args:
            query: The (standalone) question.
            sources: Limit the search to these source ids (None: the
                retriever's own ``sources``).
            config: LangChain run config (callbacks, tags), as for ``invoke``.

        Returns:
            The documents, best first, and the question's embedding.
        """
        vector = self.embeddings.embed_query(self._topic(query))
        kwargs: dict[str, Any] = {"query_vector": vector}
        if sources is not None:
            kwargs["sources"] = list(sources)
        return Retrieved(self.invoke(query, config, **kwargs), vector)

    def mentions(self, name: str) -> bool:
        """Whether any chunk of the index names ``name`` in its text or header (title, file
        name): the keyword index's best hits for it are read."""
        hits = self.index.search_keywords(name, 5)
        chunks = self.index.fetch([hit.id for hit in hits]) if hits else []
        return any(names_in(name, f"{c.text} {c.metadata.get('header', '')}") for c in chunks)

    def phrase_documents(self, phrase: str) -> int:
        """How many documents of the index hold ``phrase`` (its words in order)."""
        return self.index.phrase_documents(phrase)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        sources: list[str] | None = None,
        query_vector: Sequence[float] | None = None,
    ) -> list[Document]:
        return self.search(
            query,
            sources=sources if sources is not None else self.sources,
            query_vector=query_vector,
        )

    def search(
        self,
        query: str,
        *,
        sources: Sequence[str] | None = None,
        query_vector: Sequence[float] | None = None,
    ) -> list[Document]:
        """Return the best chunks for ``query``, each with scores in its metadata.

        Args:
            query: The (standalone) question.
            sources: Limit the search to these source ids.
            query_vector: The question's embedding, when the caller has it
                already (for example to search one question in several modes).

        Returns:
            Up to ``top_k`` documents, best first.
        """
        if sources is not None and not sources:
            return []
        topic = self._topic(query)
        if query_vector is None:
            query_vector = self.index.embeddings.embed_query(topic)
        query_vector = np.asarray(query_vector, dtype=np.float32)
        dense = (self.index.search_dense(query_vector, self.fetch_k, sources=sources)
                 if self.mode != "bm25" else [])
        hits = (self.index.search_keywords(topic, self.fetch_k, sources=sources)
                if self.mode != "dense" else [])
        match self.mode:
            case "dense":
                ranked = [(cid, 1.0 - dist) for cid, dist in dense]
            case "bm25":
                ranked = [(hit.id, 1.0 / (self.rrf_k + r)) for r, hit in enumerate(hits, start=1)]
            case _:
                ranked, prior, extra = self._fuse(query, query_vector, dense, hits, sources)
                return self._materialise(query_vector, ranked, prior, extra=extra)
        return self._materialise(query_vector, ranked)

    def _fuse(
        self,
        query: str,
        query_vector: np.ndarray,
        dense: list[tuple[str, float]],
        hits: list[KeywordHit],
        sources: Sequence[str] | None,
    ) -> tuple[list[tuple[str, float]], DocumentPrior | None, int]:
        """Reciprocal rank fusion of both sides, weighted by the document prior when there is one.

        The best-scoring long documents of the prior are searched on their own
        too (their best chunk by vector and by keywords join the fusion), and
        each fused score is multiplied by its document's factor (1 to 2).

        Returns:
            The fused ``(chunk id, score)`` pairs, best first; the prior (None: none); how
            many chunks beyond ``top_k`` to return (the best of each report asked across
            that the first ``top_k`` miss, placed right after them).
        """
        rankings = [[cid for cid, _ in dense], [hit.id for hit in hits]]
        weights = question_weights(self.index, query) if self.document_prior else {}
        latest = self.document_prior and asks_latest(query)
        periods = asked_periods(query) if self.document_prior else set()
        across = self.document_prior and asks_across_reports(query)
        if not (weights or latest or periods or across):
            return reciprocal_rank_fusion(rankings, self.rrf_k), None, 0
        source_of = self._sources(rankings[0], {hit.id: hit.source for hit in hits})
        prior = document_prior(self.index, weights, candidates=source_of.values(),
                               long_after=self.fetch_k, sources=sources, latest=latest,
                               periods=periods, across=across)
        if prior is None:
            return reciprocal_rank_fusion(rankings, self.rrf_k), None, 0
        for report in prior.spread:  # each report of a question across them, on its own
            rankings.append([cid for cid, _ in
                             self.index.search_dense(query_vector, 1, sources=[report])])
            rankings.append([hit.id for hit in self.index.search_keywords(query, 1,
                                                                          sources=[report])])
            source_of.update(dict.fromkeys(rankings[-2] + rankings[-1], report))
        if prior.best:
            within = self.index.search_keywords(self._topic(query), 1, sources=prior.best)
            rankings.append([cid for cid, _ in
                             self.index.search_dense(query_vector, 1, sources=prior.best)])
            rankings.append([hit.id for hit in within])
            source_of = self._sources(rankings[2], {**source_of,
                                                    **{h.id: h.source for h in within}})
        fused = reciprocal_rank_fusion(rankings, self.rrf_k)
        boosted = [(cid, score * prior.factor(source_of.get(cid, ""))) for cid, score in fused]
        ranked = sorted(boosted, key=lambda pair: pair[1], reverse=True)
        ranked, extra = _each_report_after(ranked, source_of, prior.spread, self.top_k)
        return ranked, prior, extra

    def _topic(self, query: str) -> str:
        """What is searched for: with the document prior, the question without the words
        asking for the latest report or pointing at the reports ("in these 10-Qs"): the
        prior picks the report (see :func:`~rag.retrieval.periods.topic`)."""
        return topic(query) if self.document_prior else query

    def _sources(self, ids: Sequence[str], known: dict[str, str]) -> dict[str, str]:
        """The source of each chunk id: the keyword hits' own, the others fetched."""
        missing = [cid for cid in ids if cid not in known]
        if not missing:
            return known
        fetched = self.index.fetch(missing)
        return {**known, **{c.id: str(c.metadata.get("source", "")) for c in fetched}}

    def _materialise(
        self, query_vector: np.ndarray, ranked: list[tuple[str, float]],
        prior: DocumentPrior | None = None, *, extra: int = 0,
    ) -> list[Document]:
        if not ranked:
            return []
        candidates = ranked[: self.fetch_k] if self.mmr else ranked[: self.top_k + extra]
        ids = [cid for cid, _ in candidates]
        by_id = {chunk.id: chunk for chunk in self.index.fetch(ids, with_vectors=True)}
        candidates = [(cid, score) for cid, score in candidates if cid in by_id]
        vectors = np.asarray([by_id[cid].vector for cid, _ in candidates], dtype=np.float32)
        similarities = vectors @ query_vector if len(vectors) else np.zeros(0)
        order = list(range(len(candidates)))
        if self.mmr and len(candidates) > 1:
            order = maximal_marginal_relevance(query_vector, list(vectors), k=self.top_k)
        documents = []
        for i in order[: self.top_k + extra]:
            cid, score = candidates[i]
            chunk = by_id[cid]
            metadata: dict[str, Any] = {
                **chunk.metadata,
                "chunk_id": cid,
                "score": float(score),
                "similarity": float(similarities[i]),
            }
            if prior is not None:
                source = str(chunk.metadata.get("source"))
                metadata["document_share"] = prior.shares.get(source, 0.0)
                if source in prior.spread:
                    metadata["report_rank"] = prior.spread.index(source)
            documents.append(Document(page_content=chunk.text, metadata=metadata, id=cid))
        return documents


def _each_report_after(ranked: list[tuple[str, float]], source_of: dict[str, str],
                       reports: Sequence[str], top_k: int) -> tuple[list[tuple[str, float]], int]:
    """``ranked`` with the best chunk of each of ``reports`` that the first ``top_k`` miss
    moved right after them (in the reports' order), and how many were moved.

    Example:
        >>> _each_report_after([("a1", 0.9), ("a2", 0.8), ("c1", 0.6), ("b1", 0.5)],
        ...                    {"a1": "A", "a2": "A", "c1": "C", "b1": "B"}, ["B", "A"], 2)
        ([('a1', 0.9), ('a2', 0.8), ('b1', 0.5), ('c1', 0.6)], 1)
    """
    head = ranked[:top_k]
    present = {source_of.get(cid) for cid, _ in head}
    moved = [pair for report in reports if report not in present
             for pair in [next((p for p in ranked if source_of.get(p[0]) == report), None)]
             if pair is not None]
    rest = [pair for pair in ranked[top_k:] if pair not in moved]
    return head + moved + rest, len(moved)

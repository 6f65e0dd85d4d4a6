"""Retrieval evaluation on a BEIR dataset: every mode, scored at document level.

The corpus is ingested into its own collection (``title``, a blank line, then
``text``; source ``beir:<_id>``), each query is searched in every mode in turn
(so all modes meet the same machine load), the chunk hits are mapped back to
their documents (a document ranks at its best chunk), and the rankings are
scored against the judgements.

Every mode needs the question's embedding (dense to search, all of them for
the ``similarity`` the chain's relevance threshold reads), so each query is
embedded once and each mode's latency is that embedding time plus its own
search time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.eval.corpus import collection_name, open_eval_collection
from rag.eval.datasets import BeirDataset, file_fingerprint
from rag.eval.metrics import dedupe_ranking, mrr_at_k, ndcg_at_k, percentile, recall_at_k
from rag.eval.run import EvalProgress, EvalRun, ProgressFn, settings_summary
from rag.settings import RETRIEVAL_MODES, Settings

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

__all__ = ["SOURCE_PREFIX", "beir_documents", "evaluate_retrieval"]

logger = logging.getLogger(__name__)

SOURCE_PREFIX = "beir:"
DEPTH = 100
"""Chunks retrieved per query: enough for Recall@100 at document level in most cases."""


def beir_documents(dataset: BeirDataset) -> list[Document]:
    """One LangChain document per corpus entry, title first, source ``beir:<_id>``."""
    from langchain_core.documents import Document

    return [
        Document(
            page_content=f"{title}\n\n{text}" if title else text,
            metadata={"source": f"{SOURCE_PREFIX}{doc_id}", "title": title},
        )
        for doc_id, (title, text) in dataset.corpus.items()
    ]


def _doc_ranking(chunks: Sequence[Document]) -> list[str]:
    ids = []
    for chunk in chunks:
        source = str(chunk.metadata.get("source", ""))
        ids.append(source.removeprefix(SOURCE_PREFIX))
    return dedupe_ranking(ids)


def evaluate_retrieval(
    dataset: BeirDataset,
    settings: Settings,
    *,
    modes: Sequence[str] = RETRIEVAL_MODES,
    limit: int | None = None,
    depth: int = DEPTH,
    embeddings: Embeddings | None = None,
    progress: ProgressFn | None = None,
) -> EvalRun:
    """Measure nDCG@10, Recall@10/100, MRR@10 and query latency for each mode.

    Args:
        dataset: The BEIR dataset (one split).
        settings: Project settings; the store path, embedding and chunking count.
        modes: Retrieval modes to compare, all measured in this run.
        limit: Evaluate only the first ``limit`` judged queries.
        depth: Chunks retrieved per query (and candidates per side).
        embeddings: The embedding model to build the collection with; defaults to
            the settings' model. Queries are embedded with the model the
            collection's vectors come from (a tuned collection's own).
        progress: Receives ``ingest`` then ``retrieval`` updates.

    Returns:
        The run; ``metrics`` has one section per mode.

    Raises:
        ConfigError: For an unknown mode.
    """
    from rag.errors import ConfigError
    from rag.retrieval import HybridRetriever

    unknown = [m for m in modes if m not in RETRIEVAL_MODES]
    if unknown or not modes:
        choices = ", ".join(RETRIEVAL_MODES)
        raise ConfigError(f"unknown retrieval mode(s) {unknown}; choose from {choices}")
    started = time.perf_counter()
    from rag.models import make_embeddings

    name = collection_name("beir", file_fingerprint(dataset.corpus_file), settings)
    embeddings = embeddings or make_embeddings(settings)
    collection = open_eval_collection(
        lambda: beir_documents(dataset),
        settings,
        name=name,
        embeddings=embeddings,
        progress=progress,
    )
    embeddings = collection.index.embeddings  # a tuned collection's own model
    query_ids = list(dataset.queries)[:limit] if limit else list(dataset.queries)
    retrievers = {
        m: HybridRetriever(index=collection.index, mode=m, top_k=depth, fetch_k=depth,
                           rrf_k=settings.retrieval.rrf_k,
                           document_prior=settings.retrieval.document_prior)
        for m in modes
    }
    scores: dict[str, dict[str, list[float]]] = {m: {} for m in modes}
    try:
        for done, qid in enumerate(query_ids, start=1):
            qrels = dataset.qrels[qid]
            mark = time.perf_counter()
            vector = embeddings.embed_query(dataset.queries[qid])  # once, for every mode
            embed_s = time.perf_counter() - mark
            for mode, retriever in retrievers.items():
                mark = time.perf_counter()
                chunks = retriever.search(dataset.queries[qid], query_vector=vector)
                latency = embed_s + time.perf_counter() - mark
                ranking = _doc_ranking(chunks)
                row = scores[mode]
                row.setdefault("nDCG@10", []).append(ndcg_at_k(ranking, qrels, 10))
                row.setdefault("Recall@10", []).append(recall_at_k(ranking, qrels, 10))
                row.setdefault("Recall@100", []).append(recall_at_k(ranking, qrels, 100))
                row.setdefault("MRR@10", []).append(mrr_at_k(ranking, qrels, 10))
                row.setdefault("latency", []).append(latency)
            if progress is not None:
                progress(EvalProgress("retrieval", done, len(query_ids)))
    finally:
        collection.index.close()
    metrics: dict[str, dict[str, float | None]] = {}
    for mode, row in scores.items():
        latencies = row.pop("latency", [])
        metrics[mode] = {name: sum(v) / len(v) for name, v in row.items() if v}
        metrics[mode]["latency p50 ms"] = _ms(percentile(latencies, 50))
        metrics[mode]["latency p95 ms"] = _ms(percentile(latencies, 95))
    return EvalRun(
        kind="retrieval",
        params={
            "dataset": str(dataset.path),
            "split": dataset.split,
            "modes": list(modes),
            "limit": limit,
            "depth_chunks": depth,
        },
        metrics=metrics,
        counts={
            "queries": len(query_ids),
            "documents": len(dataset.corpus),
            "chunks": collection.chunks,
        },
        settings=settings_summary(settings),
        collection=collection.describe(),
        elapsed_s=round(time.perf_counter() - started, 2),
    )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)

"""How to fuse dense and BM25 rankings: the figures behind ``retrieval.rrf_k``.

On the SciFact eval collection (built, or reused, exactly as ``rag eval
retrieval`` does), each query is searched once densely and once with BM25, at
the eval's depth. The two rankings are then fused offline in several ways and
scored with document-level nDCG@10, separately on the queries at odd and at
even positions, to see whether a gain holds on queries it was not picked on
(SciFact ships only a train split here).

Usage: ``.venv/bin/python bench/fusion_bench.py [--dataset DIR] [--split train]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

Ranked = list[tuple[str, float]]
"""(document id, score) per chunk, best first."""


def rrf(k: int) -> Callable[[Ranked, Ranked], list[str]]:
    """Reciprocal rank fusion of the two chunk rankings, with constant ``k``."""
    from rag.retrieval import reciprocal_rank_fusion

    def fuse(dense: Ranked, bm25: Ranked) -> list[str]:
        return [c for c, _ in reciprocal_rank_fusion([[c for c, _ in dense], [c for c, _ in bm25]], k)]

    return fuse


def blend(dense_weight: float) -> Callable[[Ranked, Ranked], list[str]]:
    """Min-max normalised score blend: ``w * dense + (1 - w) * bm25``."""

    def norm(ranked: Ranked) -> dict[str, float]:
        if not ranked:
            return {}
        low, high = min(s for _, s in ranked), max(s for _, s in ranked)
        return {c: (s - low) / (high - low or 1.0) for c, s in ranked}

    def fuse(dense: Ranked, bm25: Ranked) -> list[str]:
        d, b = norm(dense), norm(bm25)
        scores = {c: dense_weight * d.get(c, 0.0) + (1 - dense_weight) * b.get(c, 0.0)
                  for c in d.keys() | b.keys()}
        return sorted(scores, key=scores.__getitem__, reverse=True)

    return fuse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("/work/shared/data/scifact"))
    parser.add_argument("--split", default="train")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/fusion.json")
    args = parser.parse_args()

    from rag.eval.beir import DEPTH, SOURCE_PREFIX, beir_documents
    from rag.eval.corpus import collection_name, open_eval_collection
    from rag.eval.datasets import file_fingerprint, load_beir
    from rag.eval.metrics import dedupe_ranking, ndcg_at_k
    from rag.models import ensure_offline
    from rag.retrieval import HybridRetriever
    from rag.settings import load_settings

    ensure_offline()
    settings = load_settings()
    dataset = load_beir(args.dataset, args.split)
    name = collection_name("beir", file_fingerprint(dataset.corpus_file), settings)
    index = open_eval_collection(lambda: beir_documents(dataset), settings, name=name).index
    dense = HybridRetriever(index=index, mode="dense", top_k=DEPTH, fetch_k=DEPTH)
    doc_of: dict[str, str] = {}
    runs: list[tuple[str, Ranked, Ranked]] = []
    try:
        for qid, query in dataset.queries.items():
            chunks = dense.search(query)
            doc_of.update((d.metadata["chunk_id"], d.metadata["source"]) for d in chunks)
            hits = index.keywords.search(query, DEPTH)
            doc_of.update((h.id, h.source) for h in hits)
            runs.append((qid,
                         [(d.metadata["chunk_id"], d.metadata["similarity"]) for d in chunks],
                         [(h.id, h.score) for h in hits]))
    finally:
        index.close()

    def score(fuse: Callable[[Ranked, Ranked], list[str]], part: Sequence) -> float:
        total = 0.0
        for qid, d, b in part:
            ranking = dedupe_ranking(doc_of[c].removeprefix(SOURCE_PREFIX) for c in fuse(d, b))
            total += ndcg_at_k(ranking, dataset.qrels[qid], 10)
        return round(total / len(part), 4)

    variants = {
        "dense only": lambda d, b: [c for c, _ in d],
        "BM25 only": lambda d, b: [c for c, _ in b],
        **{f"RRF k={k}": rrf(k) for k in (60, 30, 10, 5)},
        **{f"score blend, {w} dense": blend(w) for w in (0.4, 0.5, 0.6)},
    }
    halves = (runs[0::2], runs[1::2])
    result = {name: {"all": score(f, runs), "half A": score(f, halves[0]),
                     "half B": score(f, halves[1])} for name, f in variants.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"queries": len(runs), "depth": DEPTH, "nDCG@10": result},
                                   indent=2) + "\n")
    print(f"{len(runs)} queries, depth {DEPTH}\n")
    print("| fusion | all | half A (odd) | half B (even) |\n|---|---|---|---|")
    for name, r in result.items():
        print(f"| {name} | {r['all']} | {r['half A']} | {r['half B']} |")


if __name__ == "__main__":
    main()

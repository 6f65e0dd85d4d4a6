"""Query latency: retrieval per mode at the chain's own settings, and "not found" answers.

Uses the SciFact eval collection (built, or reused, exactly as
``rag eval retrieval`` does: about 16,600 chunks) and times, for each SciFact
query, the full retrieval step of the chain (question embedding + search +
fetching the top-k chunks) in every mode with the default settings (top_k 4,
fetch_k 20). Then it times complete chain answers for questions the corpus
does not cover, which should come back "not found" without calling the LLM
(those that pass the relevance threshold are listed, not timed).
Prints a Markdown table and writes JSON.

Usage: ``.venv/bin/python bench/query_bench.py [--dataset DIR] [--limit N]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OFF_TOPIC = [
    "Who won the football world cup in 1998?",
    "What is the best recipe for banana bread?",
    "How do I change a flat bicycle tyre?",
    "Which city hosts the Eurovision song contest next year?",
    "What is the plot of the novel Moby Dick?",
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared/data/scifact")
    parser.add_argument("--split", default="train")
    parser.add_argument("--limit", type=int, default=300, help="Queries timed per mode.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/query.json")
    args = parser.parse_args()

    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from rag.chain import build_chain
    from rag.eval.beir import beir_documents
    from rag.eval.corpus import collection_name, open_eval_collection
    from rag.eval.datasets import file_fingerprint, load_beir
    from rag.retrieval import HybridRetriever
    from rag.settings import load_settings

    settings = load_settings()
    dataset = load_beir(args.dataset, args.split)
    name = collection_name("beir", file_fingerprint(dataset.corpus_file), settings)
    collection = open_eval_collection(lambda: beir_documents(dataset), settings, name=name)
    index = collection.index
    queries = [q for q in dataset.queries.values()][: args.limit]
    results: dict[str, object] = {"chunks": index.count(), "queries": len(queries)}

    index.embeddings.embed_query("warm up")
    for mode in ("dense", "bm25", "hybrid"):
        retriever = HybridRetriever.from_settings(
            index, settings.retrieval.model_copy(update={"mode": mode})
        )
        timings = []
        for query in queries:
            started = time.perf_counter()
            retriever.invoke(query)
            timings.append(time.perf_counter() - started)
        results[f"retrieve_{mode}"] = _percentiles(timings)

    # A scripted LLM: only "not found" answers (which never call it) are timed.
    llm = FakeListChatModel(responses=["(scripted)"])
    chain = build_chain(collection.settings, llm=llm, index=index)
    timings, reached_llm = [], set()
    for question in OFF_TOPIC * 10:
        started = time.perf_counter()
        answer = chain.invoke({"question": question})
        if answer.not_found:
            timings.append(time.perf_counter() - started)
        else:
            reached_llm.add(question)
    results["not_found_answer"] = _percentiles(timings)
    results["off_topic_reaching_llm"] = sorted(reached_llm)
    index.close()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"collection: {results['chunks']} chunks; {results['queries']} queries per mode")
    print(f"off-topic questions that passed the relevance threshold: {reached_llm or 'none'}\n")
    print("| measure | p50 ms | p95 ms |\n|---|---|---|")
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"| {key} | {value['p50_ms']} | {value['p95_ms']} |")


if __name__ == "__main__":
    main()

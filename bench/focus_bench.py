"""Does focusing the context lose the answer? The figures behind ``context_min_share``.

On the SQuAD 2.0 eval collection of articles 0-3 (built, or reused, exactly as
``rag eval qa --articles 0-3`` does), for a sample of answerable questions:
retrieve with the default settings, keep the relevant chunks, focus them to
the best ``context_sentences`` sentences with several ``min_share`` values,
and count how often a reference answer is still inside what the LLM would see
(and how many words that is). No LLM is involved.

Usage: ``.venv/bin/python bench/focus_bench.py [--squad FILE] [--questions N]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARTICLES = [0, 1, 2, 3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path,
                        default=Path("/work/shared/data/squad2/dev-v2.0-part1.json"))
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/focus.json")
    args = parser.parse_args()

    from rag.eval.datasets import file_fingerprint, load_squad
    from rag.eval.metrics import contains_reference
    from rag.eval.qa import open_squad_collection, sample_questions
    from rag.focus import focus_documents
    from rag.models import ensure_offline
    from rag.retrieval import HybridRetriever
    from rag.settings import load_settings

    ensure_offline()
    settings = load_settings()
    cfg = settings.retrieval
    articles = load_squad(args.squad)
    chosen = [articles[n] for n in ARTICLES]
    index = open_squad_collection(articles, settings, corpus_key=file_fingerprint(args.squad),
                                  ingest=ARTICLES).index
    sample = [s.question for s in sample_questions(chosen, seed=0) if s.group == "answerable"]
    random.Random(args.seed).shuffle(sample)
    sample = sample[: args.questions]
    retriever = HybridRetriever.from_settings(index, cfg)
    rows = []
    try:
        for q in sample:
            vector = index.embeddings.embed_query(q.question)
            found = retriever.search(q.question, query_vector=vector)
            relevant = [d for d in found if d.metadata["similarity"] >= cfg.min_relevance]
            if relevant:
                rows.append((q, relevant, vector))
        result = {}
        for share in (0.0, 0.5, 0.6, 0.7):
            inside = words = 0
            for q, relevant, vector in rows:
                focused = focus_documents(q.question, relevant, index.embeddings,
                                          max_sentences=cfg.context_sentences, min_share=share,
                                          query_vector=vector)
                text = " ".join(d.page_content for d in focused if d is not None)
                inside += contains_reference(text, q.answers)
                words += len(text.split())
            result[str(share)] = {"answer_inside": round(inside / len(rows), 3),
                                  "words": round(words / len(rows))}
    finally:
        index.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"questions": len(sample), "with_relevant_chunks": len(rows),
                                    "context_sentences": cfg.context_sentences,
                                    "by_min_share": result}, indent=2) + "\n")
    print(f"{len(sample)} answerable questions, {len(rows)} with relevant chunks; "
          f"{cfg.context_sentences} sentences\n")
    print("| min_share | answer inside the shown text | words shown (mean) |\n|---|---|---|")
    for share, r in result.items():
        print(f"| {share} | {r['answer_inside']:.1%} | {r['words']} |")


if __name__ == "__main__":
    main()

"""Does focusing the context lose the answer? The figures behind ``context_min_share``
and ``context_lexical_weight``.

On a SQuAD 2.0 collection of some articles (built, or reused, exactly as
``rag eval qa --articles ...`` does; default 0-3, the evaluation's; 4-7 is the
development split), for a sample of answerable questions: retrieve with the
default settings, keep the relevant chunks, focus them to the best
``context_sentences`` sentences with several ``min_share`` values (similarity
alone), then with several ``lexical_weight`` values (default ``min_share``),
and count how often a reference answer is still inside what the LLM would see
(and how many words that is). No LLM is involved.

Usage: ``.venv/bin/python bench/focus_bench.py [--squad FILE] [--articles 4-7] [--questions N]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path,
                        default=Path("/work/shared/data/squad2/dev-v2.0-part1.json"))
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--articles", default="0-3", help="articles to ingest, e.g. 4-7")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/focus.json")
    args = parser.parse_args()

    from rag.answer.focus import focus_documents
    from rag.eval.datasets import file_fingerprint, load_squad, parse_ranges
    from rag.eval.metrics import contains_reference
    from rag.eval.qa import open_squad_collection, sample_questions
    from rag.models import ensure_offline
    from rag.retrieval import HybridRetriever
    from rag.settings import load_settings

    ensure_offline()
    settings = load_settings()
    cfg = settings.retrieval
    articles = load_squad(args.squad)
    ingested = parse_ranges(args.articles)
    chosen = [articles[n] for n in ingested]
    index = open_squad_collection(articles, settings, corpus_key=file_fingerprint(args.squad),
                                  ingest=ingested).index
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
        def measure(share: float, weight: float) -> dict[str, float]:
            inside = words = 0
            for q, relevant, vector in rows:
                focused = focus_documents(q.question, relevant, index.embeddings,
                                          max_sentences=cfg.context_sentences, min_share=share,
                                          query_vector=vector, lexical_weight=weight)
                text = " ".join(d.page_content for d in focused if d is not None)
                inside += contains_reference(text, q.answers)
                words += len(text.split())
            return {"answer_inside": round(inside / len(rows), 3),
                    "words": round(words / len(rows))}

        result = {str(share): measure(share, 0.0) for share in (0.0, 0.5, 0.6, 0.7)}
        by_weight = {str(w): measure(cfg.context_min_share, w) for w in (0.0, 0.1, 0.3, 0.5, 1.0)}
    finally:
        index.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"articles": ingested, "questions": len(sample),
                                    "with_relevant_chunks": len(rows),
                                    "context_sentences": cfg.context_sentences,
                                    "by_min_share": result,
                                    "by_lexical_weight": by_weight}, indent=2) + "\n")
    print(f"{len(sample)} answerable questions, {len(rows)} with relevant chunks; "
          f"{cfg.context_sentences} sentences\n")
    print("| min_share | answer inside the shown text | words shown (mean) |\n|---|---|---|")
    for share, r in result.items():
        print(f"| {share} | {r['answer_inside']:.1%} | {r['words']} |")
    print(f"\n| lexical_weight (min_share {cfg.context_min_share}) | answer inside | words |"
          "\n|---|---|---|")
    for weight, r in by_weight.items():
        print(f"| {weight} | {r['answer_inside']:.1%} | {r['words']} |")


if __name__ == "__main__":
    main()

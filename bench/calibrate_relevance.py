"""Calibrate ``retrieval.min_relevance`` (the "not found" threshold) on SQuAD 2.0.

The chain answers "not found" without calling the LLM when no retrieved chunk
has a cosine similarity of at least ``min_relevance`` to the question. This
script picks that threshold from data instead of guessing it:

1. **Development split**: the paragraphs of articles 4-7 of the SQuAD file are
   ingested (exactly as ``rag eval qa`` builds its collections); their
   answerable questions must be answered, the questions of articles 0-3
   (not ingested, so not covered) should be refused. The file holds only
   eight articles, so this is the evaluation's split with the roles swapped. For each question the
   best similarity among the default retriever's top chunks is recorded.
2. **Choice**: the highest threshold whose false abstention on the answerable
   development questions stays at or under ``--max-false`` (default 5%, half
   of issue 4's 10% budget, so the support check and sampling noise have
   room); it is the threshold that refuses the most off-corpus questions
   within that budget.
3. **Held-out check**: the same measurement on the split ``rag eval qa``
   uses (ingested 0-3, off-corpus 4-7). Its answerable questions and its
   collection played no part in the choice.

No LLM is involved: this is the pre-LLM abstention only. Near-miss questions
(``is_impossible``) are reported too; similarity alone barely separates them.

Usage::

    .venv/bin/python bench/calibrate_relevance.py [--squad FILE] [--max-false 0.05]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV = ([4, 5, 6, 7], [0, 1, 2, 3])
HELD_OUT = ([0, 1, 2, 3], [4, 5, 6, 7])
GRID = [round(0.20 + 0.01 * i, 2) for i in range(31)]  # 0.20 .. 0.50


def best_similarities(
    articles: list, settings, corpus_key: str, ingested: list[int], off_corpus: list[int]
) -> dict:
    """Best retrieved similarity per question group for one ingested/off-corpus split."""
    from rag.eval.qa import open_squad_collection, sample_questions
    from rag.retrieval import HybridRetriever

    index = open_squad_collection(articles, settings, corpus_key=corpus_key, ingest=ingested).index
    retriever = HybridRetriever.from_settings(index, settings.retrieval)
    groups: dict[str, list[float]] = {"answerable": [], "impossible": [], "off_corpus": []}
    chosen = [articles[n] for n in ingested]
    try:
        for item in sample_questions(chosen, [articles[n] for n in off_corpus], seed=0):
            found = retriever.search(item.question.question)
            groups[item.group].append(max((d.metadata["similarity"] for d in found), default=-1))
    finally:
        index.close()
    return groups


def rates(groups: dict[str, list[float]], threshold: float) -> dict[str, float]:
    """Share of each group that would get "not found" at ``threshold``."""
    return {g: round(sum(s < threshold for s in v) / len(v), 4) for g, v in groups.items() if v}


def choose(groups: dict[str, list[float]], max_false: float) -> float:
    """The highest grid threshold whose false abstention is at most ``max_false``."""
    allowed = [t for t in GRID if rates(groups, t)["answerable"] <= max_false]
    return max(allowed) if allowed else GRID[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path,
                        default=Path("/work/shared/data/squad2/dev-v2.0-part1.json"))
    parser.add_argument("--max-false", type=float, default=0.05)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/calibration.json")
    args = parser.parse_args()

    from rag.eval.datasets import file_fingerprint, load_squad
    from rag.models import ensure_offline
    from rag.settings import load_settings

    ensure_offline()
    settings = load_settings()
    articles = load_squad(args.squad)
    key = file_fingerprint(args.squad)
    dev = best_similarities(articles, settings, key, *DEV)
    held = best_similarities(articles, settings, key, *HELD_OUT)
    chosen = choose(dev, args.max_false)
    result = {
        "dev_split": {"ingested": DEV[0], "off_corpus": DEV[1],
                      "questions": {g: len(v) for g, v in dev.items()}},
        "held_out_split": {"ingested": HELD_OUT[0], "off_corpus": HELD_OUT[1],
                           "questions": {g: len(v) for g, v in held.items()}},
        "max_false": args.max_false,
        "chosen": chosen,
        "curve": [{"threshold": t, "dev": rates(dev, t), "held_out": rates(held, t)}
                  for t in GRID],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print("| threshold | dev: false abstention | dev: off-corpus refused | dev: impossible "
          "refused | held-out: false | held-out: off-corpus | held-out: impossible |")
    print("|---|---|---|---|---|---|---|")
    for row in result["curve"]:
        if round(row["threshold"] * 100) % 5 and row["threshold"] != chosen:
            continue
        d, h = row["dev"], row["held_out"]
        mark = "**" if row["threshold"] == chosen else ""
        print(f"| {mark}{row['threshold']:.2f}{mark} | {d['answerable']:.1%} | "
              f"{d['off_corpus']:.1%} | {d['impossible']:.1%} | {h['answerable']:.1%} | "
              f"{h['off_corpus']:.1%} | {h['impossible']:.1%} |")
    print(f"\nchosen min_relevance: {chosen} (false abstention <= {args.max_false:.0%} on dev)")


if __name__ == "__main__":
    main()

"""How well could any quote of the retrieved chunks score? The ceiling of quoted answers on sec10q.

A quoted answer is at most three sentences of the retrieved chunks and about
80 words (:mod:`rag.answer.quotes`). This bench asks, for each sec10q question, what
the best such choice would score against the reference answer if the
reference were known: sentences are added greedily, each time the one that
raises the content-word F1 most, while the words fit. It reports that F1 and
the reference numbers the chosen sentences hold, next to what the chain's own
choice scores, so the gap that ranking can still close is apart from the gap
that the answer's shape (verbatim, short) leaves.

No LLM; the chain's evidence (retrieval, then every sentence scored) is
computed once per question, with the fitted rules.

Usage::

    RAG_STORE__PATH=/tmp/evalstore .venv/bin/python bench/quote_ceiling.py \\
        [--sec10q ../shared/data/sec10q]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"


def greedy_best(units, reference: str, *, max_quotes: int, max_words: int) -> list:
    """The units, at most ``max_quotes`` and ``max_words`` words, that greedily maximise F1."""
    from rag.eval.facts import content_f1

    chosen: list = []
    best = 0.0
    while len(chosen) < max_quotes:
        pick = None
        for unit in units:
            if unit in chosen or sum(u.words for u in chosen) + unit.words > max_words:
                continue
            score = content_f1(" ".join(u.text for u in [*chosen, unit]), reference)
            if score > best:
                best, pick = score, unit
        if pick is None:
            break
        chosen.append(pick)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sec10q", type=Path, default=DATA / "sec10q")
    args = parser.parse_args()

    from fit_quote_rules import quoting_chain

    from rag.answer.evidence import reweigh_ranks
    from rag.answer.quotes import ANSWER_WORDS, MAX_QUOTES, fitted_rules, pick_quotes
    from rag.eval.docs import load_qna, open_docs_collection
    from rag.eval.facts import check_facts, content_f1
    from rag.eval.metrics import mean
    from rag.settings import load_settings

    settings = load_settings()
    collection, _ = open_docs_collection(args.sec10q / "docs", settings)
    chain = quoting_chain(settings, collection.index)
    rules = fitted_rules()
    scores: dict[str, list[float]] = {"chain_f1": [], "ceiling_f1": [],
                                      "chain_numbers": [], "ceiling_numbers": []}
    questions = load_qna(args.sec10q / "qna_data.csv")
    try:
        for done, q in enumerate(questions, start=1):
            ranked = reweigh_ranks(chain.evidence(q.question)[1], rules.rank_weight)
            quoted = (pick_quotes(ranked, min_share=rules.min_share)
                      if ranked and ranked[0].score >= rules.min_score else [])
            best = greedy_best(ranked, q.answer, max_quotes=MAX_QUOTES, max_words=ANSWER_WORDS)
            for name, units in (("chain", quoted), ("ceiling", best)):
                text = " ".join(u.text for u in units)
                scores[f"{name}_f1"].append(content_f1(text, q.answer))
                numbers = check_facts(text, q.answer).number_recall
                if numbers is not None:
                    scores[f"{name}_numbers"].append(numbers)
            if done % 20 == 0:
                print(f"{done}/{len(questions)} questions", file=sys.stderr, flush=True)
    finally:
        collection.index.close()
    print(json.dumps({name: round(mean(values) or 0.0, 4) for name, values in scores.items()},
                     indent=2))


if __name__ == "__main__":
    main()

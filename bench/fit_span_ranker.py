"""Fit the weights of the extractive answer ranker (``rag.answer.extract``) on development data.

On the SQuAD 2.0 development split (articles 4-7 of part 1 ingested, exactly as
``bench/calibrate_relevance.py`` uses them; the evaluation ingests 0-3):

1. For every answerable question, take the passages the chain shows (retrieval
   and focusing with the project's settings, no LLM) and cut them into
   candidate phrases with their features (``rag.answer.extract.candidate_spans``).
2. Fit the feature weights: a softmax over each question's candidates whose
   target is proportional to each candidate's token F1 against the reference
   answers (gradient descent, L2 0.01). Each kind of question
   (``rag.answer.extract.KINDS``) gets weights of its own: a shared weight plus one
   for its kind, fitted at once, so that the L2 penalty pulls a kind towards
   the shared weights where its own questions say little. Two-fold
   cross-validation figures are reported too, and where the features-only
   choice loses: questions with no right candidate, a phrase of the wrong
   sentence, the wrong phrase of the right sentence.
3. On the first ``--model-questions`` questions (default all), score each question's 5 best
   candidates with the bundled LLM (``rag.answer.scoring``, shown only their
   sentences) and choose the weight of that score from a grid by mean F1
   (no widening); then, at that weight, the margin within which a longer
   phrase holding the chosen one replaces it (``widen_margin``), by
   the mean of F1 and "contains a reference" (the issue's two answer targets).
   Means less than one question apart are a tie, won by the smaller margin,
   since a larger one makes longer answers.

Writes the fitted weights (per kind: shared plus kind), the model weight and the
widening margin to the package's data file ``rag/answer/data/phrase_ranker.json``, which
``rag.answer.extract`` reads, and the figures to ``bench/results/span_ranker.json``.

Usage: ``.venv/bin/python bench/fit_span_ranker.py [--squad FILE] [--model-questions N]
[--top N] [--sentences N] [--neighbours N]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV_ARTICLES = [4, 5, 6, 7]
MODEL_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)
WIDEN_MARGINS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)


def fit(items: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.01, steps: int = 1500,
        rate: float = 0.1) -> np.ndarray:
    """Softmax-over-candidates regression towards F1-proportional targets."""
    items = [(x, y) for x, y in items if y.max() > 0]
    weights = np.zeros(items[0][0].shape[1])
    for _ in range(steps):
        gradient = l2 * weights
        for x, y in items:
            s = x @ weights
            p = np.exp(s - s.max())
            p /= p.sum()
            gradient += x.T @ (p - y / y.sum()) / len(items)
        weights -= rate * gradient
    return weights


def by_kind(x: np.ndarray, kind: str, kinds: tuple[str, ...]) -> np.ndarray:
    """The features twice over: shared columns, then the columns of ``kind`` (others zero)."""
    crossed = np.zeros((x.shape[0], x.shape[1] * (1 + len(kinds))))
    crossed[:, : x.shape[1]] = x
    at = x.shape[1] * (1 + kinds.index(kind))
    crossed[:, at: at + x.shape[1]] = x
    return crossed


def per_kind(weights: np.ndarray, features: tuple[str, ...],
             kinds: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Fitted shared-plus-kind weights: kind -> feature -> weight."""
    n = len(features)
    return {kind: {f: round(float(weights[i] + weights[n * (1 + k) + i]), 2) + 0.0  # no -0.0
                   for i, f in enumerate(features)} for k, kind in enumerate(kinds)}


def _losses(weights: np.ndarray, rows: list, contains_reference) -> dict[str, float]:
    """Where the features-only choice (``weights``) loses, as shares of all questions:
    no candidate holds a reference answer, or the chosen one is of another sentence
    than every right one, or of a right one's sentence but the wrong phrase."""
    counts = {"some_candidate_right": 0, "chosen_right": 0, "wrong_sentence": 0, "wrong_phrase": 0}
    for q, _, x, _, texts, sentences in rows:
        right = [n for n, text in enumerate(texts) if contains_reference(text, q.answers)]
        if not right:
            continue
        counts["some_candidate_right"] += 1
        best = int(np.argmax(x @ weights))
        if best in right:
            counts["chosen_right"] += 1
        elif any(sentences[n] == sentences[best] for n in right):
            counts["wrong_phrase"] += 1
        else:
            counts["wrong_sentence"] += 1
    return {k: round(v / len(rows), 3) for k, v in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path,
                        default=Path("/work/shared/data/squad2/dev-v2.0-part1.json"))
    parser.add_argument("--model-questions", type=int, default=None,
                        help="questions the model weight is chosen on (default: all)")
    parser.add_argument("--top", type=int, default=5, help="candidates the model scores")
    parser.add_argument("--sentences", type=int, default=None,
                        help="retrieval.context_sentences (default: the settings')")
    parser.add_argument("--neighbours", type=int, default=None,
                        help="retrieval.context_neighbours (default: the settings')")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/span_ranker.json")
    args = parser.parse_args()

    from rag.answer.extract import (
        FEATURES,
        KINDS,
        candidate_spans,
        choose_span,
        question_kind,
        ranker_path,
    )
    from rag.chain import build_chain
    from rag.eval.datasets import file_fingerprint, load_squad
    from rag.eval.metrics import contains_reference, squad_f1
    from rag.eval.qa import open_squad_collection, sample_questions
    from rag.models import ensure_offline, make_llm
    from rag.settings import load_settings

    ensure_offline()
    overrides: dict = {"prompts": {"qa_template": "extractive_qa"}}
    retrieval = {k: v for k, v in {"context_sentences": args.sentences,
                                   "context_neighbours": args.neighbours}.items() if v is not None}
    if retrieval:
        overrides["retrieval"] = retrieval
    settings = load_settings(**overrides)
    articles = load_squad(args.squad)
    collection = open_squad_collection(articles, settings, corpus_key=file_fingerprint(args.squad),
                                       ingest=DEV_ARTICLES)
    chain = build_chain(collection.settings, llm=make_llm(settings), index=collection.index)
    sample = [s.question for s in sample_questions([articles[n] for n in DEV_ARTICLES], seed=0)
              if s.group == "answerable"]
    unweighted = {kind: dict.fromkeys(FEATURES, 0.0) for kind in KINDS}
    rows = []
    try:
        for q in sample:
            passages = [d.page_content if d is not None else None
                        for d in chain.shown_passages(q.question)]
            cands = candidate_spans(q.question, passages, weights=unweighted)
            x = by_kind(np.array([[c.features[k] for k in FEATURES] for c in cands], dtype=float)
                        .reshape(len(cands), len(FEATURES)), question_kind(q.question), KINDS)
            y = np.array([squad_f1(c.text, q.answers) for c in cands])
            rows.append((q, passages, x, y, [c.text for c in cands], [c.sentence for c in cands]))

        def figures(weights: np.ndarray, subset: list) -> dict[str, float]:
            contains = f1 = 0.0
            for q, _, x, y, texts, _ in subset:
                if len(y):
                    best = int(np.argmax(x @ weights))
                    f1 += y[best]
                    contains += contains_reference(texts[best], q.answers)
            return {"contains": round(contains / len(subset), 3), "f1": round(f1 / len(subset), 3)}

        usable = [(x, y) for _, _, x, y, _, _ in rows if len(y)]
        halves = rows[::2], rows[1::2]
        cross = [figures(fit([(x, y) for _, _, x, y, _, _ in a if len(y)]), b)
                 for a, b in (halves, halves[::-1])]
        weights = fit(usable)
        fitted = per_kind(weights, FEATURES, KINDS)
        lexical = figures(weights, rows)
        losses = _losses(weights, rows, contains_reference)

        scored = rows[: args.model_questions]
        cache: dict[str, list] = {}

        def with_model(alpha: float, margin: float) -> dict[str, float]:
            contains = f1 = 0.0
            for q, passages, *_ in scored:
                def rescore(top, q=q, passages=passages):
                    if q.id not in cache:
                        cache[q.id] = chain.writer.score_candidates(q.question, passages, top)
                    return cache[q.id]
                best = choose_span(q.question, passages, rescore=rescore, weights=fitted,
                                   model_weight=alpha, top=args.top, widen_margin=margin)
                if best is not None:
                    f1 += squad_f1(best.text, q.answers)
                    contains += contains_reference(best.text, q.answers)
            return {"contains": round(contains / len(scored), 3), "f1": round(f1 / len(scored), 3)}

        by_model_weight = {str(a): with_model(a, 0.0) for a in MODEL_WEIGHTS}
        alpha = max(MODEL_WEIGHTS, key=lambda a: by_model_weight[str(a)]["f1"])
        by_margin = {str(m): with_model(alpha, m) for m in WIDEN_MARGINS}
    finally:
        collection.index.close()
    means = {m: sum(by_margin[str(m)].values()) / 2 for m in WIDEN_MARGINS}
    one_question = 1 / (2 * len(scored))  # what one question more "contains" adds to a mean
    margin = min(m for m in WIDEN_MARGINS if means[m] > max(means.values()) - one_question)
    result = {
        "split": {"ingested_articles": DEV_ARTICLES, "answerable_questions": len(rows),
                  "with_candidates": len(usable), "model_questions": len(scored)},
        "weights": fitted, "model_weight": alpha, "widen_margin": margin,
        "features_only": {"fitted_on_all": lexical, "two_fold": cross, "losses": losses},
        "with_model_by_weight": by_model_weight,
        "with_model_by_widen_margin": by_margin,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    ranker = {
        "format": 1,
        "fitted_by": ".venv/bin/python bench/fit_span_ranker.py",
        "fitted_on": f"SQuAD 2.0 {args.squad.name}, articles {DEV_ARTICLES} (development split)",
        "kinds": list(KINDS), "features": list(FEATURES),
        "weights": fitted, "model_weight": alpha, "widen_margin": margin,
    }
    ranker_path().write_text(json.dumps(ranker, indent=2) + "\n")
    print(f"wrote {ranker_path()}")


if __name__ == "__main__":
    main()

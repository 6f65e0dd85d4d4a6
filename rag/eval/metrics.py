"""Metric functions: ranking quality, SQuAD answer scores, abstention, percentiles.

The facts of answers on real documents (numbers, names, sources) are in
:mod:`rag.eval.facts`.

All functions are pure and work on plain Python values, so they can be checked
against hand-computed cases.

Example:
    >>> from rag.eval.metrics import ndcg_at_k, squad_f1
    >>> round(ndcg_at_k(["b", "a"], {"a": 1}, 10), 4)
    0.6309
    >>> round(squad_f1("the Eiffel Tower", ["Eiffel Tower in Paris"]), 4)
    0.6667
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "AbstentionScores",
    "mean",
    "abstention_scores",
    "contains_reference",
    "dedupe_ranking",
    "mrr_at_k",
    "ndcg_at_k",
    "normalize_answer",
    "overlap_f1",
    "percentile",
    "recall_at_k",
    "squad_exact_match",
    "squad_f1",
]

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


def dedupe_ranking(ids: Iterable[str]) -> list[str]:
    """Keep each id at its best (first) rank: chunk hits to a document ranking.

    Args:
        ids: Document ids in ranked order, possibly repeated (one per chunk).

    Returns:
        The ids in order of first appearance.
    """
    return list(dict.fromkeys(ids))


def ndcg_at_k(ranking: Sequence[str], qrels: Mapping[str, float], k: int) -> float:
    """Normalised discounted cumulative gain at ``k`` (trec_eval's linear gain).

    ``DCG = sum(rel_i / log2(i + 1))`` over the first ``k`` ranks, divided by the
    DCG of the ideal ordering of every judged document. Repeated ids count
    once, at their first rank.

    Args:
        ranking: Retrieved ids, best first.
        qrels: Relevance grade per id (ids absent or graded 0 are not relevant).
        k: Cut-off.

    Returns:
        A value in [0, 1]; 0.0 when the query has no relevant document.
    """
    ideal = sorted((g for g in qrels.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    if idcg == 0:
        return 0.0
    ranked = dedupe_ranking(ranking)[:k]
    dcg = sum(max(qrels.get(d, 0.0), 0.0) / math.log2(i + 2) for i, d in enumerate(ranked))
    return dcg / idcg


def recall_at_k(ranking: Sequence[str], qrels: Mapping[str, float], k: int) -> float:
    """Share of the relevant documents found in the first ``k`` ranks.

    Args:
        ranking: Retrieved ids, best first.
        qrels: Relevance grade per id.
        k: Cut-off.

    Returns:
        A value in [0, 1]; 0.0 when the query has no relevant document.
    """
    relevant = {d for d, g in qrels.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(dedupe_ranking(ranking)[:k])) / len(relevant)


def mrr_at_k(ranking: Sequence[str], qrels: Mapping[str, float], k: int) -> float:
    """Reciprocal rank of the first relevant document within ``k`` (0 when none).

    Args:
        ranking: Retrieved ids, best first.
        qrels: Relevance grade per id.
        k: Cut-off.

    Returns:
        ``1 / rank`` of the first relevant id, or 0.0.
    """
    for rank, doc in enumerate(dedupe_ranking(ranking)[:k], start=1):
        if qrels.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def normalize_answer(text: str) -> str:
    """The official SQuAD normalisation.

    Lower case, remove punctuation, remove the articles a/an/the, collapse
    whitespace.

    Args:
        text: An answer.

    Returns:
        The normalised answer.

    Example:
        >>> normalize_answer("The  Normans, in France!")
        'normans in france'
    """
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def squad_exact_match(prediction: str, references: Sequence[str]) -> float:
    """1.0 when the normalised prediction equals a normalised reference.

    Args:
        prediction: The model's answer.
        references: The gold answers (an empty list counts as ``[""]``).

    Returns:
        1.0 or 0.0 (the best over the references).
    """
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(r) for r in references or [""]))


def _f1(prediction: str, reference: str) -> float:
    return overlap_f1(normalize_answer(prediction).split(), normalize_answer(reference).split())


def overlap_f1(pred: Sequence[str], gold: Sequence[str]) -> float:
    """Token-overlap F1 of two token lists (1.0 when both are empty)."""
    if not pred or not gold:
        return float(pred == gold)
    same = sum((Counter(pred) & Counter(gold)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(gold)
    return 2 * precision * recall / (precision + recall)


def squad_f1(prediction: str, references: Sequence[str]) -> float:
    """Token-overlap F1 of the official SQuAD script, best over the references.

    Args:
        prediction: The model's answer.
        references: The gold answers (an empty list counts as ``[""]``).

    Returns:
        A value in [0, 1].
    """
    return max(_f1(prediction, r) for r in references or [""])


def contains_reference(prediction: str, references: Sequence[str]) -> bool:
    """True when a normalised reference appears in the normalised prediction as whole words.

    Args:
        prediction: The model's answer.
        references: The gold answers.

    Returns:
        Whether any non-empty reference is contained.

    Example:
        >>> contains_reference("It was built in 1973.", ["1973"])
        True
        >>> contains_reference("In 19734.", ["1973"])
        False
    """
    pred = f" {normalize_answer(prediction)} "
    return any(
        ref and f" {ref} " in pred for ref in (normalize_answer(r) for r in references)
    )


@dataclass(frozen=True)
class AbstentionScores:
    """Abstention as a detector of unanswerable questions.

    Attributes:
        precision: Of the abstentions, the share on unanswerable questions
            (None when nothing was abstained).
        recall: Of the unanswerable questions, the share abstained on (None
            when there were none).
        false_abstention_rate: Of the answerable questions, the share abstained
            on (None when there were none).
        abstained: Number of abstentions.
        unanswerable: Number of unanswerable questions.
        answerable: Number of answerable questions.
    """

    precision: float | None
    recall: float | None
    false_abstention_rate: float | None
    abstained: int
    unanswerable: int
    answerable: int


def abstention_scores(abstained: Sequence[bool], unanswerable: Sequence[bool]) -> AbstentionScores:
    """Precision and recall of abstaining, with unanswerable as the positive class.

    Args:
        abstained: Per question, whether the system said "not found".
        unanswerable: Per question, whether it cannot be answered from the documents.

    Returns:
        The scores; a ratio with a zero denominator is None, not 0.

    Raises:
        ValueError: When the two sequences differ in length.
    """
    if len(abstained) != len(unanswerable):
        raise ValueError("abstained and unanswerable must have the same length")
    pairs = list(zip(abstained, unanswerable, strict=True))
    true_pos = sum(1 for a, u in pairs if a and u)
    n_abstained = sum(1 for a, _ in pairs if a)
    n_unanswerable = sum(1 for _, u in pairs if u)
    n_answerable = len(pairs) - n_unanswerable
    false_pos = n_abstained - true_pos
    return AbstentionScores(
        precision=true_pos / n_abstained if n_abstained else None,
        recall=true_pos / n_unanswerable if n_unanswerable else None,
        false_abstention_rate=false_pos / n_answerable if n_answerable else None,
        abstained=n_abstained,
        unanswerable=n_unanswerable,
        answerable=n_answerable,
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile with linear interpolation (numpy's default).

    Args:
        values: The sample.
        q: Between 0 and 100.

    Returns:
        The percentile, or None for an empty sample.

    Raises:
        ValueError: When ``q`` is outside [0, 100].

    Example:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
        2.5
    """
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    data = sorted(values)
    if not data:
        return None
    position = (len(data) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


def mean(values: Sequence[float | None]) -> float | None:
    """The mean of the values that are not None; None when there are none.

    Example:
        >>> mean([1.0, None, 0.0]), mean([])
        (0.5, None)
    """
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None

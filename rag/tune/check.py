"""The held-out check: does a model find each held-out pair's chunk among many?

Each held-out anchor searches the held-out positives plus distractor chunks
(others of the collection); the score is the mean reciprocal rank of its own
positive within the first ten (MRR@10). The old and the new model are scored
on the same pairs and distractors, so their scores compare.

A model trained on one kind of pair learns that kind's form as well as the
documents: on SciFact, models trained on heading pairs scored higher on
held-out heading pairs while finding the judged abstracts less well, and
lower on held-out inverse-cloze pairs. So :class:`HeldOutCheck` scores every
kind of pair the held-out documents give (the user's own questions, when
there are any, and both self-made recipes) and passes a model only when it is
better on each.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from statistics import fmean
from typing import Any

import numpy as np

from rag.tune.pairs import Pair

__all__ = ["HeldOutCheck", "mrr_at_10"]

Score = Callable[[Any, Sequence[Pair], Sequence[str]], float]
"""``(model, held-out pairs, distractors) -> score``, such as :func:`mrr_at_10`."""


class HeldOutCheck:
    """Scores models on sets of held-out pairs; a model passes when better on every set.

    Args:
        sets: Named sets of held-out pairs (empty sets are dropped; each is cut
            to ``max_pairs``, chosen with ``seed``).
        distractors: Other chunk texts every set also searches.
        score: Defaults to :func:`mrr_at_10`.
        max_pairs: The most pairs a set keeps (the check's cost grows with them).
        seed: Chooses the pairs kept.

    Example:
        >>> check = HeldOutCheck({"questions": [Pair("q", "p")]}, [],
        ...                      score=lambda model, pairs, distractors: model)
        >>> check.baseline(0.5)
        >>> check(0.4) is None, check(0.7), check.report(chosen=2)
        (True, 0.7, {'questions': [0.5, 0.7]})
    """

    def __init__(self, sets: Mapping[str, Sequence[Pair]], distractors: Sequence[str], *,
                 score: Score | None = None, max_pairs: int = 500, seed: int = 0) -> None:
        rng = random.Random(seed)
        self.sets = {name: (list(pairs) if len(pairs) <= max_pairs
                            else rng.sample(list(pairs), max_pairs))
                     for name, pairs in sets.items() if pairs}
        self.distractors = list(distractors)
        self.score = score or mrr_at_10
        self.before: dict[str, float] = {}
        self.history: list[dict[str, float]] = []
        """Each checked model's scores, in the order checked (one per pass)."""

    def scores(self, model: Any) -> dict[str, float]:
        """The model's score on each set."""
        return {name: self.score(model, pairs, self.distractors)
                for name, pairs in self.sets.items()}

    def baseline(self, model: Any) -> None:
        """Score the model in use now: what a new one has to beat."""
        self.before = self.scores(model)

    def __call__(self, model: Any) -> float | None:
        """A trained model's mean score when it beats the baseline on every set, else None
        (also when there is nothing to check it on)."""
        scores = self.scores(model)
        self.history.append(scores)
        if not self.sets or not all(scores[name] > self.before[name] for name in self.sets):
            return None
        return fmean(scores.values())

    def report(self, chosen: int | None) -> dict[str, list[float]]:
        """Each set's score before and after: after the ``chosen``-th check (1-based, the
        model kept), else after the last one."""
        after = self.history[chosen - 1] if chosen else (self.history or [self.before])[-1]
        return {name: [self.before[name], after[name]] for name in self.sets}


def mrr_at_10(model: Any, pairs: Sequence[Pair], distractors: Sequence[str]) -> float:
    """MRR@10 of each pair's positive for its anchor, among all positives and the distractors.

    Args:
        model: A ``SentenceTransformer`` (anything with its ``encode``).
        pairs: The held-out pairs.
        distractors: Other chunk texts to search among.

    Returns:
        The mean reciprocal rank (0 when a positive is not in the first ten).

    Example:
        >>> class Words:  # a toy model: one dimension per word
        ...     vocab = ["cat", "dog", "sun"]
        ...     def encode(self, texts, **kwargs):
        ...         import numpy as np
        ...         rows = np.array([[t.count(w) + 1e-6 for w in self.vocab] for t in texts], float)
        ...         return rows / np.linalg.norm(rows, axis=1, keepdims=True)
        >>> mrr_at_10(Words(), [Pair("cat", "a cat"), Pair("dog", "a dog")], ["the sun"])
        1.0
    """
    if not pairs:
        return 0.0
    candidates = list(dict.fromkeys([pair.positive for pair in pairs] + list(distractors)))
    position = {text: i for i, text in enumerate(candidates)}
    options = {"batch_size": 32, "normalize_embeddings": True, "show_progress_bar": False}
    queries = np.asarray(model.encode([pair.anchor for pair in pairs], **options))
    documents = np.asarray(model.encode(candidates, **options))
    scores = queries @ documents.T
    total = 0.0
    for row, pair in zip(scores, pairs, strict=True):
        top = np.argsort(-row)[:10]
        hits = np.nonzero(top == position[pair.positive])[0]
        total += 1.0 / (int(hits[0]) + 1) if hits.size else 0.0
    return float(total / len(pairs))

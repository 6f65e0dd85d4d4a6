"""The held-out check: does a model find each held-out pair's chunk among many?

Each held-out anchor searches the held-out positives plus distractor chunks
(others of the collection); the score is the mean reciprocal rank of its own
positive within the first ten (MRR@10). The old and the new model are scored
on the same pairs and distractors, so their scores compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rag.tune.pairs import Pair

__all__ = ["mrr_at_10"]


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

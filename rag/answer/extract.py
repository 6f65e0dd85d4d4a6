"""Extractive answers: the candidate phrase of the shown passages that answers the question.

A small local model asked for "the shortest phrase" still copies whole
sentences, or invents. Here the phrase is chosen, not written:

1. **Candidates** are cut from the shown passages' sentences, each with
   features that describe it (:mod:`rag.answer.phrases`), plus three that place it:
   how much of the question its sentence holds, whether that sentence holds
   most, and its passage's rank.
2. **Ranking.** A linear score ranks them, with weights of its own for each
   kind of question (:data:`KINDS`: a year counts for "when", capitals for
   "who", the distance to the question's words differently for each). The
   weights are data, fitted on SQuAD 2.0 development data by
   ``bench/fit_span_ranker.py``, which writes ``rag/answer/data/phrase_ranker.json``
   (:func:`fitted_ranker`). The best few are rescored with the LLM's mean
   log-probability of writing each as the answer (when a scorer is given),
   added with the fitted model weight.
3. **Widening.** A longer candidate of the chosen one's sentence that holds it
   replaces it when it scores at most the fitted margin lower
   ("between 1621" -> "between 1621 and 1629").

Example:
    >>> best = choose_span("When did the Quillon bridge open?",
    ...                    ["The Quillon bridge is 412 metres long. It opened in 1994."])
    >>> best.text, best.passage
    ('1994', 1)
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from rag.answer.phrases import is_filler, normal_word, phrase_features, phrase_ranges, trim_edges
from rag.text import STOPWORDS, content_words, split_sentences, stem, word_overlap

__all__ = ["FEATURES", "KINDS", "PhraseCandidate", "RankerWeights", "candidate_spans",
           "choose_span", "fitted_ranker", "question_kind"]

#: The kinds of question (:func:`question_kind`); each has weights of its own.
KINDS = ("when", "how_many", "who", "where", "other")
#: The features of a candidate phrase: :func:`rag.answer.phrases.phrase_features` and the
#: three that place it (``overlap``, ``best_sentence``, ``rank``).
FEATURES = ("overlap", "best_sentence", "rank", "distance", "no_question_word", "length",
            "question_words", "year", "number", "capitals", "number_not_name",
            "after_question_words", "before_question_words", "one_word", "two_three_words",
            "asked_share", "sentence_start", "head_nearby")

_HEAD = re.compile(r"\b(?:what|which)\s+(?:(?:type|kind|sort|form|name)\s+of\s+)?(\w+)",
                   re.IGNORECASE)
_NOT_HEAD = STOPWORDS | {"had", "may", "might"}  # "What was ...", "Which of ...": no noun


@dataclass(frozen=True)
class RankerWeights:
    """The fitted numbers of the ranker, as ``bench/fit_span_ranker.py`` wrote them.

    Attributes:
        weights: Kind of question -> feature -> weight.
        model_weight: Weight of the LLM's mean token log-probability.
        widen_margin: How much lower a longer phrase holding the chosen one
            may score and still replace it (0: never).
    """

    weights: Mapping[str, Mapping[str, float]]
    model_weight: float
    widen_margin: float

    @classmethod
    def from_json(cls, text: str) -> RankerWeights:
        """Read the fit's file, checking it has every kind and feature of this code.

        Raises:
            ValueError: When the file's kinds or features differ from
                :data:`KINDS` and :data:`FEATURES` (refit with the bench script).
        """
        data = json.loads(text)
        weights = data["weights"]
        if set(weights) != set(KINDS) or any(set(w) != set(FEATURES) for w in weights.values()):
            raise ValueError("the phrase ranker's weights do not match its features: "
                             "run bench/fit_span_ranker.py again")
        return cls(weights, float(data["model_weight"]), float(data["widen_margin"]))


RANKER_FILE = "phrase_ranker.json"
"""The fitted weights' file in the package's ``rag/answer/data`` folder."""


@functools.cache
def fitted_ranker() -> RankerWeights:
    """The ranker's fitted weights, read once from ``rag/answer/data/phrase_ranker.json``."""
    return RankerWeights.from_json(
        resources.files("rag.answer").joinpath("data", RANKER_FILE).read_text(encoding="utf-8"))


def ranker_path() -> Path:
    """Where the fitted weights' file lives in the source tree (the fit writes it)."""
    return Path(__file__).resolve().parent / "data" / RANKER_FILE


@dataclass(frozen=True)
class PhraseCandidate:
    """A phrase of one passage that may answer the question."""

    text: str
    passage: int  # 1-based number of the passage it comes from
    sentence: str
    features: dict[str, float] = field(default_factory=dict, compare=False)
    score: float = 0.0


def question_kind(question: str) -> str:
    """The kind of answer ``question`` asks for: one of :data:`KINDS`.

    Example:
        >>> [question_kind(q) for q in ("What year did it open?", "How many pillars?",
        ...                             "Whose bridge is it?", "What city is it in?", "Why?")]
        ['when', 'how_many', 'who', 'where', 'other']
    """
    q = question.lower()
    if re.search(r"\b(what|which) (year|century|decade|date|month|day)\b|\bwhen\b", q):
        return "when"
    if re.search(r"\bhow (many|much|long|old|far|large|big|high|tall)\b|\bpercent|"
                 r"\bwhat (number|amount|percentage|size)\b", q):
        return "how_many"
    if re.search(r"\bwho\b|\bwhom\b|\bwhose\b", q):
        return "who"
    if re.search(r"\bwhere\b|\bwhat (country|city|state|place|region|location)\b", q):
        return "where"
    return "other"


def _head_noun(question: str) -> str | None:
    """The noun a "what ..." question asks for, stemmed ("What monastery did ..." -> monastery)."""
    match = _HEAD.search(question)
    if not match or match.group(1).lower() in _NOT_HEAD:
        return None
    return stem(match.group(1).lower())


def candidate_spans(
    question: str,
    passages: Sequence[str | None],
    *,
    weights: Mapping[str, Mapping[str, float]] | None = None,
) -> list[PhraseCandidate]:
    """Cut the passages into candidate answer phrases, each with its features.

    Args:
        question: The (standalone) question.
        passages: The passages shown for it, numbered from 1 (None: not shown).
        weights: Feature weights of the score per kind of question (default:
            the fitted ones, :func:`fitted_ranker`).

    Returns:
        The candidates, each phrase once (where it scores best), with their
        features and score.
    """
    kind = question_kind(question)
    kind_weights = (fitted_ranker().weights if weights is None else weights)[kind]
    head = _head_noun(question)
    wanted = {stem(w) for w in content_words(question)}
    sentences = [(n, s) for n, text in enumerate(passages, start=1) if text
                 for s in split_sentences(text)]
    overlaps = [word_overlap(question, s) for _, s in sentences]
    top = max(overlaps, default=0.0)
    found: dict[str, PhraseCandidate] = {}
    ranks = {n: r for r, n in enumerate(sorted({n for n, _ in sentences}))}
    for (number, sentence), overlap in zip(sentences, overlaps, strict=True):
        words = sentence.split()
        stems = [stem(normal_word(w)) for w in words]  # "" for a word of punctuation only
        asked = {i for i, s in enumerate(stems) if s and s in wanted}
        for start, end in sorted(phrase_ranges(words, asked)):
            if all(i in asked or is_filler(words[i]) for i in range(start, end)):
                continue  # only the question's own words
            text = trim_edges(" ".join(words[start:end]))
            if not text:
                continue
            features = phrase_features(text, start, end, asked, stems, head)
            features.update(overlap=overlap, best_sentence=float(overlap == top),
                            rank=float(ranks[number]))
            score = sum(kind_weights[k] * v for k, v in features.items())
            if text not in found or score > found[text].score:  # the best place of a phrase
                found[text] = PhraseCandidate(text, number, sentence, features, score)
    return list(found.values())


def choose_span(
    question: str,
    passages: Sequence[str | None],
    *,
    rescore: Callable[[Sequence[PhraseCandidate]], Sequence[float]] | None = None,
    top: int = 5,
    weights: Mapping[str, Mapping[str, float]] | None = None,
    model_weight: float | None = None,
    widen_margin: float | None = None,
) -> PhraseCandidate | None:
    """Pick the candidate phrase that best answers ``question``.

    Args:
        question: The (standalone) question.
        passages: The shown passages, numbered from 1 (None: not shown).
        rescore: Given the ``top`` best candidates, returns a model score for
            each (the LLM's mean log-probability of writing it); None ranks
            by the features alone.
        top: How many of the best candidates ``rescore`` sees.
        weights: Feature weights per kind of question (default: the fitted
            ones, :func:`fitted_ranker`, as for the next two).
        model_weight: Weight of the model's score.
        widen_margin: How much lower a longer phrase holding the best one may
            score and still replace it (0: never).

    Returns:
        The best candidate, with ``score`` including the model's part (a
        widened phrase: its own score), or None when the passages hold no
        candidate at all.
    """
    fitted = fitted_ranker()
    model_weight = fitted.model_weight if model_weight is None else model_weight
    widen_margin = fitted.widen_margin if widen_margin is None else widen_margin
    candidates = sorted(candidate_spans(question, passages, weights=weights),
                        key=lambda c: -c.score)
    ranked = candidates[:top]
    if not ranked:
        return None
    scores = [c.score for c in ranked]
    if rescore is not None:
        scores = [s + model_weight * float(m) for s, m in zip(scores, rescore(ranked), strict=True)]
    chosen = max(range(len(ranked)), key=scores.__getitem__)
    wider = _widen(ranked[chosen], candidates, widen_margin) if widen_margin > 0 else None
    return wider or replace(ranked[chosen], score=scores[chosen])


def _widen(best: PhraseCandidate, candidates: Sequence[PhraseCandidate],
           margin: float) -> PhraseCandidate | None:
    """The longest candidate of ``best``'s sentence that holds its words and scores
    at most ``margin`` below it (features only); None when there is none."""
    holds = re.compile(rf"(?<!\S){re.escape(best.text)}(?!\S)")
    wider = [c for c in candidates if c.sentence == best.sentence
             and c.score >= best.score - margin and len(c.text) > len(best.text)
             and holds.search(c.text)]
    return max(wider, key=lambda c: len(c.text), default=None)

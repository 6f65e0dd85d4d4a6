"""Extractive answers: the phrase of the shown passages that answers the question.

A small local model asked for "the shortest phrase" still copies whole
sentences, or invents. Here the phrase is chosen, not written:

1. **Candidates.** Each sentence of the shown passages is cut at punctuation
   and at the question's own words (an answer seldom repeats its question),
   with stop words trimmed from both ends; its runs of words between inner
   stop words are candidates too ("1994" out of "traffic in 1994"). Each
   piece is also offered with up to two adjacent question words ("Lisbon"
   and "Lisbon Treaty").
2. **Features.** How much of the question the candidate's sentence holds, and
   whether it is the sentence that holds most; whether the candidate has the
   expected type (a year for "when", a number for "how many", capitalised
   words for "who" and "where"); its distance to the question's words in the
   sentence; its length; its passage's rank.
3. **Ranking.** A linear score with weights fitted on SQuAD 2.0 development
   data (``bench/fit_span_ranker.py``) ranks them; the best few are rescored
   with the LLM's mean log-probability of writing each as the answer (when a
   scorer is given), added with weight :data:`MODEL_WEIGHT`.

Example:
    >>> best = choose_span("When did the Quillon bridge open?",
    ...                    ["The Quillon bridge is 412 metres long. It opened in 1994."])
    >>> best.text, best.passage
    ('1994', 1)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rag.focus import split_sentences, word_overlap
from rag.index.keyword import STOPWORDS, content_words, stem

__all__ = ["MODEL_WEIGHT", "WEIGHTS", "Candidate", "candidate_spans", "choose_span"]

#: Feature weights, fitted by ``bench/fit_span_ranker.py`` on the SQuAD 2.0
#: development split (articles 4-7 of part 1; the evaluation uses 0-3).
WEIGHTS: dict[str, float] = {
    "overlap": 0.84, "best_sentence": 1.18, "rank": -0.49, "distance": -0.89,
    "no_question_word": 0.02, "length": 0.64, "question_words": 0.03,
    "year_for_when": 2.96, "number_for_how_many": 1.29, "name_for_who": 0.93,
    "name_for_where": 0.27, "number_for_name": -0.14,
}
#: Weight of the LLM's mean token log-probability in the final score.
MODEL_WEIGHT = 0.5

_ENDS_CLAUSE = re.compile(r"[,;:)\].!?\"]$")
_OPENS = re.compile(r"^[(\[\"]")
_EDGE_PUNCT = re.compile(r"^[(\[\"']+|[,;:)\].!?\"']+$")
_YEAR = re.compile(r"\b1\d{3}\b|\b20\d{2}\b")
_DATE_WORD = re.compile(r"January|February|March|April|May|June|July|August|September|"
                        r"October|November|December|century")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A phrase of one passage that may answer the question."""

    text: str
    passage: int  # 1-based number of the passage it comes from
    sentence: str
    features: dict[str, float] = field(default_factory=dict, compare=False)
    score: float = 0.0


def _question_type(question: str) -> str:
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


def _normal(word: str) -> str:
    return "".join(_WORD.findall(word.lower()))


def _is_filler(word: str) -> bool:
    plain = _normal(word)
    return not plain or plain in STOPWORDS


def _pieces(words: Sequence[str], asked: set[int]) -> set[tuple[int, int]]:
    """Word ranges cut at punctuation and question words, fillers trimmed, plus extensions."""
    ranges: set[tuple[int, int]] = set()
    run: list[int] = []

    def close() -> None:
        kept = run[:]
        while kept and _is_filler(words[kept[0]]):
            kept.pop(0)
        while kept and _is_filler(words[kept[-1]]):
            kept.pop()
        if kept:
            ranges.add((kept[0], kept[-1] + 1))

    for i, word in enumerate(words):
        if i in asked or (run and _OPENS.match(word)):
            close()
            run = []
            if i in asked:
                continue
        run.append(i)
        if _ENDS_CLAUSE.search(word):
            close()
            run = []
    close()
    for start, end in list(ranges):  # the pieces of a run between its inner fillers
        piece: int | None = None
        for i in range(start, end + 1):
            filler = i == end or _is_filler(words[i])
            if not filler and piece is None:
                piece = i
            elif filler and piece is not None:
                ranges.add((piece, i))
                piece = None
    extended = set(ranges)
    for start, end in ranges:
        left = start
        while left - 1 in asked and not _ENDS_CLAUSE.search(words[left - 1]) and start - left < 2:
            left -= 1
        right = end
        while right in asked and not _ENDS_CLAUSE.search(words[right - 1]) and right - end < 2:
            right += 1
        extended |= {(left, end), (start, right), (left, right)}
    return extended


def candidate_spans(
    question: str, passages: Sequence[str | None], *, weights: Mapping[str, float] = WEIGHTS
) -> list[Candidate]:
    """Cut the passages into candidate answer phrases, each with its features.

    Args:
        question: The (standalone) question.
        passages: The passages shown for it, numbered from 1 (None: not shown).
        weights: Feature weights of the score (default :data:`WEIGHTS`).

    Returns:
        The candidates, each phrase once (where it scores best), with their
        features and score.
    """
    kind = _question_type(question)
    wanted = {stem(w) for w in content_words(question)}
    sentences = [(n, s) for n, text in enumerate(passages, start=1) if text
                 for s in split_sentences(text)]
    overlaps = [word_overlap(question, s) for _, s in sentences]
    top = max(overlaps, default=0.0)
    found: dict[str, Candidate] = {}
    ranks = {n: r for r, n in enumerate(sorted({n for n, _ in sentences}))}
    for (number, sentence), overlap in zip(sentences, overlaps, strict=True):
        words = sentence.split()
        asked = {i for i, w in enumerate(words) if _normal(w) and stem(_normal(w)) in wanted}
        for start, end in sorted(_pieces(words, asked)):
            text = _EDGE_PUNCT.sub("", " ".join(words[start:end]))
            if not text:
                continue
            features = _features(text, kind, start, end, asked)
            features.update(overlap=overlap, best_sentence=float(overlap == top),
                            rank=float(ranks[number]))
            score = sum(weights[k] * v for k, v in features.items())
            if text not in found or score > found[text].score:  # the best place of a phrase
                found[text] = Candidate(text, number, sentence, features, score)
    return list(found.values())


def _features(text: str, kind: str, start: int, end: int, asked: set[int]) -> dict[str, float]:
    length = end - start
    distance = min((min(abs(p - start), abs(p - (end - 1))) for p in asked), default=99)
    has_number = any(c.isdigit() for c in text)
    capitals = sum(w[:1].isupper() for w in text.split()) / max(1, len(text.split()))
    return {
        "distance": min(distance, 10) / 10,
        "no_question_word": float(not asked),
        "length": min(length, 12) / 12,
        "question_words": float(sum(start <= p < end for p in asked)),
        "year_for_when": float(kind == "when" and bool(_YEAR.search(text) or _DATE_WORD.search(text))),
        "number_for_how_many": float(kind == "how_many" and has_number),
        "name_for_who": capitals if kind == "who" else 0.0,
        "name_for_where": capitals if kind == "where" else 0.0,
        "number_for_name": float(kind in ("who", "where") and has_number and not capitals),
    }


def choose_span(
    question: str,
    passages: Sequence[str | None],
    *,
    rescore: Callable[[Sequence[Candidate]], Sequence[float]] | None = None,
    top: int = 5,
    weights: Mapping[str, float] = WEIGHTS,
    model_weight: float = MODEL_WEIGHT,
) -> Candidate | None:
    """Pick the candidate phrase that best answers ``question``.

    Args:
        question: The (standalone) question.
        passages: The shown passages, numbered from 1 (None: not shown).
        rescore: Given the ``top`` best candidates, returns a model score for
            each (the LLM's mean log-probability of writing it); None ranks
            by the features alone.
        top: How many of the best candidates ``rescore`` sees.
        weights: Feature weights (default :data:`WEIGHTS`).
        model_weight: Weight of the model's score (default :data:`MODEL_WEIGHT`).

    Returns:
        The best candidate, with ``score`` including the model's part, or None
        when the passages hold no candidate at all.
    """
    ranked = sorted(candidate_spans(question, passages, weights=weights),
                    key=lambda c: -c.score)[:top]
    if not ranked:
        return None
    if rescore is not None:
        model_scores = rescore(ranked)
        ranked = [replace(c, score=c.score + model_weight * float(m))
                  for c, m in zip(ranked, model_scores, strict=True)]
    return max(ranked, key=lambda c: c.score)

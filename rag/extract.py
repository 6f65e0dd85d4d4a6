"""Extractive answers: the phrase of the shown passages that answers the question.

A small local model asked for "the shortest phrase" still copies whole
sentences, or invents. Here the phrase is chosen, not written:

1. **Candidates.** Each sentence of the shown passages is cut at punctuation
   and at the question's own words (an answer seldom repeats its question),
   with stop words and hedges ("virtually", "other") trimmed from both ends;
   its runs of words between inner ones are candidates too ("1994" out of
   "traffic in 1994"). Each piece is also offered with up to two adjacent
   question words ("Lisbon" and "Lisbon Treaty"). Names (capitalised runs
   joined by "of", "the", ..., such as "Court of Justice of the European
   Union") and dates written over a comma ("August 15, 1971") are offered
   whole, even where the question names part of them. A phrase made only of
   the question's words is none.
2. **Features.** How much of the question the candidate's sentence holds, and
   whether it is the sentence that holds most; whether the candidate holds a
   year or date ("1994", "the 1980s"), another number in digits or words,
   capitalised words; whether it sits beside the noun a "what ..." question
   asks for ("What monastery ..."); its distance to the question's words in
   the sentence, and on which side; its length (one word, two or three,
   longer); its passage's rank.
3. **Ranking.** A linear score ranks them, with weights of its own for each
   kind of question (:data:`KINDS`: a year counts for "when", capitals for
   "who", the distance to the question's words differently for each),
   fitted on SQuAD 2.0 development data (``bench/fit_span_ranker.py``). The
   best few are rescored with the LLM's mean log-probability of writing each
   as the answer (when a scorer is given), added with weight
   :data:`MODEL_WEIGHT`.

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

__all__ = ["FEATURES", "KINDS", "MODEL_WEIGHT", "WEIGHTS", "WIDEN_MARGIN", "Candidate",
           "candidate_spans", "choose_span", "question_kind"]

#: The kinds of question (:func:`question_kind`); each has weights of its own.
KINDS = ("when", "how_many", "who", "where", "other")
#: The features of a candidate phrase (see :func:`candidate_spans`).
FEATURES = ("overlap", "best_sentence", "rank", "distance", "no_question_word", "length",
            "question_words", "year", "number", "capitals", "number_not_name",
            "after_question_words", "before_question_words", "one_word", "two_three_words",
            "asked_share", "sentence_start", "head_nearby")

#: Feature weights per kind of question, fitted by ``bench/fit_span_ranker.py`` on
#: the SQuAD 2.0 development split (articles 4-7 of part 1; the evaluation uses 0-3).
WEIGHTS: dict[str, dict[str, float]] = {
    "when": {
        "overlap": 0.84, "best_sentence": 1.41, "rank": -0.42, "distance": -0.91,
        "no_question_word": 0.02, "length": -0.15, "question_words": -0.1, "year": 2.77,
        "number": 0.28, "capitals": 0.5, "number_not_name": 1.22,
        "after_question_words": -0.12, "before_question_words": 0.2, "one_word": 0.03,
        "two_three_words": 0.15, "asked_share": -0.14, "sentence_start": 0.1,
        "head_nearby": 0.76,
    },
    "how_many": {
        "overlap": 0.8, "best_sentence": 1.31, "rank": -0.68, "distance": -0.97,
        "no_question_word": 0.09, "length": 0.02, "question_words": 0.14, "year": 0.87,
        "number": 1.47, "capitals": 0.35, "number_not_name": 1.14,
        "after_question_words": -0.16, "before_question_words": -0.12, "one_word": -0.08,
        "two_three_words": 0.02, "asked_share": -0.06, "sentence_start": 0.4,
        "head_nearby": 0.7,
    },
    "who": {
        "overlap": 0.84, "best_sentence": 1.27, "rank": -0.63, "distance": -0.66,
        "no_question_word": 0.11, "length": 0.33, "question_words": -0.11, "year": 0.53,
        "number": 0.3, "capitals": 1.19, "number_not_name": 0.34,
        "after_question_words": -0.06, "before_question_words": 0.01, "one_word": -0.64,
        "two_three_words": -0.05, "asked_share": -0.22, "sentence_start": 0.22,
        "head_nearby": 0.7,
    },
    "where": {
        "overlap": 0.71, "best_sentence": 1.14, "rank": -0.46, "distance": -0.63,
        "no_question_word": 0.1, "length": 0.21, "question_words": -0.14, "year": 0.74,
        "number": 0.49, "capitals": 0.81, "number_not_name": 0.47, "after_question_words": 0.0,
        "before_question_words": -0.02, "one_word": -0.54, "two_three_words": -0.02,
        "asked_share": -0.18, "sentence_start": 0.11, "head_nearby": 0.7,
    },
    "other": {
        "overlap": 0.9, "best_sentence": 0.98, "rank": -0.41, "distance": -0.87,
        "no_question_word": 0.21, "length": 0.46, "question_words": 0.0, "year": -0.06,
        "number": 0.26, "capitals": 0.89, "number_not_name": 0.28,
        "after_question_words": 0.21, "before_question_words": 0.0, "one_word": -0.78,
        "two_three_words": -0.19, "asked_share": -0.14, "sentence_start": 0.05,
        "head_nearby": 1.35,
    },
}
#: Weight of the LLM's mean token log-probability in the final score.
MODEL_WEIGHT = 0.1
#: A longer phrase of the chosen one's sentence that holds it replaces it when its
#: score is at most this much lower ("Articles 106" -> "Articles 106 and 107"):
#: where the ranker can hardly tell them apart, the longer keeps the whole answer.
#: Chosen by ``bench/fit_span_ranker.py`` on the development split.
WIDEN_MARGIN = 0.3

_ENDS_CLAUSE = re.compile(r"[,;:)\].!?\"]$")
_OPENS = re.compile(r"^[(\[\"]")
_EDGE_PUNCT = re.compile(r"^[(\[\"'‘“]+|[,;:)\].!?\"'’”]+$")
_POSSESSIVE = re.compile(r"['’]s?$")
_YEAR = re.compile(r"\b1\d{3}s?\b|\b20\d{2}s?\b")  # "1994", "the 1980s"
_DATE_WORD = re.compile(r"January|February|March|April|May|June|July|August|September|"
                        r"October|November|December|century")
_WORD = re.compile(r"\w+")
_NUMBER_WORDS = frozenset("""two three four five six seven eight nine ten eleven twelve
    fifteen twenty thirty forty fifty hundred hundreds thousand thousands million millions
    billion billions half dozen""".split())
#: Words trimmed from a candidate's ends: the keyword index's stop words, plus
#: discourse and hedging words that open phrases but are never answers alone
#: ("Other components", "Virtually all", "Since complexity theory").
_FILLERS = STOPWORDS | frozenset("""other others such since some also however these those
    many virtually nearly almost usually typically generally commonly regularly still already
    may must been being often both each any while although though because upon within
    thus here only even just well own same had""".split())
_CONNECTORS = {"of", "the", "on", "for", "and", "de", "du", "von", "van", "der", "la", "le"}
_MONTHS = {m.lower() for m in _DATE_WORD.pattern.split("|")} - {"century"}
_HEAD = re.compile(r"\b(?:what|which)\s+(?:(?:type|kind|sort|form|name)\s+of\s+)?(\w+)",
                   re.IGNORECASE)
_NOT_HEAD = STOPWORDS | {"had", "may", "might"}  # "What was ...", "Which of ...": no noun


@dataclass(frozen=True)
class Candidate:
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


def _normal(word: str) -> str:
    return "".join(_WORD.findall(word.lower()))


def _is_filler(word: str) -> bool:
    plain = _normal(word)
    return not plain or plain in _FILLERS


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


def _names(words: Sequence[str]) -> set[tuple[int, int]]:
    """Runs of capitalised words, joined by connectors ("Court of Justice of the European
    Union"), whether or not the question names some of them; with a bracketed acronym."""
    ranges: set[tuple[int, int]] = set()
    i = 0
    while i < len(words):
        if not words[i][:1].isupper():
            i += 1
            continue
        end = i + 1
        while not _ENDS_CLAUSE.search(words[end - 1]) and end < len(words):
            j = end
            while j < len(words) and _normal(words[j]) in _CONNECTORS and j - end < 2:
                j += 1
            if j < len(words) and words[j][:1].isupper():
                end = j + 1
            elif j < len(words) and re.fullmatch(r"\([A-Z]{2,}\)\W*", words[j]):
                end = j + 1
                break
            else:
                break
        starts = {i + 1 if _is_filler(words[i]) else i}  # "The European Court" -> "European Court"
        if i == 0:  # capitalised only as the sentence's first word: "Today the Court of ..."
            starts.add(next((j for j in range(1, end) if words[j][:1].isupper()), 0))
        ranges |= {(start, end) for start in starts if end - start >= 2}
        i = end
    return ranges


def _dates(words: Sequence[str]) -> set[tuple[int, int]]:
    """Dates written over a comma: "August 15, 1971" and "15 August 1971"."""
    ranges: set[tuple[int, int]] = set()
    for i, word in enumerate(words):
        if _normal(word) not in _MONTHS:
            continue
        after = [_normal(w) for w in words[i + 1: i + 3]]
        if len(after) == 2 and after[0].isdigit() and len(after[1]) == 4 and after[1].isdigit():
            ranges.add((i, i + 3))
        if i > 0 and _normal(words[i - 1]).isdigit() and after[:1] and len(after[0]) == 4 \
                and after[0].isdigit():
            ranges.add((i - 1, i + 2))
    return ranges


def candidate_spans(
    question: str,
    passages: Sequence[str | None],
    *,
    weights: Mapping[str, Mapping[str, float]] = WEIGHTS,
) -> list[Candidate]:
    """Cut the passages into candidate answer phrases, each with its features.

    Args:
        question: The (standalone) question.
        passages: The passages shown for it, numbered from 1 (None: not shown).
        weights: Feature weights of the score per kind of question (default
            :data:`WEIGHTS`).

    Returns:
        The candidates, each phrase once (where it scores best), with their
        features and score.
    """
    kind = question_kind(question)
    kind_weights = weights[kind]
    head = _head_noun(question)
    wanted = {stem(w) for w in content_words(question)}
    sentences = [(n, s) for n, text in enumerate(passages, start=1) if text
                 for s in split_sentences(text)]
    overlaps = [word_overlap(question, s) for _, s in sentences]
    top = max(overlaps, default=0.0)
    found: dict[str, Candidate] = {}
    ranks = {n: r for r, n in enumerate(sorted({n for n, _ in sentences}))}
    for (number, sentence), overlap in zip(sentences, overlaps, strict=True):
        words = sentence.split()
        stems = [stem(_normal(w)) for w in words]  # "" for a word of punctuation only
        asked = {i for i, s in enumerate(stems) if s and s in wanted}
        for start, end in sorted(_pieces(words, asked) | _names(words) | _dates(words)):
            if all(i in asked or _is_filler(words[i]) for i in range(start, end)):
                continue  # only the question's own words
            text = _trim_edges(" ".join(words[start:end]))
            if not text:
                continue
            features = _features(text, start, end, asked, stems, head)
            features.update(overlap=overlap, best_sentence=float(overlap == top),
                            rank=float(ranks[number]))
            score = sum(kind_weights[k] * v for k, v in features.items())
            if text not in found or score > found[text].score:  # the best place of a phrase
                found[text] = Candidate(text, number, sentence, features, score)
    return list(found.values())


def _head_noun(question: str) -> str | None:
    """The noun a "what ..." question asks for, stemmed ("What monastery did ..." -> monastery)."""
    match = _HEAD.search(question)
    if not match or match.group(1).lower() in _NOT_HEAD:
        return None
    return stem(match.group(1).lower())


def _trim_edges(text: str) -> str:
    """Strip edge punctuation and a closing possessive, but keep balanced brackets.

    Example:
        >>> _trim_edges("Thomas Newcomen's"), _trim_edges("DTIME(n2),"), _trim_edges("(1994)")
        ('Thomas Newcomen', 'DTIME(n2)', '1994')
    """
    trimmed = _POSSESSIVE.sub("", _EDGE_PUNCT.sub("", text))
    if text.rstrip(",;:.!?").endswith(")") and "(" in trimmed:
        trimmed += ")"  # "DTIME(n2)": the bracket belongs to the phrase
    return trimmed


def _features(text: str, start: int, end: int, asked: set[int], stems: Sequence[str],
              head: str | None) -> dict[str, float]:
    """The features of words ``start:end`` of a sentence (``stems``: its words' stems).

    They describe the phrase alone; how much each counts depends on the kind of
    question (:data:`WEIGHTS`): a year matters for "when", capitals for "who".
    """
    length = end - start
    distance = min((min(abs(p - start), abs(p - (end - 1))) for p in asked), default=99)
    has_number = any(c.isdigit() for c in text) or not _NUMBER_WORDS.isdisjoint(
        _normal(w) for w in re.split(r"[\s-]", text))  # "ten-horsepower" holds "ten"
    phrase_words = text.split()
    capitals = sum(w[:1].isupper() for w in phrase_words) / max(1, len(phrase_words))
    inside = sum(start <= p < end for p in asked)
    year = bool(_YEAR.search(text) or _DATE_WORD.search(text))
    return {
        "distance": min(distance, 10) / 10,
        "no_question_word": float(not asked),
        "length": min(length, 12) / 12,
        "question_words": float(inside),
        "year": float(year),
        "number": float(has_number and not year),  # apart, so "when" can prefer years
        "capitals": capitals,
        "number_not_name": float(has_number and not capitals),
        "after_question_words": float(bool(asked) and start > max(asked)),
        "before_question_words": float(bool(asked) and end <= min(asked)),
        "one_word": float(length == 1),
        "two_three_words": float(length in (2, 3)),
        "asked_share": inside / length,
        "sentence_start": float(start == 0),
        "head_nearby": float(head is not None and head in stems[max(0, start - 2): end + 1]),
    }


def choose_span(
    question: str,
    passages: Sequence[str | None],
    *,
    rescore: Callable[[Sequence[Candidate]], Sequence[float]] | None = None,
    top: int = 5,
    weights: Mapping[str, Mapping[str, float]] = WEIGHTS,
    model_weight: float = MODEL_WEIGHT,
    widen_margin: float = WIDEN_MARGIN,
) -> Candidate | None:
    """Pick the candidate phrase that best answers ``question``.

    Args:
        question: The (standalone) question.
        passages: The shown passages, numbered from 1 (None: not shown).
        rescore: Given the ``top`` best candidates, returns a model score for
            each (the LLM's mean log-probability of writing it); None ranks
            by the features alone.
        top: How many of the best candidates ``rescore`` sees.
        weights: Feature weights per kind of question (default :data:`WEIGHTS`).
        model_weight: Weight of the model's score (default :data:`MODEL_WEIGHT`).
        widen_margin: How much lower a longer phrase holding the best one may
            score and still replace it (default :data:`WIDEN_MARGIN`; 0: never).

    Returns:
        The best candidate, with ``score`` including the model's part (a
        widened phrase: its own score), or None when the passages hold no
        candidate at all.
    """
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


def _widen(best: Candidate, candidates: Sequence[Candidate], margin: float) -> Candidate | None:
    """The longest candidate of ``best``'s sentence that holds its words and scores
    at most ``margin`` below it (features only); None when there is none."""
    holds = re.compile(rf"(?<!\S){re.escape(best.text)}(?!\S)")
    wider = [c for c in candidates if c.sentence == best.sentence
             and c.score >= best.score - margin and len(c.text) > len(best.text)
             and holds.search(c.text)]
    return max(wider, key=lambda c: len(c.text), default=None)

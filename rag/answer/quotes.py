"""Quoting: how many of the best units to quote, and the rules learned for it.

The relevant chunks' units are scored by :func:`rag.answer.evidence.rank_evidence`.
The answer quotes the best unit and those close to it, verbatim, at most
:data:`ANSWER_WORDS` words, best first (:func:`pick_quotes`).

The numbers that decide (:class:`QuoteRules`) are learned from data:
the weight of the chunk's rank and of how much the question names its document, how much lower than the best a second or
third quote may score, and the floor under which no unit answers and the
chain says "not found". They live in ``rag/answer/data/quote_rules.json``,
written by ``bench/fit_quote_rules.py``.

:func:`answer_shape` says what a question asks for: a short ``fact`` (when,
who, how many, which thing) or a ``passage`` (how, why, what something is or
does, a list, a change over time), which only sentences answer.

Example:
    >>> answer_shape("How do I remove a file from the index?")
    'passage'
    >>> answer_shape("Which embedding model is used by default?")
    'fact'
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from rag.answer.evidence import Evidence
from rag.text import HOW_MEASURES, STOPWORDS, WORD, content_words, stem

__all__ = ["ANSWER_WORDS", "MAX_QUOTES", "SHORT_WORDS", "AnswerShape", "QuoteRules",
           "answer_shape", "asks_yes_no", "fitted_rules", "is_short_fact", "is_table_row",
           "pick_quotes", "rules_path"]

AnswerShape = Literal["fact", "passage"]

ANSWER_WORDS = 80
"""The quotes of one answer hold at most about this many words (a product rule)."""
MAX_QUOTES = 3
"""At most this many sentences are quoted."""
SHORT_WORDS = 8
"""A short fact has at most this many words; a longer phrase is not one (a product rule)."""

_PASSAGE = re.compile(
    r"^\s*(?:how|why)\b(?!\s+(?:" + "|".join(sorted(HOW_MEASURES)) + r")\b)"
    r"|\b(?:describe|explain|outline|summari[sz]e|list|compare|discuss|elaborate)\b"
    r"|\bwhat\s+(?:are|were)\s+(?:the\s+)?(?:\w+\s+){0,2}"
    r"(?:factors|reasons|steps|ways|risks|changes|differences|effects|impacts|trends|drivers)\b"
    r"|^\s*what\s+(?:does|do|did)\b.*\b(?:do|mean|say|involve|cover|include)\W*$"
    r"|\bhow\s+(?:has|have|had|does|do|did|is|are|was|were)\b",
    re.IGNORECASE)
"""How, why, describe or list, "what are the factors ...", "what does X do/mean"."""
_YES_NO = re.compile(r"^\W*(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have"
                     r"|had|may|must|shall)\b", re.IGNORECASE)
_DEFINITION = re.compile(r"^\s*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?([^?]*?)\W*$", re.IGNORECASE)
"""'What is X?' asks what X is: a passage when X is a short name without "of"."""
_HOW_WORD = re.compile(r"\bhow\s+\w+", re.IGNORECASE)
""""How long", "how many": the word after "how" is what is asked, not a topic."""
_ASKS_ACTION = re.compile(r"^\s*what\b.*\b(?:do|does|did|doing)\W*$", re.IGNORECASE)
"""A question for what someone does or did ("What will Tom Harris do?")."""


def asks_yes_no(question: str) -> bool:
    """Whether ``question`` is answered yes or no: a sentence restating it, or denying it,
    is its answer ("Pets are not allowed." for "Are pets allowed?").

    Example:
        >>> asks_yes_no("Are pets allowed?"), asks_yes_no("Who is the landlord?")
        (True, False)
    """
    return bool(_YES_NO.match(question))


def answer_shape(question: str) -> AnswerShape:
    """What ``question`` asks for: a short ``fact`` or a ``passage`` of sentences.

    A rule on the question's words: how and why (but not how many, how long,
    ...), describe/explain/list/compare, "what are the factors/steps/...",
    "what does X do/mean", "how has X changed", yes-or-no questions ("Did
    ..."), whose answer is a statement, and "what is X" for a short X without
    "of" ask for a passage; everything else for a fact.

    Example:
        >>> [answer_shape(q) for q in ("What is hybrid retrieval?", "What is the capital of Peru?",
        ...                            "How many pages are there?", "Why is it slow?")]
        ['passage', 'fact', 'fact', 'passage']
    """
    if _PASSAGE.search(question) or asks_yes_no(question):
        return "passage"
    definition = _DEFINITION.match(question)
    if definition and " of " not in f" {definition.group(1)} " and len(
            WORD.findall(definition.group(1))) <= 3:
        return "passage"
    return "fact"


def is_short_fact(phrase: str, question: str) -> bool:
    """Whether ``phrase`` can be the short fact that answers ``question``.

    A fact is short (at most :data:`SHORT_WORDS` words), lies within one table
    cell (no ``|``), and is new: it holds none of the question's own content
    words ("Share Repurchase Program" does not answer "Which share repurchase
    program ...?"), except the one a "how ..." asks about ("412 metres long"
    answers "How long is it?").

    Example:
        >>> is_short_fact("1994", "When did the bridge open?")
        True
        >>> is_short_fact("Whether the LLM", "Which LLM is bundled?")
        False
        >>> is_short_fact("412 metres long", "How long is the bridge?")
        True
        >>> is_short_fact("`MODEL_PATH` | `bundled`", "Which file is the default?")
        False
        >>> is_short_fact("Mei Lin", "What will Tom Harris do?")
        False
    """
    if len(phrase.split()) > SHORT_WORDS or "|" in phrase:
        return False
    words = [w for w in WORD.findall(phrase) if w.lower() not in STOPWORDS]
    if _ASKS_ACTION.match(question) and words and all(w[:1].isupper() for w in words):
        return False  # "What will Tom Harris do?" is answered by an act, not by a name
    asked = {stem(w) for w in content_words(_HOW_WORD.sub("", question))}
    return not any(stem(w) in asked for w in content_words(phrase))


def is_table_row(unit: str) -> bool:
    """Whether a quotable unit is a row of a Markdown table (``| a | b |``).

    A row states values (a setting, its default); it answers which or what
    value, but not how, why or what something does.

    Example:
        >>> is_table_row("| retrieval mode | `hybrid` |"), is_table_row("Hybrid search fuses both.")
        (True, False)
    """
    text = unit.strip()
    return len(text) > 1 and text.startswith("|") and text.endswith("|")


@dataclass(frozen=True)
class QuoteRules:
    """The fitted numbers of quoting, as ``bench/fit_quote_rules.py`` wrote them.

    Attributes:
        min_score: Below this best unit score, no sentence answers ("not found").
        min_share: A second or third quote must score at least this share of
            the best one's score.
        rank_weight: A unit of the chunk retrieved ``n``-th scores this weight
            divided by ``n`` more.
        document_weight: A unit scores this weight times the share with which the
            question names its document more (a question about Amazon's report is
            answered from Amazon's report, not from a sentence of Intel's that the
            retriever also brought).
    """

    min_score: float
    min_share: float
    rank_weight: float = 0.0
    document_weight: float = 0.0


RULES_FILE = "quote_rules.json"
"""The fitted rules' file in the package's ``rag/answer/data`` folder."""


@functools.cache
def fitted_rules() -> QuoteRules:
    """The rules fitted on development data, read once from ``rag/answer/data/quote_rules.json``."""
    data = json.loads(resources.files("rag.answer").joinpath("data", RULES_FILE).read_text("utf-8"))
    return QuoteRules(min_score=float(data["min_score"]), min_share=float(data["min_share"]),
                      rank_weight=float(data["rank_weight"]),
                      document_weight=float(data.get("document_weight", 0.0)))


def rules_path() -> Path:
    """Where the fitted rules' file lives in the source tree (the fit writes it)."""
    return Path(__file__).resolve().parent / "data" / RULES_FILE


def pick_quotes(
    ranked: Sequence[Evidence],
    *,
    min_share: float,
    first: Evidence | None = None,
    max_quotes: int = MAX_QUOTES,
    max_words: int = ANSWER_WORDS,
) -> list[Evidence]:
    """The units to quote: the best one and those close to it.

    Args:
        ranked: The units, best first (:func:`rank_evidence`).
        min_share: Another unit is quoted only when it scores at least this
            share of the best one's score.
        first: A unit that must be quoted (the one holding the short fact);
            default the best ranked one.
        max_quotes: At most this many units.
        max_words: Stop adding units past this many words in all.

    Returns:
        The units: ``first`` (or the best) leads, then the others by their chunk's
        rank (retrieval knows which report a question is about), best first in a chunk.
    """
    if not ranked:
        return []
    best = first or ranked[0]
    chosen = [best]
    words = best.words
    floor = min_share * ranked[0].score
    for unit in ranked:
        if len(chosen) >= max_quotes or unit.score < floor:
            break
        if unit == best or words + unit.words > max_words or _same_text(unit, chosen):
            continue
        chosen.append(unit)
        words += unit.words
    return [best, *sorted(chosen[1:], key=lambda u: (u.n, -u.score))]


def _same_text(unit: Evidence, chosen: Sequence[Evidence]) -> bool:
    """Whether the sentence is chosen already, whole or in part: overlapping chunks
    cut one sentence at different words, and files repeat sentences."""
    normal = unit.flat_text.lower()
    return any(normal in other or other in normal
               for other in (c.flat_text.lower() for c in chosen))

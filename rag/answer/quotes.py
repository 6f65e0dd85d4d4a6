"""Quoted evidence: the sentences of the retrieved chunks that answer a question.

An answer the bundled 135M model cannot write is quoted instead. Each
relevant chunk is cut into units: its sentences (:func:`rag.text.sentence_spans`:
prose sentences, list items, table rows, lines of code), with units longer
than :data:`QUOTE_WORDS` cut again at line breaks, then into word windows.
Each unit is scored as focusing does (:func:`rag.answer.focus.sentence_scores`): its embedding's
cosine similarity to the question plus a weight times the share of the
question's content words it holds, plus a weight over its chunk's retrieval
rank (the retriever knows which report a question names, which a sentence
such as "Net sales rose 8%" does not say). The answer quotes the best unit and
those close to it, verbatim, at most :data:`ANSWER_WORDS` words, in document order.

The three numbers that decide (:class:`QuoteRules`) are learned from data:
the weight of the chunk's rank, how much lower than the best a second or
third quote may score, and the floor under which no sentence answers and the
chain says "not found". They live in ``rag/answer/data/quote_rules.json``, written
by ``bench/fit_quote_rules.py``.

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
from typing import TYPE_CHECKING, Literal

from rag.answer.focus import sentence_scores
from rag.text import WORD, content_words, sentence_spans, stem

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

__all__ = ["ANSWER_WORDS", "MAX_QUOTES", "QUOTE_WORDS", "SHORT_WORDS", "AnswerShape", "Evidence",
           "QuoteRules", "answer_shape", "echoes", "fitted_rules", "is_short_fact", "is_table_row",
           "pick_quotes", "quote_units", "rank_evidence", "reweigh_ranks", "rules_path"]

AnswerShape = Literal["fact", "passage"]

QUOTE_WORDS = 60
"""A unit longer than this many words (a table, a run-on list) is cut before quoting."""
ANSWER_WORDS = 80
"""The quotes of one answer hold at most about this many words (a product rule)."""
MAX_QUOTES = 3
"""At most this many sentences are quoted."""
SHORT_WORDS = 8
"""A short fact has at most this many words; a longer phrase is not one (a product rule)."""

_PASSAGE = re.compile(
    r"^\s*(?:how|why)\b(?!\s+(?:many|much|long|old|far|large|big|high|tall|often)\b)"
    r"|\b(?:describe|explain|outline|summari[sz]e|list|compare|discuss|elaborate)\b"
    r"|\bwhat\s+(?:are|were)\s+(?:the\s+)?(?:\w+\s+){0,2}"
    r"(?:factors|reasons|steps|ways|risks|changes|differences|effects|impacts|trends|drivers)\b"
    r"|^\s*what\s+(?:does|do|did)\b.*\b(?:do|mean|say|involve|cover|include)\W*$"
    r"|\bhow\s+(?:has|have|had|does|do|did|is|are|was|were)\b"
    r"|^\s*(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b",
    re.IGNORECASE)
"""How, why, describe or list, "what are the factors ...", "what does X do/mean", yes or no."""
_DEFINITION = re.compile(r"^\s*what\s+(?:is|are)\s+(?:an?\s+|the\s+)?([^?]*?)\W*$", re.IGNORECASE)
"""'What is X?' asks what X is: a passage when X is a short name without "of"."""
_HOW_WORD = re.compile(r"\bhow\s+\w+", re.IGNORECASE)
""""How long", "how many": the word after "how" is what is asked, not a topic."""
_BULLET = re.compile(r"(?:[-*+\u2022]|\d{1,3}[.)])[ \t]+")
_NOT_QUOTED = re.compile(r"^(?:#{1,6}\s|\|?[\s|:-]*$)")
"""Headings and table rules say nothing on their own."""


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
    if _PASSAGE.search(question):
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
    """
    if len(phrase.split()) > SHORT_WORDS or "|" in phrase:
        return False
    asked = {stem(w) for w in content_words(_HOW_WORD.sub("", question))}
    return not any(stem(w) in asked for w in content_words(phrase))


def echoes(unit: str, question: str) -> bool:
    """Whether a unit holds the question itself (an example of asking it, a FAQ's
    heading): it repeats the question, it does not answer it.

    Example:
        >>> echoes('$ rag ask "How do I remove a file?"', "How do I remove a file?")
        True
        >>> echoes("Run rag forget to remove a file.", "How do I remove a file?")
        False
    """
    asked = " ".join(WORD.findall(question.lower()))
    return len(asked.split()) >= 3 and asked in " ".join(WORD.findall(unit.lower()))


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
    """

    min_score: float
    min_share: float
    rank_weight: float = 0.0


RULES_FILE = "quote_rules.json"
"""The fitted rules' file in the package's ``rag/answer/data`` folder."""


@functools.cache
def fitted_rules() -> QuoteRules:
    """The rules fitted on development data, read once from ``rag/answer/data/quote_rules.json``."""
    data = json.loads(resources.files("rag.answer").joinpath("data", RULES_FILE).read_text("utf-8"))
    return QuoteRules(min_score=float(data["min_score"]), min_share=float(data["min_share"]),
                      rank_weight=float(data["rank_weight"]))


def rules_path() -> Path:
    """Where the fitted rules' file lives in the source tree (the fit writes it)."""
    return Path(__file__).resolve().parent / "data" / RULES_FILE


@dataclass(frozen=True)
class Evidence:
    """One unit of a relevant chunk, scored as evidence for the question."""

    n: int
    """The chunk's citation number (1-based)."""
    start: int
    """Character offset of the unit in the chunk's text."""
    end: int
    """Character offset just past its end."""
    text: str
    """The unit, verbatim (``chunk[start:end]``)."""
    score: float
    """Cosine similarity to the question plus the weighted word overlap."""

    @property
    def words(self) -> int:
        """How many words the unit has."""
        return len(self.text.split())

    @property
    def flat_text(self) -> str:
        """The unit on one line, runs of white space as one space."""
        return " ".join(self.text.split())


def quote_units(text: str, *, max_words: int = QUOTE_WORDS) -> list[tuple[int, int]]:
    """The quotable units of a chunk: sentence spans, long ones cut, bullets and headings out.

    Args:
        text: The chunk's text.
        max_words: Longer sentences are cut at line breaks, then into windows
            of this many words.

    Returns:
        ``(start, end)`` offsets in ``text``, in order.

    Example:
        >>> text = "# Forgetting\\n- `rag forget F` removes F from the index."
        >>> [text[s:e] for s, e in quote_units(text)]
        ['`rag forget F` removes F from the index.']
    """
    units: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        if _NOT_QUOTED.match(text[start:end]):
            continue
        bullet = _BULLET.match(text, start, end)
        start = bullet.end() if bullet else start
        units.extend(_cut_long(text, start, end, max_words))
    return units


def _cut_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """``(start, end)`` itself, or pieces of at most ``max_words`` words (lines first)."""
    if len(text[start:end].split()) <= max_words:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        words = list(re.finditer(r"\S+", line.group()))
        offset = start + line.start()
        for first in range(0, len(words), max_words):
            window = words[first:first + max_words]
            pieces.append((offset + window[0].start(), offset + window[-1].end()))
    return _merge_lines(text, pieces, max_words)


def _merge_lines(text: str, pieces: list[tuple[int, int]], max_words: int
                 ) -> list[tuple[int, int]]:
    """Join consecutive short lines back together while they fit in ``max_words``."""
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and len(text[merged[-1][0]:end].split()) <= max_words:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def rank_evidence(
    question: str,
    documents: Sequence[Document],
    embeddings: Embeddings,
    *,
    query_vector: Sequence[float] | None = None,
    lexical_weight: float = 0.0,
    rank_weight: float = 0.0,
) -> list[Evidence]:
    """Score every quotable unit of the relevant chunks against ``question``
    (except those that repeat the question, see :func:`echoes`).

    Args:
        question: The standalone question.
        documents: The relevant chunks, numbered from 1 in this order.
        embeddings: The embedding model (L2-normalised vectors).
        query_vector: The question's embedding, when the caller has it already.
        lexical_weight: Weight of the share of the question's content words a
            unit holds, added to its cosine similarity.
        rank_weight: Added to the score of each unit of the ``n``-th chunk, divided by ``n``.

    Returns:
        The units, best first (ties: document order).
    """
    units = [Evidence(n, start, end, doc.page_content[start:end], 0.0)
             for n, doc in enumerate(documents, start=1)
             for start, end in quote_units(doc.page_content)
             if not echoes(doc.page_content[start:end], question)]
    units = _originals(units)
    if not units:
        return []
    scores = sentence_scores(question, [u.flat_text for u in units], embeddings,
                             query_vector=query_vector, lexical_weight=lexical_weight)
    return reweigh_ranks([Evidence(u.n, u.start, u.end, u.text, float(score))
                          for u, score in zip(units, scores, strict=True)], rank_weight)


def _originals(units: list[Evidence]) -> list[Evidence]:
    """``units`` without those that quote another of them in quotation marks (an
    example answer that cites a sentence of another file): the original is the evidence."""
    flat = [u.flat_text for u in units]
    quoted = [f"{o}{text}{c}" for text in flat if len(text.split()) >= 3
              for o, c in (("\u201c", "\u201d"), ('"', '"'))]
    return [u for u, text in zip(units, flat, strict=True)
            if not any(q in text for q in quoted)]


def reweigh_ranks(units: Sequence[Evidence], rank_weight: float) -> list[Evidence]:
    """``units`` with ``rank_weight / n`` added to the score of each unit of chunk ``n``, best first.

    Example:
        >>> units = [Evidence(3, 0, 1, "a", 0.62), Evidence(1, 0, 1, "b", 0.58)]
        >>> [(u.text, round(u.score, 3)) for u in reweigh_ranks(units, 0.1)]
        [('b', 0.68), ('a', 0.653)]
    """
    scored = [Evidence(u.n, u.start, u.end, u.text, u.score + rank_weight / u.n) for u in units]
    order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, scored[i].n, scored[i].start))
    return [scored[i] for i in order]


def pick_quotes(
    ranked: Sequence[Evidence],
    *,
    min_share: float,
    first: Evidence | None = None,
    max_quotes: int = MAX_QUOTES,
    max_words: int = ANSWER_WORDS,
) -> list[Evidence]:
    """The units to quote: the best one and those close to it, in document order.

    Args:
        ranked: The units, best first (:func:`rank_evidence`).
        min_share: Another unit is quoted only when it scores at least this
            share of the best one's score.
        first: A unit that must be quoted (the one holding the short fact);
            default the best ranked one.
        max_quotes: At most this many units.
        max_words: Stop adding units past this many words in all.

    Returns:
        The units, ordered by citation number then position in the chunk.
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
    return sorted(chosen, key=lambda u: (u.n, u.start))


def _same_text(unit: Evidence, chosen: Sequence[Evidence]) -> bool:
    """Whether the sentence is chosen already, whole or in part: overlapping chunks
    cut one sentence at different words, and files repeat sentences."""
    normal = unit.flat_text.lower()
    return any(normal in other or other in normal
               for other in (c.flat_text.lower() for c in chosen))

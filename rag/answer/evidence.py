"""Evidence: the quotable units of the relevant chunks, scored against the question.

A chunk's units come from ingest (:mod:`rag.index.units`: sentences, list
items, table rows under their column heads, fields of a form, captions, code
lines); a chunk stored without them (an older index, a document added without
structure) is cut into sentence spans here (:func:`quote_units`). Headings and
a table's head row are not evidence on their own. Each unit is scored as
focusing does (:func:`rag.answer.focus.sentence_scores`) on its readable text: a table
row with its column heads ("Plan: Basic; Storage: 10 GB"), so a question that
names a column finds the row.

Example:
    >>> text = "# Forgetting\\n- `rag forget F` removes F from the index."
    >>> [text[s:e] for s, e in quote_units(text)]
    ['`rag forget F` removes F from the index.']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rag.answer.focus import sentence_scores
from rag.index.units import UNITS_KEY, Unit, decode_units, readable
from rag.text import WORD, sentence_spans, word_overlap

if TYPE_CHECKING:
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings

__all__ = ["DOCUMENT_SHARE_KEY", "QUOTE_WORDS", "Evidence", "antecedent", "chunk_units",
           "echoes", "falls_under", "in_context", "last_heading", "quote_units", "rank_evidence",
           "reweigh_ranks", "unit_headings"]

QUOTE_WORDS = 60
"""A unit longer than this many words (a table, a run-on list) is cut before quoting."""

DOCUMENT_SHARE_KEY = "document_share"
"""A retrieved chunk's metadata key (:class:`rag.retrieval.HybridRetriever` writes it): how
much the question names its document, the document prior's share."""

_BULLET = re.compile(r"(?:[-*+\u2022]|\d{1,3}[.)]|\d{1,3}(?:\.\d{1,3})+\.?)[ \t]+")
_NOT_QUOTED = re.compile(r"^(?:#{1,6}\s|\|?[\s|:-]*$)")
"""Headings and table rules say nothing on their own."""


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
    kind: str = "sentence"
    """What the unit is (see :class:`rag.index.units.Unit`)."""
    group: int = 0
    """Units of one list or one table share a group number (0: none)."""
    heads: str = ""
    """A table row's column heads, joined by `` | ``."""
    named: float = 1.0
    """How much the question names the chunk's document, 0 to 1 (the retriever's
    document prior, :data:`DOCUMENT_SHARE_KEY`; 1 when the retriever has none: a question
    that tells no document apart names them all alike, so the fitted floor holds)."""
    heading: str = ""
    """The heading the unit falls under (:func:`unit_headings`; empty: none known)."""

    @property
    def words(self) -> int:
        """How many words the unit has."""
        return len(self.text.split())

    @property
    def flat_text(self) -> str:
        """The unit on one line as a person reads it: runs of white space as one space, a
        table row with its column heads (:func:`rag.index.units.readable`)."""
        return readable(self.text, self.heads)


def chunk_units(document: Document) -> list[Unit]:
    """The quotable units of a chunk: ingest's (:data:`rag.index.units.UNITS_KEY`), else
    its sentence spans (:func:`quote_units`); a unit longer than :data:`QUOTE_WORDS` is cut
    into its sentences, and a sentence longer still into windows."""
    text = document.page_content
    stored = decode_units((document.metadata or {}).get(UNITS_KEY))
    if not stored:
        return [Unit(start, end, "sentence") for start, end in quote_units(text)]
    units: list[Unit] = []
    for unit in stored:
        if not unit.quotable or not 0 <= unit.start < unit.end <= len(text):
            continue
        start = unit.start
        if unit.kind == "item":
            bullet = _BULLET.match(text, start, unit.end)
            start = bullet.end() if bullet else start
        pieces = [(start, unit.end)]
        if len(text[start:unit.end].split()) > QUOTE_WORDS:  # a long item: its sentences
            pieces = [(start + a, start + b) for a, b in sentence_spans(text[start:unit.end])]
        units.extend(replace(unit, start=a, end=b) for first, last in pieces
                     for a, b in _cut_long(text, first, last, QUOTE_WORDS))
    return units


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


def unit_headings(document: Document) -> list[tuple[int, str]]:
    """The headings a chunk's units fall under: ``(offset, heading)``, in order, from the
    heading it starts under (its ``section``, at offset 0) and each heading in it (at the
    heading's end), after the headings above it ("2.4.0 > Fixed").

    Example:
        >>> from langchain_core.documents import Document
        >>> from rag.index.units import encode_units
        >>> text = "2.4.0\\n\\n- Added export.\\n\\n2.3.0\\n\\n- Added a dark theme."
        >>> units = [Unit(0, 5, "heading"), Unit(7, 22, "item"), Unit(24, 29, "heading"),
        ...          Unit(31, 51, "item")]
        >>> unit_headings(Document(text, metadata={UNITS_KEY: encode_units(units),
        ...                                        "section": "Changelog"}))
        [(0, 'Changelog'), (5, '2.4.0'), (29, '2.3.0')]
        >>> fixed = [Unit(0, 5, "heading", above="Changelog"), Unit(7, 22, "item")]
        >>> unit_headings(Document(text, metadata={UNITS_KEY: encode_units(fixed)}))[1]
        (5, 'Changelog > 2.4.0')
    """
    text, metadata = document.page_content, document.metadata or {}
    headings = [(0, str(metadata.get("section", "")))]
    for unit in decode_units(metadata.get(UNITS_KEY)):
        if unit.kind == "heading":
            own = text[unit.start:unit.end].lstrip("#").strip()
            headings.append((unit.end, f"{unit.above} > {own}" if unit.above else own))
    return headings


def last_heading(path: str) -> str:
    """A heading path's own heading, the last one ("Changelog > 2.4.0" -> "2.4.0").

    Example:
        >>> last_heading("Changelog > 2.4.0 > Fixed"), last_heading("")
        ('Fixed', '')
    """
    return path.rsplit(" > ", 1)[-1]


def _heading_at(headings: list[tuple[int, str]], offset: int) -> str:
    """The heading a unit starting at ``offset`` falls under (the last one before it)."""
    return next((heading for end, heading in reversed(headings) if end <= offset), "")


def rank_evidence(
    question: str,
    documents: Sequence[Document],
    embeddings: Embeddings,
    *,
    query_vector: Sequence[float] | None = None,
    lexical_weight: float = 0.0,
    rank_weight: float = 0.0,
    document_weight: float = 0.0,
) -> list[Evidence]:
    """Score every quotable unit of the relevant chunks against ``question``
    (except those that repeat the question, see :func:`echoes`). The question's words a
    unit holds count with those of the heading it falls under (:func:`unit_headings`): a
    changelog's "Added a dark theme." holds the "2.3.0" of its heading, a FAQ's answer
    the words of the question its heading asks.

    Args:
        question: The standalone question.
        documents: The relevant chunks, numbered from 1 in this order.
        embeddings: The embedding model (L2-normalised vectors).
        query_vector: The question's embedding, when the caller has it already.
        lexical_weight: Weight of the share of the question's content words a
            unit holds, added to its cosine similarity.
        rank_weight: Added to the score of each unit of the ``n``-th chunk, divided by ``n``.
        document_weight: Times the share with which the question names a chunk's
            document (:data:`DOCUMENT_SHARE_KEY`), added to the scores of its units.

    Returns:
        The units, best first (ties: document order).
    """
    headings = {n: unit_headings(doc) for n, doc in enumerate(documents, start=1)}
    units = [Evidence(n, unit.start, unit.end, doc.page_content[unit.start:unit.end], 0.0,
                      unit.kind, unit.group, unit.heads,
                      float((doc.metadata or {}).get(DOCUMENT_SHARE_KEY, 1.0)),
                      _heading_at(headings[n], unit.start))
             for n, doc in enumerate(documents, start=1)
             for unit in chunk_units(doc)
             if not echoes(doc.page_content[unit.start:unit.end], question)]
    units = _originals(units)
    if not units:
        return []
    similarities = sentence_scores(question, [u.flat_text for u in units], embeddings,
                                   query_vector=query_vector)
    scores = [similarity + lexical_weight * word_overlap(question, f"{u.heading} {u.flat_text}")
              for u, similarity in zip(units, similarities, strict=True)]
    return reweigh_ranks([replace(u, score=float(score))
                          for u, score in zip(units, scores, strict=True)], rank_weight,
                         document_weight)


def _originals(units: list[Evidence]) -> list[Evidence]:
    """``units`` without those that quote another of them in quotation marks (an
    example answer that cites a sentence of another file): the original is the evidence."""
    flat = [u.flat_text for u in units]
    quoted = [f"{o}{text}{c}" for text in flat if len(text.split()) >= 3
              for o, c in (("\u201c", "\u201d"), ('"', '"'))]
    return [u for u, text in zip(units, flat, strict=True)
            if not any(q in text for q in quoted)]


def falls_under(unit: Evidence, documents: Sequence[Document]) -> str:
    """What ``unit`` falls under: its page's title and section (its chunk's metadata) and
    its headings, where a name or a subject is given once for many units.

    Example:
        >>> from langchain_core.documents import Document
        >>> page = Document("Price | £64.99", metadata={"header": "Halden Quick kettle"})
        >>> falls_under(Evidence(1, 0, 14, "Price | £64.99", 1.0, "row", heading="Specs"),
        ...             [page]).split()
        ['Halden', 'Quick', 'kettle', 'Specs']
    """
    page = documents[unit.n - 1].metadata or {}
    return f"{page.get('header', '')} {page.get('section', '')} {unit.heading}"


def in_context(unit: Evidence, documents: Sequence[Document]) -> str:
    """``unit`` after what it falls under (:func:`falls_under`).

    Example:
        >>> from langchain_core.documents import Document
        >>> page = Document("Price | £64.99", metadata={"header": "Halden Quick kettle"})
        >>> in_context(Evidence(1, 0, 14, "Price | £64.99", 1.0, "row"), [page]).split()
        ['Halden', 'Quick', 'kettle', 'Price', '|', '£64.99']
    """
    return f"{falls_under(unit, documents)} {unit.flat_text}"


_POINTING = frozenset("it its they their this these he she his her there".split())


def antecedent(unit: Evidence, ranked: Sequence[Evidence]) -> Evidence | None:
    """The sentence before ``unit`` in its chunk (among ``ranked``) when ``unit`` opens with
    a word that points back to it ("It opened in 1994." after "The Quillon bridge is
    ..."), else None.

    Example:
        >>> units = [Evidence(1, 0, 30, "The Quillon bridge spans the Esk.", 1.0),
        ...          Evidence(1, 31, 50, "It opened in 1994.", 1.2)]
        >>> antecedent(units[1], units).text, antecedent(units[0], units)
        ('The Quillon bridge spans the Esk.', None)
    """
    first = unit.flat_text.split(" ", 1)[0].lower()
    if unit.kind != "sentence" or first not in _POINTING:
        return None
    before = [u for u in ranked if u.n == unit.n and u.end <= unit.start]
    return max(before, key=lambda u: u.start, default=None)


def reweigh_ranks(units: Sequence[Evidence], rank_weight: float,
                  document_weight: float = 0.0) -> list[Evidence]:
    """``units`` with ``rank_weight / n`` added to the score of each unit of chunk ``n``
    and ``document_weight`` times its document's :attr:`~Evidence.named` share, best first.

    Example:
        >>> units = [Evidence(3, 0, 1, "a", 0.62), Evidence(1, 0, 1, "b", 0.58)]
        >>> [(u.text, round(u.score, 3)) for u in reweigh_ranks(units, 0.1)]
        [('b', 0.68), ('a', 0.653)]
        >>> units = [Evidence(1, 0, 1, "other report", 0.70, named=0.0),
        ...          Evidence(2, 0, 1, "named report", 0.65, named=1.0)]
        >>> [u.text for u in reweigh_ranks(units, 0.0, document_weight=0.1)]
        ['named report', 'other report']
    """
    scored = [replace(u, score=u.score + rank_weight / u.n + document_weight * u.named)
              for u in units]
    order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, scored[i].n, scored[i].start))
    return [scored[i] for i in order]



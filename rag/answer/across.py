"""Answers across periodic reports: a quote from each report, newest first.

"How has Apple's total net sales changed over time?" asked of a folder of
quarterly reports is answered by a line of each report, not by the best line of
one. The retriever (:class:`rag.retrieval.HybridRetriever`) brings the best
chunk of each report the question names and marks the chunks of those reports
with ``report_rank`` (0: the newest). :func:`report_quotes` then quotes the
best unit of those chunks (a row whose label the question names, when one is
close enough) and, from each other report, the unit with the same row label
("Total net sales") when it has one, else its best unit close enough to the
first (not another row, when the question named one); newest report first, at
most :data:`ACROSS_WORDS` words.

Example:
    >>> from rag.answer.evidence import Evidence, reweigh_ranks
    >>> ranked = [Evidence(1, 0, 1, "Total net sales | 81,797", 0.9, "row"),
    ...           Evidence(2, 0, 1, "Gross margin | 36,413", 0.8, "row"),
    ...           Evidence(2, 5, 6, "Total net sales | 94,836", 0.7, "row")]
    >>> [u.text for u in report_quotes(ranked, {1: 1, 2: 0}, min_share=0.5)]
    ['Total net sales | 94,836', 'Total net sales | 81,797']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rag.answer.evidence import Evidence, reweigh_ranks
from rag.text import content_words, stem

__all__ = ["ACROSS_WORDS", "REPORT_RANK_KEY", "report_quotes"]

ACROSS_WORDS = 120
"""The quotes of an answer across reports hold at most about this many words (a product
rule: a line from each of up to four reports)."""
REPORT_RANK_KEY = "report_rank"
"""A retrieved chunk's metadata key: the rank of its report among those a question asks
across (0: the newest), written by :class:`rag.retrieval.HybridRetriever`."""
_TOTAL = "total"
"""The stem of a total's label word, which names nothing on its own."""


def report_quotes(ranked: Sequence[Evidence], ranks: Mapping[int, int], *, min_share: float,
                  rank_weight: float = 0.0, max_words: int = ACROSS_WORDS, question: str = ""
                  ) -> list[Evidence] | None:
    """A unit from each report, newest first; None unless two reports or more give one.

    Args:
        ranked: The units, best first (:func:`rag.answer.evidence.rank_evidence`).
        ranks: The report rank of each chunk number that belongs to a report asked across.
        min_share: A report's best unit is quoted only when it scores at least this
            share of the first unit's score (a row with the first one's label always is).
        rank_weight: The chunk rank's weight in the units' scores, taken out: the
            reports' chunks come in the order of the reports' age, not of relevance.
        max_words: Stop adding reports past this many words in all.
        question: The question; a row whose label it names ("total net sales") leads
            when it scores at least ``min_share`` of the best unit.
    """
    if len(set(ranks.values())) < 2:
        return None
    ranked = reweigh_ranks([u for u in ranked if u.n in ranks], -rank_weight)
    if not ranked:
        return None
    floor = min_share * ranked[0].score
    named = _named_row(ranked, question, floor)
    first = named or ranked[0]
    label = _row_label(first)
    chosen: dict[int, Evidence] = {ranks[first.n]: first}
    for report in sorted(set(ranks.values()) - {ranks[first.n]}):
        units = [u for u in ranked if ranks.get(u.n) == report
                 and not any(u.flat_text == c.flat_text for c in chosen.values())]
        same = [u for u in units if label and _row_label(u) == label]
        close = [u for u in units if u.score >= floor  # not another row than the one named
                 and not (named and _row_label(u))]
        if same or close:
            chosen[report] = (same or close)[0]
    quotes: list[Evidence] = []
    words = 0
    for report in sorted(chosen):
        unit = chosen[report]
        if quotes and words + unit.words > max_words:
            break
        quotes.append(unit)
        words += unit.words
    return quotes if len(quotes) >= 2 else None


def _named_row(ranked: Sequence[Evidence], question: str, floor: float) -> Evidence | None:
    """The row whose label ``question`` names whole, scoring at least ``floor``; None when
    there is none.

    The label is the row's own part, after a group's "Net sales by category:"; a total
    names what it totals ("Total operating expenses" for "operating expenses", but a bare
    "Total" names nothing); the longest label wins ("Total net sales" over "Net sales").
    """
    asked = {stem(word) for word in content_words(question)}
    named = [(len(words), unit) for unit in ranked if unit.score >= floor
             if (words := {stem(w) for w in
                           content_words(_row_label(unit).rsplit(": ", 1)[-1])} - {_TOTAL})
             and words <= asked]
    return max(named, key=lambda pair: pair[0])[1] if named else None


def _row_label(unit: Evidence) -> str:
    """A table row's label (its first cell), lower-cased; empty for other units."""
    text = unit.text.strip()
    if unit.kind != "row" and not (len(text) > 1 and text[0] == text[-1] == "|"):
        return ""
    return unit.text.strip().strip("|").split("|", 1)[0].strip().casefold()

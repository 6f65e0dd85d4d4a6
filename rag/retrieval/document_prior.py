"""Favouring the documents a question names: a document-level prior for hybrid retrieval.

A question such as "What was Apple's gross margin in Q3 2022?" names its
document by terms that few documents hold but that run through the ones that
do ("Apple" in Apple's reports, "2022" and "Q3" in the headers of every chunk
of ``2022 Q3 AAPL.pdf``), while the chunk that answers may say neither ("The
Company's gross margin ..."). The prior scores whole documents on such terms,
from the keyword index's per-document counts (:mod:`rag.index.documents`):

- a question term held by some documents but not by all of them weighs its
  inverse document frequency over documents, BM25's
  ``ln(1 + (N - df + 0.5) / (df + 0.5))``; a term every document holds says
  nothing about which one is meant and weighs nothing (so a collection of one
  document is never affected);
- a document scores the sum, over those terms, of their weight times the share
  of its chunks that hold the term (a report that is about Apple holds "Apple"
  on many of its pages; one that mentions Apple once does not).

The documents scored are those that can gain: the documents of the search's
candidate chunks, and the documents longer than a search fetches (their best
chunk may be missing from the collection-wide candidates; a shorter
document's chunks compete there already). :class:`rag.retrieval.HybridRetriever`
multiplies each fused chunk score by ``1 + score / best score`` of its
document, so the chunks of the best-scoring document count double, and when
that document is a long one it is searched on its own, its best chunk by
vector and by keywords joining the fusion.

A question that asks for the latest report ("the most recent 10-Q",
:func:`rag.retrieval.periods.asks_latest`) means the newest of the documents it names:
of the documents scoring at least :data:`NAMED_SHARE` of the best (all of
them when no term tells documents apart), those whose file names state a
period (:func:`rag.retrieval.periods.file_period`) are ordered by it; the newest gets
the full share and is searched on its own, the older ones half their share.
A question that names a quarter ("Q3 2022", "the first quarter of 2023",
:func:`rag.retrieval.periods.asked_periods`) means the reports of that
quarter: a document whose file name states another period keeps half its
share. A question across reports ("over time", "these quarters",
:func:`rag.retrieval.periods.asks_across_reports`) gets a chunk from each named
report of a period (at most :data:`MAX_SPREAD`, newest first). These are product rules, not fitted numbers; ``bench/doc_source_bench.py``
measures them.

Example:
    >>> round(term_weight(4, 20), 2), term_weight(20, 20)
    (1.54, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rag.index.documents import chunk_terms
from rag.retrieval.periods import file_period

if TYPE_CHECKING:
    from rag.index import Index

__all__ = ["MAX_SPREAD", "NAMED_SHARE", "DocumentPrior", "document_prior", "question_weights", "term_weight"]

MAX_SPREAD = 4
"""A question across reports gets a chunk from at most this many of them (the newest)."""
NAMED_SHARE = 0.75
"""A document scoring at least this share of the best is named by the question as
much as the best one (the reports of one company, say); "the latest" picks among them."""


def term_weight(holders: int, documents: int) -> float:
    """The weight of a question term held by ``holders`` of ``documents`` documents.

    BM25's inverse document frequency over documents; 0 for a term that no
    document or every document holds.
    """
    if holders <= 0 or holders >= documents:
        return 0.0
    return math.log(1 + (documents - holders + 0.5) / (holders + 0.5))


@dataclass(frozen=True)
class DocumentPrior:
    """How much a question favours each document.

    Attributes:
        shares: Each scored document's score divided by the best score (0 to 1].
        best: The best-scoring documents that are longer than a search fetches
            (searched on their own).
        spread: See below.
    """

    shares: dict[str, float] = field(default_factory=dict)
    best: list[str] = field(default_factory=list)
    spread: list[str] = field(default_factory=list)
    """For a question across reports: the named documents whose file names state a
    period, newest first (at most :data:`MAX_SPREAD`); each gives a chunk."""

    def factor(self, source: str) -> float:
        """What a chunk's fused score is multiplied by: 1 to 2."""
        return 1.0 + self.shares.get(source, 0.0)


def question_weights(index: Index, question: str) -> dict[str, float]:
    """The question's terms that tell documents apart, with their weights (:func:`term_weight`).

    Args:
        index: The index searched.
        question: The question.

    Returns:
        Term to weight; empty when no term tells documents apart.
    """
    terms = chunk_terms(question)
    if not terms:
        return {}
    documents, frequency = index.document_frequencies(terms)
    return {t: w for t in terms if (w := term_weight(frequency.get(t, 0), documents)) > 0}


def document_prior(
    index: Index,
    weights: Mapping[str, float],
    *,
    candidates: Iterable[str],
    long_after: int,
    sources: Sequence[str] | None = None,
    latest: bool = False,
    periods: Collection[tuple[int, int]] = (),
    across: bool = False,
) -> DocumentPrior | None:
    """Score the documents on the question's weighted terms (see the module docstring).

    Args:
        index: The index searched.
        weights: The question's weighted terms (:func:`question_weights`).
        candidates: The documents of the search's candidate chunks.
        long_after: Documents with more chunks than this are scored too, and
            searched on their own when they score best (the retriever's ``fetch_k``).
        sources: The search's source filter (None: all documents).
        latest: The question asks for the latest report (:func:`rag.retrieval.periods.asks_latest`):
            every document is scored, and the newest of those it names is favoured.
        periods: The quarters the question names (:func:`rag.retrieval.periods.asked_periods`):
            a document whose file name states another period keeps half its share.
        across: The question asks across reports (:func:`rag.retrieval.periods.asks_across_reports`):
            the named documents of two periods or more are the prior's ``spread``.

    Returns:
        The prior, or None when no document holds a weighted term (and, for
        ``latest``, no two named documents state a period).
    """
    prior = _document_prior(index, weights, candidates=set(candidates), long_after=long_after,
                            sources=sources, latest=latest, periods=periods)
    spread = _spread(index, weights, set(candidates), sources) if across else []
    if not spread:
        return prior
    return replace(prior or DocumentPrior(shares=dict.fromkeys(spread, 1.0)), spread=spread)


def _spread(index: Index, weights: Mapping[str, float], candidates: set[str],
            sources: Sequence[str] | None) -> list[str]:
    """The named documents whose file names state a period, newest first, when there are
    two or more (every candidate is named when no term tells documents apart)."""
    scores = {source: s.score for source, s in
              index.document_scores(weights, sources=sources).items()} if weights else {}
    shares = _shares(scores) or dict.fromkeys(candidates, 1.0)
    dated = {source: period for source, share in shares.items()
             if share >= NAMED_SHARE and (period := file_period(source)) is not None}
    if len(dated) < 2:
        return []
    return sorted(dated, key=lambda source: (dated[source], source), reverse=True)[:MAX_SPREAD]


def _document_prior(index: Index, weights: Mapping[str, float], *, candidates: set[str],
                    long_after: int, sources: Sequence[str] | None, latest: bool,
                    periods: Collection[tuple[int, int]]) -> DocumentPrior | None:
    """:func:`document_prior` without its spread."""
    if not weights and not latest and not periods:
        return None
    if latest:
        scored = {source: s.score for source, s in
                  index.document_scores(weights, sources=sources).items()} if weights else {}
        shares = _shares(scored) or dict.fromkeys(candidates, 1.0)
        newest = _newest_first(shares)
        if newest is not None:
            return newest
    long = set(index.long_documents(long_after, sources=sources))
    scored = sorted({*candidates, *long})
    shares = _shares({source: s.score for source, s in
                      index.document_scores(weights, sources=scored).items()}) if weights else {}
    if periods:
        shares = _in_periods(shares or dict.fromkeys(scored, 1.0), periods)
    if not shares:
        return None
    return DocumentPrior(shares=shares,
                         best=sorted(src for src, share in shares.items()
                                     if share >= 1.0 and src in long))


def _shares(scores: Mapping[str, float]) -> dict[str, float]:
    """Each document's score divided by the best one (empty when none scores above 0)."""
    top = max(scores.values(), default=0.0)
    return {source: score / top for source, score in scores.items()} if top > 0 else {}


def _in_periods(shares: Mapping[str, float], periods: Collection[tuple[int, int]]
                ) -> dict[str, float]:
    """``shares`` with a document whose file name states a period other than those asked
    at half its share, renormalised; unchanged when no document states an asked period.

    Example:
        >>> _in_periods({"2023 Q3 ACME.pdf": 1.0, "2022 Q3 ACME.pdf": 0.9, "notes.pdf": 0.4},
        ...             {(2022, 9)})
        {'2023 Q3 ACME.pdf': 0.5556, '2022 Q3 ACME.pdf': 1.0, 'notes.pdf': 0.4444}
    """
    stated = {source: file_period(source) for source in shares}
    if not any(period in periods for period in stated.values()):
        return dict(shares)
    halved = {source: share / 2 if stated[source] is not None and stated[source] not in periods
              else share for source, share in shares.items()}
    return {source: round(share, 4) for source, share in _shares(halved).items()}


def _newest_first(shares: Mapping[str, float]) -> DocumentPrior | None:
    """The prior that favours the newest named document; None when fewer than two state a period."""
    periods = {source: period for source, share in shares.items()
               if share >= NAMED_SHARE and (period := file_period(source)) is not None}
    if len(periods) < 2:
        return None
    newest = max(periods, key=lambda source: (periods[source], source))
    favoured = {source: share / 2 if source in periods else share
                for source, share in shares.items()}
    favoured[newest] = 1.0
    return DocumentPrior(shares=favoured, best=[newest])

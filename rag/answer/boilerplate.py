"""Boilerplate: sentences that many documents of a collection repeat word for word.

A company's quarterly reports each end with the same certifications ("I have
reviewed this Quarterly Report on Form 10-Q of NVIDIA Corporation;"), a
firm's letters with the same disclaimer. Such a sentence names the company
and the report, so it matches every question about them, yet it says nothing
about what was asked. :func:`specific_first` sets it aside when another unit
clears the floor and holds as many of the question's words: it is evidence
only when nothing else is, or when the question asks what it says ("Which law
governs the agreement?" of contracts that share their governing-law clause).
The retriever does not set whole chunks of it aside: a question that names a
company's report finds its certification exhibits first, and then no specific
unit is there to take their place.

Whether a sentence repeats is asked of the collection (the keyword index's
phrase search, injected as ``holders``): all its words in order, digits
included (a sentence that each contract fills with its own figure, "pays each
invoice within 60 days", says something of its own), when it has at least
:data:`PHRASE_WORDS`, held by at least :data:`BOILERPLATE_DOCUMENTS` documents.
These are product rules, not fitted numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answer.evidence import Evidence
from rag.text import WORD, word_overlap

__all__ = ["BOILERPLATE_DOCUMENTS", "CHECKED_UNITS", "PHRASE_WORDS", "specific_first"]

BOILERPLATE_DOCUMENTS = 3
"""A sentence that this many documents hold is boilerplate (one report and its
amendment, or two versions of a file, still say something of their own)."""
PHRASE_WORDS = 6
"""A shorter run of words is common language, not a template."""
CHECKED_UNITS = 8
"""Only the best this many units are looked up (the quotes come from the first few)."""


def specific_first(question: str, ranked: Sequence[Evidence],
                   holders: Callable[[str], int] | None, floor: float) -> list[Evidence]:
    """``ranked`` without its boilerplate among the best :data:`CHECKED_UNITS` units, when the
    best unit that is none clears ``floor`` and one that clears it holds at least as many of
    ``question``'s words (:func:`rag.text.word_overlap`) as the boilerplate does; else
    ``ranked`` unchanged.

    Args:
        question: The standalone question.
        ranked: The units, best first.
        holders: How many documents of the collection hold a phrase (None: not known).
        floor: The score under which no unit answers.

    Example:
        >>> units = [Evidence(1, 0, 9, "I have reviewed this quarterly report of ACME;", 1.2),
        ...          Evidence(2, 0, 9, "ACME's net sales were $23.2 billion.", 1.1)]
        >>> counts = {"I have reviewed this quarterly report of ACME;": 4}
        >>> [u.n for u in specific_first("What were ACME's net sales?", units,
        ...                              lambda p: counts.get(p, 1), floor=1.0)]
        [2]
        >>> [u.n for u in specific_first("Who reviewed ACME's report?", units,
        ...                              lambda p: counts.get(p, 1), floor=1.0)]
        [1, 2]
    """
    if holders is None:
        return list(ranked)
    repeated = {at for at, unit in enumerate(ranked[:CHECKED_UNITS])
                if len(WORD.findall(unit.flat_text)) >= PHRASE_WORDS
                and holders(unit.flat_text) >= BOILERPLATE_DOCUMENTS}
    kept = [unit for at, unit in enumerate(ranked) if at not in repeated]
    if not repeated or not kept or kept[0].score < floor:
        return list(ranked)
    covered = max(word_overlap(question, unit.flat_text) for unit in kept if unit.score >= floor)
    aside = {at for at in repeated if word_overlap(question, ranked[at].flat_text) <= covered}
    return [unit for at, unit in enumerate(ranked) if at not in aside]

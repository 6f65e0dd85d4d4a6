"""The names a question gives, and the units that hold them.

- :func:`unmatched_names`: a question that names something (a capitalised word
  past its first) that no retrieved chunk mentions is about something else: the
  chain says "not found" rather than quote the nearest other thing ("When was the
  lighthouse on *Grey* Island built?" when only Pell Island's is told).
- :func:`named_first`: a table row that holds every name of the question leads a row
  from a chunk that holds none of them, when it scores close to it ("the population of
  Belgium" from Belgium's row, not from another table's population row).

Example:
    >>> question_names("What is the population of Belgium?")
    ['Belgium']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rag.answer.evidence import Evidence
from rag.answer.sections import version_numbers
from rag.answer.siblings import calendar_word, seen_text
from rag.text import STOPWORDS, WORD, names_in

if TYPE_CHECKING:
    from langchain_core.documents import Document

__all__ = ["NOT_NAMES", "named_first", "question_names", "unmatched_names"]

NOT_NAMES = STOPWORDS | {"whose", "had"}
"""Capitalised words that are no names (a question's own words, in Title Case questions)."""


def unmatched_names(question: str, documents: Sequence[Document],
                    mentions: Callable[[str], bool] | None = None) -> list[str]:
    """The names in ``question`` that no document's text, title or file name holds, and
    that ``mentions`` (the whole collection, when given) does not know either.

    A name is a run of capitalised words past the question's first word ("Grey
    Island", "Brisa 300" counts its capitalised word); the run must occur as a
    whole, so "Grey Island" is unmatched by a page about Pell Island and grey clips.
    A day or month is no name ("Mon to Fri" spans it: :mod:`rag.answer.siblings`).

    Example:
        >>> from langchain_core.documents import Document
        >>> unmatched_names("When was the lighthouse on Grey Island built?",
        ...                 [Document("The lighthouse on Pell Island was built in 1871."),
        ...                  Document("Press the two grey clips.")])
        ['Grey Island']
    """
    names = question_names(question)
    if not names:
        return []
    seen = seen_text(documents)
    return [name for name in names if not names_in(name, seen) and not calendar_word(name)
            and not (mentions is not None and mentions(name))]


def question_names(question: str) -> list[str]:
    """Runs of capitalised words past the first word of ``question`` (not question words), and
    version numbers."""
    names: list[str] = []
    run: list[str] = []
    end = 0
    for n, match in enumerate(WORD.finditer(question)):
        word = match.group()
        between, end = question[end:match.start()], match.end()
        opens = n == 0 or between.rstrip().endswith((".", "?", "!", ":", ";"))
        capital = (not opens and word[:1].isupper() and word.lower() not in NOT_NAMES
                   and not word.isdigit() and len(word) >= 2)
        if capital and run and between == " ":
            run.append(word)
            continue
        if run:
            names.append(" ".join(run))
        run = [word] if capital else []
    if run:
        names.append(" ".join(run))
    names += version_numbers(question)  # a release is named by its number ("3.3.0")
    return [name for name in dict.fromkeys(names) if len(name) >= 3]




def named_first(ranked: Sequence[Evidence], question: str, min_share: float, *,
                unit_text: Callable[[Evidence], str],
                chunk_text: Callable[[Evidence], str]) -> list[Evidence]:
    """``ranked`` with the best table row that holds every name of ``question`` first, when
    the best unit is a row whose chunk names none of them (a record of other things) and
    that row scores at least ``min_share`` of it; unchanged otherwise.

    Rows only: a row is a record of the thing its cells name, while a sentence of a report
    that says "we" for Amazon is still about Amazon.

    Args:
        ranked: The units, best first.
        question: The question.
        min_share: How close to the best unit the named one must score.
        unit_text: A unit's text with what it falls under (its page's title, its headings).
        chunk_text: The text of a unit's chunk with its page's title: a page about Pell
            Island names it once for all its sentences ("Its lamp can be seen ...").

    Example:
        >>> units = [Evidence(1, 0, 9, "Population | Austria: 8.9 | France: 67.4", 1.3, "row"),
        ...          Evidence(2, 0, 9, "Country: Belgium; Population (millions): 11.5", 1.2, "row")]
        >>> text = lambda unit: unit.text
        >>> named_first(units, "What is the population of Belgium?", 0.5, unit_text=text,
        ...             chunk_text=text)[0].n
        2
    """
    names = [name for name in question_names(question) if not calendar_word(name)]
    if not names or not ranked or ranked[0].kind != "row" \
            or any(names_in(name, chunk_text(ranked[0])) for name in names):
        return list(ranked)
    floor = min_share * ranked[0].score
    for at, unit in enumerate(ranked):
        if unit.score < floor:
            break
        if unit.kind == "row" and all(names_in(name, unit_text(unit)) for name in names):
            return [unit, *ranked[:at], *ranked[at + 1:]]
    return list(ranked)

"""A release a question names by its version number: "What changed in 2.4.0?" of a changelog.

The items of a release ("Dark mode for the dashboard.") share no word with
"What changed in 2.4.0?" but the number of the heading they fall under, so no
one of them scores as an answer on its own. When the question holds a version
number ("2.4.0", "v1.2") that one heading of the best chunk holds,
:func:`section_answer` quotes what falls under that heading, whole (or under
its sub-heading the question names: "What was *added* in 2.3.0?"), and a
"when" question gets the date the heading states ("## 2.3.0 - 2026-10-01").
The other way round, :func:`asked_version` answers "Which version added ...?"
by the version in the best unit's heading.

Example:
    >>> from langchain_core.documents import Document
    >>> from rag.index.units import UNITS_KEY, Unit, encode_units
    >>> text = "2.4.0 - 2026-11-02\\n\\n- Dark mode.\\n\\n2.3.0 - 2026-10-01\\n\\n- Export."
    >>> units = [Unit(0, 18, "heading"), Unit(20, 32, "item", 1), Unit(34, 52, "heading"),
    ...          Unit(54, 63, "item", 2)]
    >>> chunk = Document(text, metadata={UNITS_KEY: encode_units(units)})
    >>> ranked = [Evidence(1, 22, 32, "Dark mode.", 0.9, "item", 1, heading="2.4.0 - 2026-11-02"),
    ...           Evidence(1, 56, 63, "Export.", 0.8, "item", 2, heading="2.3.0 - 2026-10-01")]
    >>> short, quote = section_answer("What changed in 2.3.0?", [chunk], ranked)
    >>> short, quote.text
    (None, '- Export.')
    >>> short, quote = section_answer("When was 2.3.0 released?", [chunk], ranked)
    >>> short, quote.text
    ('2026-10-01', '2.3.0 - 2026-10-01')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rag.answer.evidence import Evidence, last_heading, unit_headings
from rag.answer.extract import question_kind
from rag.index.units import UNITS_KEY, decode_units
from rag.text import content_words, stem

if TYPE_CHECKING:
    from langchain_core.documents import Document

__all__ = ["asked_version", "section_answer", "version_numbers"]

_NUMBER = re.compile(r"(?<![\w.,$€£])(?:v\d+(?:\.\d+)+|\d+\.\d+(?:\.\d+)+)(?![\w.]*\d)")
"""A version number: three parts or more ("2.4.0"), or two after a "v" ("v1.2"); a decimal
("3.5 kg") is none."""
_ASKS_VERSION = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?(?:version|release)\b", re.IGNORECASE)
"""A question for the version that did something ("Which version of Tideway added ...?")."""
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b"
                   r"|\b[A-Z][a-z]+\s+\d{1,2},\s+\d{4}\b")
"""A date as a heading states it: 2026-10-01, 1 October 2026, October 1, 2026."""


def section_answer(question: str, relevant: Sequence[Document], ranked: Sequence[Evidence]
                   ) -> tuple[str | None, Evidence] | None:
    """The short fact (a "when" question's date, else None) and the quote of the section
    ``question`` names by its number in the best unit's chunk; None when it names none.

    Args:
        question: The standalone question.
        relevant: The retrieved chunks, numbered from 1.
        ranked: Their units, best first.
    """
    numbers = set(version_numbers(question))
    if not numbers or not ranked:
        return None
    n = ranked[0].n
    document = relevant[n - 1]
    text = document.page_content
    headings = [(end, path) for end, path in unit_headings(document)[1:]
                if numbers & set(version_numbers(last_heading(path)))]
    if len(headings) != 1:
        return None
    end, path = headings[0]
    if question_kind(question) == "when":
        date = _DATE.search(last_heading(path))
        if date is None:
            return None
        start = _heading_start(document, end)
        return date.group(), Evidence(n, start, end, text[start:end], ranked[0].score, "heading")
    asked = {stem(w) for w in content_words(question)}
    under = [u for u in ranked
             if u.n == n and (u.heading == path or u.heading.startswith(path + " > "))]
    named = [u for u in under if u.heading != path  # a sub-heading the question names: Added
             and asked & {stem(w) for w in content_words(last_heading(u.heading))}]
    units = sorted(named or under, key=lambda u: u.start)
    if not units:
        return None
    first, last = units[0], units[-1]
    start = first.start if named else end + len(text[end:]) - len(text[end:].lstrip())
    return None, replace(first, start=start, end=last.end, text=text[start:last.end],
                         kind="list", heads="")  # the whole section with its sub-headings


def asked_version(question: str, best: Evidence) -> str | None:
    """The version number in the heading ``best`` falls under, for a question asking which
    version or release did something; None otherwise.

    Example:
        >>> alerts = Evidence(1, 0, 9, "Tide alerts.", 1.7, "item", heading="Log > 3.2.0 > Added")
        >>> asked_version("Which version added tide alerts?", alerts)
        '3.2.0'
        >>> asked_version("What are tide alerts?", alerts) is None
        True
    """
    if not _ASKS_VERSION.search(question):
        return None
    numbers = [n for heading in reversed(best.heading.split(" > "))
               for n in version_numbers(heading)]
    return numbers[0] if numbers else None


def version_numbers(text: str) -> list[str]:
    """The version numbers of ``text`` (:data:`_NUMBER`), without a leading "v", in order.

    Example:
        >>> version_numbers("What changed in v2.4, after 2.3.1 (not 10-Q, 3.5 kg, $1,250.50)?")
        ['2.4', '2.3.1']
    """
    return list(dict.fromkeys(m.group().lstrip("v") for m in _NUMBER.finditer(text)))


def _heading_start(document: Document, end: int) -> int:
    """Where the heading that ends at ``end`` starts in the chunk's text."""
    for unit in decode_units((document.metadata or {}).get(UNITS_KEY)):
        if unit.kind == "heading" and unit.end == end:
            return unit.start
    return end

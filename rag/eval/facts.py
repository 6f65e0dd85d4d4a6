"""Facts of answers on real documents: sources, content words, numbers and names.

What ``rag eval docs`` checks an answer against an analyst's reference with
(see :mod:`rag.eval.docs`). Pure functions on plain strings.

Example:
    >>> number_facts("Net sales were $81,797 million, up 8%.")  # digits, to compare
    ['81797', '8']
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer import CITATION
from rag.eval.metrics import contains_reference, normalize_answer, overlap_f1
from rag.text import STOPWORDS, content_words

__all__ = ["FactCheck", "check_facts", "content_f1", "entity_facts", "number_facts",
           "source_matches", "strip_citations"]

_MARKER = re.compile(r"\s*" + CITATION.pattern)
_LIST_ITEM = re.compile(r"^[ \t]*\d+[.)][ \t]", re.MULTILINE)
_NUMBER = re.compile(r"(?<![\w.,$])\$?(?>\d+(?:,\d{3})*(?:\.\d+)?)%?(?![\w]|-[^\W\d_])")
_NAME_WORD = r"[A-Z](?:[^\W\d_]|[&'’-])*\b"  # a capitalised word without digits ("Q3" is none)
_CAPITALISED_RUN = re.compile(rf"\b{_NAME_WORD}(?:[ \t]+{_NAME_WORD})+")



def strip_citations(text: str) -> str:
    """The answer without its ``[n]`` citation markers.

    Example:
        >>> strip_citations("Sales rose 8% [1] in Europe [2].")
        'Sales rose 8% in Europe.'
    """
    return _MARKER.sub("", text).strip()


def source_matches(file_name: str, globs: Sequence[str]) -> bool:
    """Whether a file name matches any of the globs (``fnmatch``, case ignored).

    Example:
        >>> source_matches("2023 Q3 AAPL.pdf", ["*MSFT*", "*2023 Q3 aapl*"])
        True
    """
    return any(fnmatch.fnmatchcase(file_name.lower(), g.lower()) for g in globs)


def content_f1(prediction: str, reference: str) -> float:
    """Token F1 of the content words (:func:`rag.text.content_words`), citations ignored.

    Example:
        >>> round(content_f1("Revenue grew [1].", "The revenue grew strongly."), 3)
        0.8
    """
    return overlap_f1(content_words(strip_citations(prediction)), content_words(reference))


def number_facts(text: str) -> list[str]:
    """The numbers of a text, normalised, each once, in order.

    Digits with thousands commas and decimals, not glued to a word ("Q3", "10-Q"); ``$``, ``%``,
    commas and trailing decimal zeros dropped ("$81.80" is "81.8"); list markers skipped.

    Example:
        >>> number_facts("1. Sales were $81.80 billion (1,234 units, 12%) in the 2023 10-Q, Q3.")
        ['81.8', '1234', '12', '2023']
    """
    facts = []
    for match in _NUMBER.finditer(_LIST_ITEM.sub(" ", text)):
        value = match.group().strip("$%").replace(",", "")
        facts.append(value.rstrip("0").rstrip(".") if "." in value else value)
    return list(dict.fromkeys(facts))


def entity_facts(text: str) -> list[str]:
    """Named entities by a simple rule: runs of two or more capitalised words.

    Stopwords at either end of a run are dropped ("The Services" is no name); one word is none.

    Example:
        >>> entity_facts("The Intelligent Cloud grew. Microsoft Azure, not Q3 AAPL, led.")
        ['Intelligent Cloud', 'Microsoft Azure']
    """
    names: dict[str, str] = {}
    for match in _CAPITALISED_RUN.finditer(text):
        words = match.group().split()
        kept = [i for i, word in enumerate(words) if word.lower() not in STOPWORDS]
        if kept and kept[-1] > kept[0]:
            name = " ".join(words[kept[0] : kept[-1] + 1])
            names.setdefault(normalize_answer(name), name)
    return list(names.values())


@dataclass(frozen=True)
class FactCheck:
    """Which facts of a reference answer an answer states.

    Attributes:
        numbers: Each reference number (see :func:`number_facts`) and whether it is found.
        entities: Each reference entity (see :func:`entity_facts`) and whether it is found.
    """

    numbers: dict[str, bool]
    entities: dict[str, bool]

    @property
    def recall(self) -> float | None:
        """Share of all facts found; None when the reference has none."""
        found = {**self.numbers, **self.entities}
        return sum(found.values()) / len(found) if found else None

    @property
    def number_recall(self) -> float | None:
        """Share of the numbers found; None when the reference has none."""
        return sum(self.numbers.values()) / len(self.numbers) if self.numbers else None


def check_facts(prediction: str, reference: str) -> FactCheck:
    """Find the reference's numbers (same normalised value) and entities (as whole words).

    Example:
        >>> check = check_facts("Sales were $81.8 billion in 2023 [1].",
        ...                     "Apple Inc reported $81.80 billion in 2023, up 12%.")
        >>> check.recall, round(check.number_recall, 3), check.entities
        (0.5, 0.667, {'Apple Inc': False})
    """
    stated = set(number_facts(strip_citations(prediction)))
    return FactCheck(
        numbers={n: n in stated for n in number_facts(reference)},
        entities={e: contains_reference(prediction, [e]) for e in entity_facts(reference)},
    )

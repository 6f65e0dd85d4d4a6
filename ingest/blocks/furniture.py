"""Page furniture: running headers and footers and page numbers, kept out of the chunks.

A PDF repeats its running header (the report's title, a chapter name) and
footer (a copyright line) on every page, and numbers the pages. Indexed as
text they match every question about the document and get quoted as answers.
:class:`PageFurniture` reads a document's pages in order and drops, from the
first and last :data:`EDGE_LINES` lines of each page, page numbers and the
lines that the previous pages had at the same edge (digits aside, so "Page 3
of 9" matches "Page 4 of 9"). A document's first page keeps its header: it is
known to repeat only from the second page on.

Example:
    >>> pages = PageFurniture()
    >>> pages.strip("ACME Annual Report\\nSales rose.\\n1")
    'ACME Annual Report\\nSales rose.'
    >>> pages.strip("ACME Annual Report\\nCosts fell.\\n2")
    'Costs fell.'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.readers.types import Block

__all__ = ["EDGE_LINES", "FURNITURE_WORDS", "PageFurniture", "is_page_number"]

EDGE_LINES = 2
"""Lines at the top and at the bottom of a page where furniture is looked for."""
FURNITURE_WORDS = 12
"""Most words in a running header or footer line (longer edge lines are text)."""

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+|p\.\s*|seite\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/|von)\s*\d{1,4})?$"
    r"|^[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def is_page_number(line: str) -> bool:
    """Whether a line is only a page number ("7", "Page 7 of 12", "- 7 -", "vii").

    Example:
        >>> [is_page_number(s) for s in ("12", "Page 3 of 9", "- 4 -", "2023 revenue")]
        [True, True, True, False]
    """
    return bool(_PAGE_NUMBER.match(line.strip()))


class PageFurniture:
    """Strips the furniture of one document's pages, fed in order."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._dropped: set[str] = set()

    def strip(self, text: str) -> str:
        """The page's text without its page numbers and repeated edge lines."""
        lines = text.split("\n")
        filled = [i for i, line in enumerate(lines) if line.strip()]
        edges = set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])
        short = {i for i in edges if len(lines[i].split()) <= FURNITURE_WORDS}
        dropped = {i for i in short if is_page_number(lines[i]) or self._key(lines[i]) in self._seen}
        self._seen |= {self._key(lines[i]) for i in short}
        if len(dropped) == len(filled):  # the page is nothing but its edges: keep it
            self._dropped = set()
            return text
        self._dropped = {self._key(lines[i]) for i in dropped}
        return "\n".join(line for i, line in enumerate(lines) if i not in dropped).strip("\n")

    def dropped(self, line: str) -> bool:
        """Whether ``line`` is furniture of the page last stripped (a table read from word
        positions sees the page's footer as one more row of figures: it leaves it out).

        Example:
            >>> pages = PageFurniture()
            >>> _ = pages.strip("ACME | Q1 Report | 1\\nSales rose.")
            >>> _ = pages.strip("ACME | Q1 Report | 2\\nCosts fell.")
            >>> pages.dropped("ACME | Q1 Report |  2"), pages.dropped("Costs fell.")
            (True, False)
        """
        return self._key(line) in self._dropped

    def drop(self, blocks: Sequence[Block]) -> list[Block]:
        """The blocks of the page last stripped, less those that are its furniture.

        Example:
            >>> pages = PageFurniture()
            >>> _ = pages.strip("Sales rose.\\n7")
            >>> [b.text for b in pages.drop([Block("paragraph", "Sales rose."),
            ...                                Block("paragraph", "7")])]
            ['Sales rose.']
        """
        return [b for b in blocks
                if b.kind == "table" or self._key(b.text) not in self._dropped]

    @staticmethod
    def _key(line: str) -> str:
        return _DIGITS.sub("#", " ".join(line.split()).casefold())

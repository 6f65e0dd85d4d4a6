"""Tables of plain text whose columns are lined up with spaces or tabs.

A bus timetable, an invoice's lines or a list of contacts typed in a plain
text file keep their columns apart by runs of spaces::

    Stop                 First bus   Last bus   Every
    Central Station      06:10       23:30      15 minutes

Cleaning the text turns each run into one space, so these columns are read
from the raw lines, before it: a cell ends at two spaces or more, or a tab,
that no sentence or clause punctuation comes before ("Done.  Next" is two
sentences, not two cells). Two lines or more in a row that split into the same
number of short cells are a table; its first line heads the columns when it
holds no digit and a later one does.

Example:
    >>> block = aligned_table([aligned_cells("Stop      First bus"),
    ...                        aligned_cells("Hospital  06:25")])
    >>> block.heads, block.rows
    (('Stop', 'First bus'), (('Hospital', '06:25'),))
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.blocks.clean import clean_text
from ingest.readers.types import Block

__all__ = ["CELL_WORDS", "aligned_cells", "aligned_table"]

CELL_WORDS = 6
"""Most words in a cell of a lined-up table (a longer run of words is prose)."""

_GAP = re.compile(r"(?<![.!?;:,])(?: {2,}|\t+)")
_DIGIT = re.compile(r"\d")


def aligned_cells(raw_line: str) -> tuple[str, ...] | None:
    """The cells of a raw line whose columns are lined up, clean; None when it has one.

    Example:
        >>> aligned_cells("School office        01632 960 118")
        ('School office', '01632 960 118')
        >>> aligned_cells("It rained.  Then it stopped.") is None
        True
    """
    if not _GAP.search(raw_line.strip()):
        return None
    cells = tuple(clean_text(cell) for cell in _GAP.split(raw_line.strip()))
    if len(cells) < 2 or not all(cells) or any(len(c.split()) > CELL_WORDS for c in cells):
        return None
    return cells


def aligned_table(rows: Sequence[tuple[str, ...]]) -> Block:
    """A table of lined-up rows (two or more, of one width): the first heads the columns
    when it holds no digit and a later row does."""
    first, *rest = rows
    if not _DIGIT.search(" ".join(first)) and any(_DIGIT.search(" ".join(r)) for r in rest):
        return Block("table", heads=first, rows=tuple(rest))
    return Block("table", rows=tuple(rows))

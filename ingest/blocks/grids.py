"""Tables of words, not figures, from where the words of a PDF page stand.

:mod:`ingest.blocks.layout` finds tables whose rows end in figures (a 10-Q's
statements). A table of words ("Capital | Jakarta | Berlin | Vienna", a
timetable, a price list by name) has none, and its text layer, read line by
line, gives one cell a line, with no column heads. Here a *grid* is a run of at
least :data:`MIN_GRID_LINES` lines that each hold at least :data:`MIN_CELLS`
short phrases standing apart (no sentence among them: prose set in columns
has long ones), its first line without figures and at most half its cells
with one (tables of figures are :mod:`ingest.blocks.layout`'s). Its first
line heads the columns: each phrase of a later line
falls under the head nearest it, and a phrase left of every head is the row's
label.

Example:
    >>> def line(top, *cells):
    ...     return [Segment(x, x + 40, top, top + 10, text) for x, text in cells]
    >>> lines = [line(0, (72, "Intro text that is a sentence.")),
    ...          line(20, (150, "Indonesia"), (230, "Germany"), (310, "Austria")),
    ...          line(40, (72, "Capital"), (150, "Jakarta"), (230, "Berlin"), (310, "Vienna")),
    ...          line(60, (72, "Currency"), (150, "Rupiah"), (230, "Euro"), (310, "Euro"))]
    >>> grid_ranges(lines)
    [(1, 3)]
    >>> block = grid_block(lines[1:])
    >>> block.heads, block.rows[0]
    (('', 'Indonesia', 'Germany', 'Austria'), ('Capital', 'Jakarta', 'Berlin', 'Vienna'))
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.blocks.plain import SENTENCE_END
from ingest.readers.types import Block, Segment

__all__ = ["MAX_CELL_WORDS", "MAX_HINT_WORDS", "MIN_CELLS", "MIN_GRID_LINES", "MIN_HINT_LINES",
           "grid_block", "grid_ranges", "may_hold_grid"]

MIN_CELLS = 3
"""Least phrases standing apart on a line of a grid (two may be prose in two columns)."""
MIN_GRID_LINES = 3
"""Least lines of a grid: a head line and two rows."""
MAX_CELL_WORDS = 8
"""Most words of a phrase in a grid's cell (a longer one is prose)."""
MIN_HINT_LINES = 4
"""Least short lines in a row for a page's text to hint at a grid (:func:`may_hold_grid`)."""
MAX_HINT_WORDS = 10
"""Most words of such a line: the text layer gives a grid's row, or each cell, a line."""
_DIGIT = re.compile(r"\d")
_FIGURE = re.compile(r"(?<![^\W\d_])\d")
"""A digit that does not end a word: a figure, not a unit's "km2" or "CO2"."""


def may_hold_grid(text: str) -> bool:
    """Whether a page's text (read line by line) may hold a grid, so its words' boxes are
    worth reading: a run of :data:`MIN_HINT_LINES` lines of at most :data:`MAX_HINT_WORDS`
    words that end in neither a sentence's end nor a figure (a table of contents' page
    number).

    Example:
        >>> may_hold_grid("Capital Jakarta Berlin\\nCurrency Rupiah Euro\\nLanguage Malay German"
        ...               "\\nContinent Asia Europe")
        True
        >>> may_hold_grid("A sentence of prose that runs on\\nand on,\\nand on.\\nThe end.")
        False
        >>> may_hold_grid("Contents\\nLetter from the chair 2\\nOur year 4\\nRisk factors 7")
        False
    """
    run = 0
    for line in text.splitlines():
        words = line.split()
        short = (0 < len(words) <= MAX_HINT_WORDS and not words[-1][-1].isdigit()
                 and not words[-1].endswith(SENTENCE_END))
        run = run + 1 if short else 0
        if run >= MIN_HINT_LINES:
            return True
    return False


def _cells(line: Sequence[Segment]) -> bool:
    """Whether a line reads as a grid's line: enough short phrases, no sentence."""
    return len(line) >= MIN_CELLS and all(
        len(s.text.split()) <= MAX_CELL_WORDS and not s.text.rstrip().endswith(".")
        for s in line)


def grid_ranges(lines: Sequence[Sequence[Segment]]) -> list[tuple[int, int]]:
    """``(first, last)`` line of each grid among the page's lines (each line its phrases,
    left to right)."""
    ranges: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate([*lines, []]):
        if line and _cells(line):
            start = i if start is None else start
            continue
        if start is not None and i - start >= MIN_GRID_LINES and _of_words(lines[start:i]):
            ranges.append((start, i - 1))
        start = None
    return ranges


def _of_words(lines: Sequence[Sequence[Segment]]) -> bool:
    """Whether a grid's lines are a table of words: a head line without figures (a unit's
    "Area (km2)" is none), and at most half of all the cells with a digit (a table of
    figures whose rows the figure reader missed is no grid: its first row would head the
    columns)."""
    if any(_FIGURE.search(s.text) for s in lines[0]):
        return False
    cells = [s.text for line in lines for s in line]
    return sum(bool(_DIGIT.search(c)) for c in cells) <= len(cells) / 2


def grid_block(lines: Sequence[Sequence[Segment]]) -> Block:
    """The table a grid's lines hold: the first line's phrases head the columns; each later
    line is a row, its phrase left of every head its label (when one is)."""
    heads = list(lines[0])
    centres = [(s.x0 + s.x1) / 2 for s in heads]
    margin = heads[0].x0 - 0.5 * heads[0].height
    labelled = any(line[0].x1 <= margin for line in lines[1:])
    rows = []
    for line in lines[1:]:
        label = line[0].text if labelled and line[0].x1 <= margin else ""
        cells = [""] * len(heads)
        for phrase in line[1:] if label else line:
            centre = (phrase.x0 + phrase.x1) / 2
            column = min(range(len(heads)), key=lambda c: abs(centres[c] - centre))
            cells[column] = f"{cells[column]} {phrase.text}".strip()
        rows.append(((label,) if labelled else ()) + tuple(cells))
    names = tuple(s.text for s in heads)
    return Block("table", heads=("", *names) if labelled else names, rows=tuple(rows))

"""Tables of a PDF page from where its words stand: rows, columns and column heads.

A text layer read line by line loses a table's columns: a 10-Q's "Total net
sales 117,154 123,945" no longer says which quarter each figure is for, since
the column heads ("Three Months Ended / December 31, / 2022") are lines of
their own above. The page's words with their boxes (PDFium's text runs, see
:attr:`ingest.readers.types.Page.words`) keep the columns:

1. runs on one line (their boxes overlap vertically) are joined into
   *segments*, split where the gap between two runs is wider than
   :data:`CELL_GAP` times the line's height;
2. a *row* is a line that ends in figures (numbers, amounts, dashes) after an
   optional label; a *table* is a run of lines holding at least
   :data:`MIN_ROWS` rows, with at most :data:`MAX_GAP_LINES` label-only lines
   between two rows (section lines such as "Operating expenses:", or the first
   line of a wrapped label);
3. the figures' boxes give the columns (figures of one column overlap
   horizontally); the lines right above the table that stand over the columns
   (not starting in the labels' margin) are its head lines, and a column's head
   is the head text standing over it, top to bottom, so a head spanning two
   columns ("Three Months Ended") heads both;
4. each row becomes its label (under its section line, if any) and one cell per
   column.

Tables of words without figures are grids (:mod:`ingest.blocks.grids`). The
lines outside tables are read as plain text (:func:`ingest.blocks.text_blocks`).
A page whose lines look set in two columns of prose is left to the line reader
(:func:`page_blocks` returns None), as is a page without a table.

Example:
    >>> runs = [Segment(400, 440, 10, 20, "2023"), Segment(480, 520, 10, 20, "2022"),
    ...         Segment(20, 100, 30, 40, "Revenue"), Segment(400, 440, 30, 40, "$120"),
    ...         Segment(480, 520, 30, 40, "$100"), Segment(20, 100, 50, 60, "Costs"),
    ...         Segment(400, 440, 50, 60, "(80)"), Segment(480, 520, 50, 60, "(70)"),
    ...         Segment(20, 100, 70, 80, "Profit"), Segment(400, 440, 70, 80, "40"),
    ...         Segment(480, 520, 70, 80, "30")]
    >>> table = page_blocks(runs)[0]
    >>> table.heads, table.rows[0]
    (('', '2023', '2022'), ('Revenue', '$120', '$100'))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from ingest.blocks.grids import grid_block, grid_ranges
from ingest.blocks.plain import text_blocks
from ingest.readers.types import Block, Segment

__all__ = ["CELL_GAP", "MAX_GAP_LINES", "MAX_HEAD_LINES", "MAX_LABEL_WORDS", "MIN_ROWS",
           "page_blocks"]

CELL_GAP = 1.2
"""Runs of one line further apart than this many line heights are separate cells."""
MIN_ROWS = 3
"""Least rows of figures for a table."""
MAX_GAP_LINES = 2
"""Most label-only lines between two rows of one table."""
MAX_LABEL_WORDS = 15
"""Most words in a line of a table without figures (a section line, a wrapped label)."""
MAX_HEAD_LINES = 5
"""Most lines of column heads above a table."""

_AMOUNT = r"[-\u2013\u2014]?\d(?:[\d,.]*\d)?%?"
_FIGURE = re.compile(rf"^[$€£]?(?:\([$€£]?{_AMOUNT}\)|{_AMOUNT})%?$|^[-\u2013\u2014]+$|^[$€£]$")
_NOTE = re.compile(r"^\(.*\)$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CURRENCY = frozenset("$€£")


@dataclass(frozen=True)
class _Line:
    words: tuple[Segment, ...]
    """The line's runs, left to right."""
    segments: tuple[Segment, ...]
    """The runs joined where they stand close (the line's phrases and cells)."""

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @cached_property
    def figures(self) -> tuple[Segment, ...]:
        """The figures that end the line, a currency sign joined to the amount after it."""
        tail: list[Segment] = []
        percent = False
        for word in reversed(self.words[1:]):  # the first word is the label's
            if word.text == "%" and not percent:  # "51.4 %": the sign follows its figure
                percent = True
                continue
            if not _FIGURE.match(word.text):
                break
            if percent:
                word = Segment(word.x0, word.x1, word.top, word.bottom, word.text + "%")
                percent = False
            if word.text in _CURRENCY and tail:
                tail[0] = Segment(tail[0].x0, tail[0].x1, word.top, word.bottom,
                                  word.text + tail[0].text)  # the amount's box: it aligns
            elif word.text not in _CURRENCY:
                tail.insert(0, word)
        return tuple(tail)

    def label(self) -> str:
        """The line's words before its figures."""
        words = list(self.words)
        while len(words) > 1 and (_FIGURE.match(words[-1].text) or words[-1].text == "%"):
            words.pop()
        return " ".join(w.text for w in words)

    def label_end(self) -> float:
        """Where the line's label ends (its first word's end when all else are figures)."""
        figures = self.figures
        start = figures[0].x0 if figures else float("inf")
        return max((w.x1 for w in self.words if w.x1 <= start), default=self.words[0].x1)

    @cached_property
    def is_row(self) -> bool:
        figures = self.figures
        return bool(figures) and not all(_YEAR.match(s.text) for s in figures)

    @property
    def x0(self) -> float:
        return self.words[0].x0


def page_blocks(runs: Sequence[Segment], *,
                furniture: Callable[[str], bool] | None = None) -> list[Block] | None:
    """The page's blocks with its tables read from positions; None when it has no table
    (or looks set in columns of prose), so its text is read line by line instead.

    Args:
        runs: The page's words with their boxes.
        furniture: Whether a line is the page's furniture (a running footer, a page
            number); such lines are left out before tables are looked for.
    """
    lines = [line for line in _lines(runs) if furniture is None or not furniture(line.text)]
    tables = _tables(lines)
    grids = [(first, last) for first, last in grid_ranges([line.segments for line in lines])
             if not any(first <= end and last >= start - MAX_HEAD_LINES for start, end in tables)]
    if not (tables or grids) or _two_columns(lines, tables + grids):
        return None
    blocks: list[Block] = []
    done = 0
    for first, last in sorted(tables + grids):
        heads = [] if (first, last) in grids else _head_lines(lines, first, last, done)
        blocks += text_blocks(_text(lines[done:first - len(heads)]))
        blocks.append(grid_block([line.segments for line in lines[first:last + 1]])
                      if (first, last) in grids else _table(heads, lines[first:last + 1]))
        done = last + 1
    blocks += text_blocks(_text(lines[done:]))
    return blocks


def _text(lines: list[_Line]) -> str:
    """Lines as plain text, a blank line where a wide vertical gap parts paragraphs."""
    parts: list[str] = []
    for before, line in zip([None, *lines], lines, strict=False):
        if before is not None:
            height = before.words[0].height
            parts.append("\n\n" if line.words[0].top - before.words[0].bottom > height else "\n")
        parts.append(line.text)
    return "".join(parts)


def _lines(runs: Sequence[Segment]) -> list[_Line]:
    """Runs grouped into lines (vertical overlap), top to bottom, joined into segments."""
    rows: list[list[Segment]] = []
    for run in sorted((r for r in runs if r.text.strip()), key=lambda r: (r.top + r.bottom) / 2):
        if rows and _same_line(rows[-1], run):
            rows[-1].append(run)
        else:
            rows.append([run])
    lines = []
    for row in rows:
        words = tuple(sorted(row, key=lambda r: r.x0))
        lines.append(_Line(words, _segments(list(words))))
    return lines


def _same_line(row: list[Segment], run: Segment) -> bool:
    top, bottom = min(r.top for r in row), max(r.bottom for r in row)
    overlap = min(bottom, run.bottom) - max(top, run.top)
    return overlap >= 0.5 * min(bottom - top, run.height)


def _segments(runs: list[Segment]) -> tuple[Segment, ...]:
    height = sorted(r.height for r in runs)[len(runs) // 2] or 1.0
    merged: list[Segment] = []
    for run in (r for i, r in enumerate(runs) if not i or not _marker(r, runs[i - 1], height)):
        last = merged[-1] if merged else None
        if last is not None and run.x0 - last.x1 <= CELL_GAP * height:
            space = "" if run.x0 - last.x1 < 0.05 * height else " "
            merged[-1] = Segment(last.x0, max(last.x1, run.x1), min(last.top, run.top),
                                 max(last.bottom, run.bottom), last.text + space + run.text)
        else:
            merged.append(run)
    return tuple(Segment(s.x0, s.x1, s.top, s.bottom, " ".join(s.text.split())) for s in merged)


def _marker(run: Segment, before: Segment, height: float) -> bool:
    """Whether ``run`` is a footnote marker: one or two letters or digits, small and raised,
    right after the run before it ("83,190,556²" is 83,190,556)."""
    return (len(run.text) <= 2 and run.text.isalnum() and run.height < 0.8 * height
            and run.bottom < before.bottom - 0.2 * height and run.x0 - before.x1 < 0.5 * height)


def _tables(lines: list[_Line]) -> list[tuple[int, int]]:
    """(first, last) line of each table: rows of figures with few label-only lines between,
    and the label-only lines right above its first row (its first section line)."""
    tables: list[tuple[int, int]] = []
    start = end = None
    rows = gap = 0
    for i, line in enumerate(lines + [_Line((), ())]):
        if line.words and line.is_row:
            if start is None:
                start, rows = i, 0
            end, rows, gap = i, rows + 1, 0
        elif start is not None and _label_only(line) and gap < MAX_GAP_LINES:
            gap += 1
        else:
            if start is not None and end is not None and rows >= MIN_ROWS:
                tables.append((start, end))
            start, end, rows, gap = None, None, 0, 0
            if line.words and _label_only(line):
                start, end = i, i
    tables = [(first, _trimmed(lines, first, last)) for first, last in tables]
    return [(_section_start(lines, first, tables[k - 1][1] + 1 if k else 0), last)
            for k, (first, last) in enumerate(tables)]


def _label_only(line: _Line) -> bool:
    """A line of a table without figures: a section line or part of a wrapped label (no
    sentence: those end a table)."""
    return (len(line.segments) == 1 and not line.figures and not line.text.endswith(".")
            and len(line.words) <= MAX_LABEL_WORDS)


def _trimmed(lines: list[_Line], first: int, last: int) -> int:
    """The table's last line, less trailing rows whose figures stand in no column of the
    others (a footer ending in a page number)."""
    while last > first:
        rows = [line for line in lines[first:last] if line.is_row]
        if len(rows) < MIN_ROWS:
            break
        bounds = _bounds(_columns(rows))
        if lines[last].is_row and any(_within(f, bounds) for f in lines[last].figures):
            break
        last -= 1
    return last


def _within(cell: Segment, bounds: list[tuple[float, float]]) -> bool:
    return any(x0 <= (cell.x0 + cell.x1) / 2 <= x1 for x0, x1 in bounds)


def _section_start(lines: list[_Line], first: int, floor: int) -> int:
    """The first line of a table: section lines ("Net sales:") right above its first row."""
    while first - 1 >= floor and _label_only(lines[first - 1]) \
            and lines[first - 1].text.endswith(":"):
        first -= 1
    return first


def _two_columns(lines: list[_Line], tables: list[tuple[int, int]]) -> bool:
    """Whether the prose outside the tables is set in two columns (lines of two long runs)."""
    inside = {i for first, last in tables for i in range(first, last + 1)}
    prose = [line for i, line in enumerate(lines) if i not in inside]
    split = sum(len(line.segments) == 2 and all(len(s.text.split()) >= 4 for s in line.segments)
                for line in prose)
    return split >= max(3, 0.2 * len(prose))


def _columns(rows: list[_Line]) -> list[tuple[float, float]]:
    """The x extents of the table's figure columns, left to right."""
    spans = sorted((s.x0, s.x1) for row in rows for s in row.figures)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return [(a, b) for a, b in columns]


def _head_lines(lines: list[_Line], first: int, last: int, floor: int) -> list[_Line]:
    """The lines right above a table that stand over its figure columns: right of its
    labels (the median label's end), each phrase at least half within the columns' span
    (half a column's pitch beyond the outer ones); notes in brackets aside."""
    rows = [line for line in lines[first:last + 1] if line.is_row]
    ends = sorted(row.label_end() for row in rows)
    columns = _columns(rows)
    margin = min(columns[0][0], ends[len(ends) // 2] + 1.0)
    centres = [(x0 + x1) / 2 for x0, x1 in columns]
    pitch = _pitch(columns)
    span = (centres[0] - pitch / 2, centres[-1] + pitch / 2)
    heads: list[_Line] = []
    i = first - 1
    while i >= floor and len(heads) < MAX_HEAD_LINES:
        line = lines[i]
        over = tuple(s for s in line.segments if s.x0 >= margin)
        notes = [s for s in line.segments if s.x0 < margin]
        if not over or any(not _NOTE.match(s.text) for s in notes) \
                or any(len(s.text.split()) > 8 or not _within_span(s, span) for s in over):
            break
        heads.insert(0, _Line(line.words, over))
        i -= 1
    return heads


def _within_span(phrase: Segment, span: tuple[float, float]) -> bool:
    inside = min(phrase.x1, span[1]) - max(phrase.x0, span[0])
    return inside >= 0.5 * (phrase.x1 - phrase.x0)


def _pitch(columns: list[tuple[float, float]]) -> float:
    """The least distance between two columns' centres (twice the widest column's width
    for a table of one column)."""
    centres = [(x0 + x1) / 2 for x0, x1 in columns]
    return min((b - a for a, b in zip(centres, centres[1:], strict=False)),
               default=2 * max(x1 - x0 for x0, x1 in columns))


def _table(heads: list[_Line], body: list[_Line]) -> Block:
    rows = [line for line in body if line.is_row]
    columns = _columns(rows)
    bounds = _bounds(columns)
    column_heads = _column_heads(heads, columns)
    cells_rows: list[tuple[str, ...]] = []
    section: _Line | None = None
    pending = ""
    for line in body:
        if not line.is_row:
            if line.text.endswith(":"):
                section, pending = line, ""
            elif not _NOTE.match(line.text):  # "(In millions)" says nothing of the row
                pending = f"{pending} {line.text}".strip()
            continue
        under = section is not None and line.x0 > section.x0 + 0.5 * (line.words[0].height)
        label = " ".join(p for p in (section.text if under else "", pending, line.label()) if p)
        pending = ""
        cells = [""] * len(bounds)
        for cell in line.figures:
            cells[_column_of(cell, bounds)] = cell.text
        cells_rows.append((label, *cells))
    return Block("table", heads=("", *column_heads) if any(column_heads) else (),
                 rows=tuple(cells_rows))


def _column_heads(heads: list[_Line], columns: list[tuple[float, float]]) -> list[str]:
    """Each column's head: of each head line, the phrase standing nearest over the column's
    figures (so a phrase spanning two columns heads both), top to bottom."""
    pitch = _pitch(columns)
    column_heads = ["" for _ in columns]
    for line in heads:
        phrases = [s for s in line.segments if not _NOTE.match(s.text)]
        for c, (x0, x1) in enumerate(columns):
            distance, phrase = min(((max(p.x0 - x1, x0 - p.x1, 0.0), p.text) for p in phrases),
                                   default=(pitch, ""))
            if distance < pitch / 2:
                column_heads[c] = f"{column_heads[c]} {phrase}".strip()
    return column_heads


def _bounds(columns: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Each column's extent widened halfway to its neighbours (heads are often centred)."""
    bounds = []
    for c, (x0, x1) in enumerate(columns):
        left = (columns[c - 1][1] + x0) / 2 if c else x0 - (x1 - x0) / 2
        right = (x1 + columns[c + 1][0]) / 2 if c + 1 < len(columns) else x1 + (x1 - x0) / 4
        bounds.append((left, right))
    return bounds


def _column_of(cell: Segment, bounds: list[tuple[float, float]]) -> int:
    centre = (cell.x0 + cell.x1) / 2
    return min(range(len(bounds)), key=lambda c: 0 if bounds[c][0] <= centre <= bounds[c][1]
               else min(abs(centre - bounds[c][0]), abs(centre - bounds[c][1])))

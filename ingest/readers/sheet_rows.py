"""A sheet's rows into pages: the header row as the column heads, at most
:data:`ROWS_PER_PAGE` rows a page, each page labelled with its sheet and rows.

Spreadsheets and CSV files share this: a reader hands over the rows of one
sheet as ``(row number, cells)``, lazily, and gets pages, lazily, so a sheet
of any length is never in memory whole. The first non-empty row is the
header row (unless it holds a number: then the sheet has no heads); every
later row is a row of a table block with those heads, so each row is quoted
with its column heads.

Example:
    >>> from itertools import count
    >>> rows = [(1, ("Region", "Revenue")), (2, ("North", "1,250")), (3, ("South", "980"))]
    >>> [(p.label, p.blocks[-1].rows) for p in sheet_pages("Sales", rows, count(1))]
    [('Sales!2-3', (('North', '1,250'), ('South', '980')))]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from ingest.readers.types import Block, Page, blocks_text

__all__ = ["ROWS_PER_PAGE", "sheet_pages", "trimmed"]

ROWS_PER_PAGE = 200
"""Most rows on one page (a slice of a sheet)."""

_NUMBER = re.compile(r"^[-+(]?[$€£¥]?\s?\d[\d,.\s]*%?\)?$")


def trimmed(cells: Sequence[str]) -> tuple[str, ...]:
    """The cells, whitespace collapsed, without the empty ones at the end.

    Example:
        >>> trimmed(["a ", " b  c", "", ""])
        ('a', 'b c')
    """
    out = [" ".join(cell.split()) for cell in cells]
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def sheet_pages(
    sheet: str,
    rows: Iterable[tuple[int, Sequence[str]]],
    numbers: Iterator[int],
    *,
    per_page: int = ROWS_PER_PAGE,
) -> Iterator[Page]:
    """Pages of one sheet's rows, at most ``per_page`` rows each.

    Args:
        sheet: The sheet's name (the label's first part).
        rows: ``(row number, cells)`` in order; empty rows are left out.
        numbers: Gives each page its number (shared by a file's sheets).
        per_page: Most rows a page.

    Yields:
        Pages with one table block (and the sheet's name as a heading on the first).
    """
    heads: tuple[str, ...] | None = None
    heads_row = 0
    batch: list[tuple[int, tuple[str, ...]]] = []
    first_page = True
    for number, raw in rows:
        cells = trimmed(raw)
        if not any(cells):
            continue
        if heads is None:
            heads = () if any(_NUMBER.match(cell) for cell in cells) else cells
            heads_row = number
            if heads:
                continue
        batch.append((number, cells))
        if len(batch) >= per_page:
            yield _page(sheet, heads or (), batch, next(numbers), first_page)
            batch, first_page = [], False
    if batch:
        yield _page(sheet, heads or (), batch, next(numbers), first_page)
    elif heads and first_page:  # a header row alone: a page with that row
        yield _page(sheet, (), [(heads_row, heads)], next(numbers), first_page)


def _page(sheet: str, heads: tuple[str, ...], batch: list[tuple[int, tuple[str, ...]]],
          number: int, first: bool) -> Page:
    width = max([len(heads), *(len(cells) for _, cells in batch)])
    padded_heads = heads + ("",) * (width - len(heads)) if heads else ()
    body = tuple(cells + ("",) * (width - len(cells)) for _, cells in batch)
    blocks: list[Block] = []
    if first:
        blocks.append(Block("heading", sheet, level=2))
    blocks.append(Block("table", heads=padded_heads, rows=body))
    rows = f"{batch[0][0]}-{batch[-1][0]}" if len(batch) > 1 else str(batch[0][0])
    return Page(blocks_text(blocks), number=number, label=f"{sheet}!{rows}",
                blocks=tuple(blocks))

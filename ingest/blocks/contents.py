"""A document's table of contents: entries that point at pages, kept out of the chunks.

A report's contents page lists every topic it covers ("Item 1A. Risk Factors
20", "Legal Proceedings ..... 21"), so as indexed text it matches nearly every
question about the report and its lines get quoted as answers. It is
navigation, like a web page's menu: :func:`contents_left_out` turns it into
furniture (:class:`ingest.readers.types.Block` of kind ``furniture``).

A contents entry is a line of at most :data:`ENTRY_WORDS` words that ends in a
page number (after a space or dot leaders; three digits at most, so a year is
none); a table's row is one when its last filled cell is a page number. A run of entries is a table of contents when it
has at least :data:`MIN_ENTRIES` entries, their page numbers never go down,
and the page names it ("Contents", "Table of contents", "Index", a "Page"
column head) or the entries have dot leaders. Between entries, lines without
a page number (a part's title, an entry wrapped over two lines) belong to it;
before the first entry, the heading and the short lines that introduce it do.

Example:
    >>> page = [Block("heading", "Contents"), Block("paragraph", "Introduction 1"),
    ...         Block("paragraph", "Installing 3"), Block("paragraph", "First steps 4"),
    ...         Block("paragraph", "Troubleshooting 9"), Block("paragraph", "Sales rose 3% in 2023.")]
    >>> [b.kind for b in contents_left_out(page)]
    ['furniture', 'furniture', 'furniture', 'furniture', 'furniture', 'paragraph']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ingest.readers.types import Block

__all__ = ["ENTRY_WORDS", "MIN_ENTRIES", "contents_left_out"]

ENTRY_WORDS = 30
"""A contents entry has at most this many words (two entries read as one line included)."""
MIN_ENTRIES = 4
"""Fewer entries than this are not a table of contents (a product rule)."""
_GAP_WORDS = 25
"""A line between two entries belongs to the contents when it has at most this many words."""

_ENTRY = re.compile(r"^(?=.*[^\W\d_].*\s)(?P<title>.*?)(?P<leader>\s*\.{3,}\s*|\s+)"
                    r"(?P<page>\d{1,3}|[ivxlc]{1,6})$", re.IGNORECASE)
_PAGE_ONLY = re.compile(r"^(?:\d{1,3}|[ivxlc]{1,6})$", re.IGNORECASE)
_INNER_PAGE = re.compile(r"(?<=[^\W\d_]) (\d{1,3}) (?=[A-Z])")
_MARKER = re.compile(r"(?:^|\s)(?:(?:table\s+of\s+)?contents|index)(?:\s+pages?)?$|^pages?$",
                     re.IGNORECASE)


def _line_entries(line: str) -> list[tuple[int | None, bool]]:
    """``(page number, dot leaders)`` of each contents entry of a line (a roman page number
    is None); empty when the line is no entry. Entries read as one line ("Risk factors 7
    Financial statements 12") are told apart by a page number before a capital."""
    text = " ".join(line.split())
    match = _ENTRY.match(text)
    if match is None or len(text.split()) > ENTRY_WORDS or match.group("title").rstrip().endswith(","):
        return []
    page = match.group("page")
    inner = [(int(number), False) for number in _INNER_PAGE.findall(match.group("title"))]
    return [*inner, (int(page) if page.isdigit() else None, "." in match.group("leader"))]


def _block_entries(block: Block) -> list[tuple[int | None, bool]]:
    """The contents entries of a block: its line's, or those of a table whose rows are
    mostly entries (the last filled cell a page number)."""
    if block.kind == "table":
        entries = []
        for row in block.rows:
            cells = [c.strip() for c in row if c.strip()]
            if len(cells) >= 2 and _PAGE_ONLY.match(cells[-1]):
                entries.append(_line_entries(" ".join(cells)))
        found = [e for e in entries if e]
        return [e for line in found for e in line] if len(found) * 2 >= max(1, len(block.rows)) else []
    if block.kind == "code":
        return []
    return _line_entries(block.text)


def _ascending(pages: Sequence[int | None]) -> bool:
    numbers = [p for p in pages if p is not None]
    return all(a <= b for a, b in zip(numbers, numbers[1:], strict=False))


def contents_left_out(blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` with the table of contents among them as furniture (see the module docstring).

    Args:
        blocks: One page's blocks, in reading order.

    Returns:
        The same blocks; those of a table of contents turned to ``furniture``.
    """
    entries = [_block_entries(b) for b in blocks]
    marked = any(b.kind != "table" and _MARKER.search(" ".join(b.text.split())) for b in blocks)
    left_out: set[int] = set()
    at = 0
    while at < len(blocks):
        if not entries[at]:
            at += 1
            continue
        last, gap = at, 0
        for i in range(at + 1, len(blocks)):
            if entries[i]:
                last, gap = i, 0
            elif len(blocks[i].text.split()) <= _GAP_WORDS and blocks[i].kind != "table" and gap < 2:
                gap += 1
            else:
                break
        found = [e for i in range(at, last + 1) for e in entries[i]]
        leaders = sum(leader for _, leader in found)
        if len(found) >= MIN_ENTRIES and _ascending([p for p, _ in found]) \
                and (marked or leaders >= MIN_ENTRIES):
            left_out |= set(range(_introduced_from(blocks, at), last + 1))
        at = last + 1
    return [replace(b, kind="furniture") if i in left_out else b for i, b in enumerate(blocks)]


def _introduced_from(blocks: Sequence[Block], first: int) -> int:
    """Where the contents start: the first entry, or the earliest line naming them
    ("Table of contents", "Page") among the three short lines (six words or fewer) before it."""
    start = first
    for i in range(first - 1, max(-1, first - 4), -1):
        text = " ".join(blocks[i].text.split())
        if blocks[i].kind == "table" or len(text.split()) > 6:
            break
        if _MARKER.search(text):
            start = i
    return start

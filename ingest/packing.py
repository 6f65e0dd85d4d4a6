"""Blocks into chunks: units never split, no heading as a chunk's tail, table heads repeated.

A page's blocks are cut into units (:class:`rag.index.units.Unit`): the
sentences of a paragraph, each list item, each table row, each field of a form,
each caption and code line, and headings. Units are packed into chunks of at
most the chunker's size in tokens, in order; a chunk never ends on a heading
(it moves to the next chunk, with what it heads), a table's head row starts
every chunk that holds its rows, and the next chunk repeats the last sentence
of the one before when it is short (at most the overlap). The chunk's text is
its blocks separated by blank lines, the items of one list, the rows of one
table and consecutive fields one per line, the sentences of a paragraph on
one line; each chunk carries its units' spans and its section (the last
heading before it).

Example:
    >>> from ingest.readers.types import Block
    >>> from ingest.chunking import Chunker
    >>> words = Chunker(size=50, overlap=0, count_tokens=lambda t: len(t.split()))
    >>> blocks = [Block("heading", "Plans", level=1), Block("table", heads=("Plan", "Price"),
    ...           rows=(("Basic", "$9"), ("Pro", "$29")))]
    >>> (chunk,) = pack_blocks(blocks, words)
    >>> chunk.text
    'Plans\\n\\nPlan | Price\\nBasic | $9\\nPro | $29'
    >>> [(chunk.text[u.start:u.end], u.kind) for u in chunk.units]
    [('Plans', 'heading'), ('Plan | Price', 'heads'), ('Basic | $9', 'row'), ('Pro | $29', 'row')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import count

from ingest.chunking import Chunker
from ingest.readers.types import Block
from rag.index.units import Unit
from rag.text import sentence_spans

__all__ = ["BlockPacker", "PackedChunk", "pack_blocks"]

_BLOCK, _LINE, _SPACE = "\n\n", "\n", " "


@dataclass(frozen=True)
class _Piece:
    """A unit before packing: its text, what it is, and what joins it to the one before."""

    text: str
    kind: str
    joint: str
    group: int = 0
    heads: str = ""
    level: int = 0


@dataclass
class PackedChunk:
    """One chunk: its text, its units, its section, and an order key within the page."""

    text: str
    start: int
    units: list[Unit] = field(default_factory=list)
    section: str = ""


def pack_blocks(blocks: Iterable[Block], chunker: Chunker) -> list[PackedChunk]:
    """Pack a page's blocks into chunks of at most ``chunker.size`` tokens.

    Args:
        blocks: The page's blocks, in reading order (furniture is left out).
        chunker: Counts tokens, and cuts a unit longer than a chunk.

    Returns:
        The chunks, in order; ``start`` is the offset of the chunk's first new
        unit in the page's text (all units joined), for ordering.
    """
    return BlockPacker(chunker).pack(blocks)


def _pieces(blocks: Iterable[Block]) -> Iterator[_Piece]:
    groups = count(1)
    previous: Block | None = None
    for block in blocks:
        if block.kind == "furniture":
            continue
        joint = _BLOCK
        if previous is not None and (
                (block.kind == "item" and previous.kind == "item" and block.group == previous.group)
                or (block.kind == previous.kind == "field")):
            joint = _LINE
        if block.kind == "paragraph":
            for n, (start, end) in enumerate(sentence_spans(block.text)):
                yield _Piece(block.text[start:end], "sentence", joint if n == 0 else _SPACE)
        elif block.kind == "table":
            group = next(groups)
            heads = " | ".join(block.heads) if any(block.heads) else ""
            if heads:
                yield _Piece(heads, "heads", joint, group)
            for n, row in enumerate(block.rows):
                text = " | ".join(cell.strip() for cell in row)
                if text.strip(" |"):
                    yield _Piece(text, "row", joint if n == 0 and not heads else _LINE, group,
                                 heads)
        elif block.kind == "code":
            for n, line in enumerate(line for line in block.text.split("\n") if line.strip()):
                yield _Piece(line, "code", joint if n == 0 else _LINE)
        elif block.text.strip():
            kind = "sentence" if block.kind == "paragraph" else block.kind
            yield _Piece(block.text.strip(), kind, joint, block.group, level=block.level)
        previous = block


class BlockPacker:
    """Packs one document's pages in order: the section of a page's first chunk is
    the last heading of the pages before.

    Args:
        chunker: Counts tokens, and cuts a unit longer than a chunk.
    """

    def __init__(self, chunker: Chunker) -> None:
        self.chunker = chunker
        self.size = chunker.size
        self.position = 0
        self.headings: list[_Piece] = []

    def pack(self, blocks: Iterable[Block]) -> list[PackedChunk]:
        """The chunks of one page's blocks (see :func:`pack_blocks`)."""
        self.position = 0
        return list(self._pack(_pieces(blocks)))

    def _pack(self, pieces: Iterable[_Piece]) -> Iterator[PackedChunk]:
        current: list[_Piece] = []
        tokens = 0
        start = 0
        packed = 0
        for piece in pieces:
            n = self.chunker.count_tokens(piece.text)
            if n > self.size:  # a unit longer than a chunk: cut at token boundaries
                if current:
                    yield self._chunk(current, start)
                    current, tokens = [], 0
                packed += 1
                for part in self.chunker.split_long(piece.text):
                    yield self._chunk([_Piece(part, piece.kind, _BLOCK, piece.group,
                                              piece.heads)], self.position)
                self.position += len(piece.text) + 2
                continue
            if current and tokens + n + 1 > self.size:
                carried = self._carry(current, piece)
                kept = current[:len(current) - self._tail_headings(current)]
                if kept:
                    packed += 1
                    yield self._chunk(kept, start)
                current = carried
                tokens = sum(self.chunker.count_tokens(p.text) + 1 for p in current)
                start = self.position
            if not current:
                start = self.position
            current.append(piece)
            tokens += n + 1
            self.position += len(piece.joint) + len(piece.text)
        kept = current[:len(current) - self._tail_headings(current)]
        if kept or (current and not packed):  # a page of nothing but a title keeps it
            yield self._chunk(kept or current, start)
        for heading in current[len(kept):] if kept else []:  # they head the next page
            if heading.kind == "heading":
                self._enter(heading)

    def _tail_headings(self, pieces: list[_Piece]) -> int:
        """How many pieces at the end are headings (or a table's heads), which move on."""
        n = 0
        while n < len(pieces) and pieces[-1 - n].kind in ("heading", "heads"):
            n += 1
        return n

    def _carry(self, pieces: list[_Piece], coming: _Piece) -> list[_Piece]:
        """What the next chunk starts with: trailing headings, a table's head row, and a
        short last sentence of the same paragraph (the overlap)."""
        tail = self._tail_headings(pieces)
        carried = pieces[len(pieces) - tail:] if tail else []
        if coming.kind == "row" and coming.heads and not carried:
            carried = [_Piece(coming.heads, "heads", _BLOCK, coming.group)]
        elif (coming.kind == "sentence" and coming.joint == _SPACE and not carried
              and pieces[-1].kind == "sentence"
              and self.chunker.count_tokens(pieces[-1].text) <= self.chunker.overlap):
            carried = [pieces[-1]]
        return [_Piece(p.text, p.kind, _BLOCK if i == 0 else p.joint, p.group, p.heads, p.level)
                for i, p in enumerate(carried)]

    def _chunk(self, pieces: list[_Piece], start: int) -> PackedChunk:
        text, units = "", []
        stack = list(self.headings)  # the headings above, as the chunk goes
        for i, piece in enumerate(pieces):
            if i:
                text += piece.joint
            above = ""
            if piece.kind == "heading":
                stack = _within(stack, piece)
                above = " > ".join(h.text for h in stack[:-1])
            units.append(Unit(len(text), len(text) + len(piece.text), piece.kind,  # type: ignore[arg-type]
                              piece.group, piece.heads, above))
            text += piece.text
        lead = next((p for p in pieces[:2] if p.kind == "heading"), None)
        section = lead.text if lead else self._section()  # what heads the chunk's start
        for piece in pieces:
            if piece.kind == "heading":
                self._enter(piece)
        return PackedChunk(text, start, units, section)

    def _enter(self, heading: _Piece) -> None:
        self.headings = _within(self.headings, heading)

    def _section(self) -> str:
        return self.headings[-1].text if self.headings else ""


def _within(headings: list[_Piece], heading: _Piece) -> list[_Piece]:
    """The headings ``heading`` falls under (those of a higher level), then itself."""
    level = heading.level or 2
    return [h for h in headings if (h.level or 2) < level] + [heading]

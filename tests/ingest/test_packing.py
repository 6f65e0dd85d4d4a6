"""Blocks packed into chunks: units whole, no heading as a tail, table heads repeated."""

from __future__ import annotations

import re

from ingest.chunking import Chunker
from ingest.packing import BlockPacker, pack_blocks
from ingest.readers.types import Block

WORDS = Chunker(size=30, overlap=8, count_tokens=lambda text: len(text.split()),
                token_spans=lambda text: [m.span() for m in re.finditer(r"\S+", text)])


def sentences(n: int, start: int = 0) -> str:
    return " ".join(f"Sentence number {i} says one thing." for i in range(start, start + n))


def test_no_sentence_item_or_row_is_split_and_units_match_the_text() -> None:
    blocks = [Block("paragraph", sentences(12)),
              *(Block("item", f"- item {i} of the list", group=1) for i in range(8)),
              Block("table", heads=("Plan", "Price"), rows=tuple((f"P{i}", f"${i}") for i in
                                                                   range(20)))]
    chunks = pack_blocks(blocks, WORDS)
    assert len(chunks) > 3
    pieces = [sentences(1, i) for i in range(12)] + [f"- item {i} of the list" for i in range(8)]
    for chunk in chunks:
        assert len(chunk.text.split()) <= WORDS.size + 5
        for unit in chunk.units:
            text = chunk.text[unit.start:unit.end]
            assert text.strip() == text and text
            if unit.kind in ("sentence", "item"):
                assert text in pieces
            if unit.kind == "row":
                assert unit.heads == "Plan | Price" and text.count(" | ") == 1
    table_chunks = [c for c in chunks if any(u.kind == "row" for u in c.units)]
    assert len(table_chunks) >= 2
    for chunk in table_chunks:  # every chunk of the table has its head row above its rows
        first_row = next(u for u in chunk.units if u.kind == "row")
        heads = [u for u in chunk.units if u.kind == "heads" and u.end < first_row.start]
        assert [chunk.text[u.start:u.end] for u in heads] == ["Plan | Price"]


def test_a_heading_never_ends_a_chunk_and_sections_carry_over() -> None:
    blocks = [Block("heading", "Intro", level=1), Block("paragraph", sentences(5)),
              Block("heading", "Details", level=2), Block("paragraph", sentences(6, 5))]
    chunks = pack_blocks(blocks, WORDS)
    for chunk in chunks:
        assert chunk.units[-1].kind != "heading", chunk.text
    assert chunks[0].section == "Intro"
    assert chunks[-1].section == "Details"

    packer = BlockPacker(WORDS)  # one document, two pages: the section carries over
    packer.pack([Block("heading", "Results", level=1), Block("paragraph", sentences(2))])
    (next_page,) = packer.pack([Block("paragraph", "Sales rose.")])
    assert next_page.section == "Results"


def test_a_short_last_sentence_is_repeated_in_the_next_chunk() -> None:
    chunks = pack_blocks([Block("paragraph", sentences(20))], WORDS)
    first, second = chunks[0], chunks[1]
    last = first.text[first.units[-1].start:first.units[-1].end]
    assert second.text.startswith(last)


def test_a_unit_longer_than_a_chunk_is_cut() -> None:
    giant = "word " * 100
    chunks = pack_blocks([Block("paragraph", giant.strip() + ".")], WORDS)
    assert len(chunks) >= 4 and all(len(c.text.split()) <= WORDS.size for c in chunks)


def test_a_page_of_nothing_but_a_title_keeps_it() -> None:
    (only,) = pack_blocks([Block("heading", "Hello, World!", level=2)], WORDS)
    assert only.text == "Hello, World!" and only.units[0].kind == "heading"
    chunks = pack_blocks([Block("paragraph", sentences(5)), Block("heading", "Next", level=2)],
                         WORDS)
    assert [u.kind for u in chunks[-1].units][-1] != "heading"
    packer = BlockPacker(WORDS)  # a heading ending a page heads the next page's text
    packer.pack([Block("paragraph", "Sales rose."), Block("heading", "Outlook", level=1)])
    (next_page,) = packer.pack([Block("paragraph", "Costs will fall.")])
    assert next_page.section == "Outlook"


def test_a_heading_unit_holds_the_headings_above_it() -> None:
    blocks = [Block("heading", "Changelog", level=1), Block("heading", "2.4.0", level=2),
              Block("heading", "Added", level=3), Block("item", "- Dark theme.", group=1),
              Block("heading", "Fixed", level=3), Block("item", "- A crash.", group=2),
              Block("heading", "2.3.1", level=2), Block("item", "- Login.", group=3)]
    (chunk,) = pack_blocks(blocks, WORDS)
    headings = [(chunk.text[u.start:u.end], u.above) for u in chunk.units if u.kind == "heading"]
    assert headings == [("Changelog", ""), ("2.4.0", "Changelog"), ("Added", "Changelog > 2.4.0"),
                        ("Fixed", "Changelog > 2.4.0"), ("2.3.1", "Changelog")]

"""A table of contents is navigation: left out of the chunks like page furniture."""

from __future__ import annotations

from pathlib import Path

from ingest import ingest_paths
from ingest.blocks import contents_left_out, text_blocks
from ingest.readers.types import Block
from rag.index import open_index
from tests.ingest.conftest import make_pdf

CONTENTS_PAGE = """Annual Report 2023
Table of Contents
Page
Letter from the chair 2
Our year in numbers 4
Risk factors 7
Financial statements 12
Notes to the accounts 19"""


def kinds(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in contents_left_out(blocks)]


def test_a_contents_page_is_furniture_and_the_title_above_it_stays() -> None:
    blocks = text_blocks(CONTENTS_PAGE)
    kept = [text for kind, text in kinds(blocks) if kind != "furniture"]
    assert kept == ["Annual Report 2023"]


def test_dot_leaders_make_contents_without_a_heading_and_text_after_them_stays() -> None:
    blocks = [Block("paragraph", "Introduction ........ 1"), Block("paragraph", "Setup ........ 3"),
              Block("paragraph", "Daily use ........ 5"), Block("paragraph", "Cleaning ........ 8"),
              Block("paragraph", "The kettle boils a litre in three minutes.")]
    assert [kind for kind, _ in kinds(blocks)] == ["furniture"] * 4 + ["paragraph"]


def test_a_table_whose_rows_end_in_page_numbers_is_contents() -> None:
    table = Block("table", rows=(("a) Income statements for the quarter", "", "3"),
                                 ("b) Balance sheets", "", "5"),
                                 ("c) Cash flow statements", "", "6"),
                                 ("d) Notes to the statements", "", "8")))
    assert [kind for kind, _ in kinds([Block("paragraph", "INDEX"), table])] == \
        ["furniture", "furniture"]


def test_lists_that_only_look_like_contents_stay() -> None:
    prices = [Block("item", f"{name} {price}") for name, price in
              (("Tea", 2), ("Coffee", 3), ("Cake", 4), ("Sandwich", 6), ("Lunch", 9))]
    assert all(kind == "item" for kind, _ in kinds(prices))  # no contents heading, no leaders
    years = text_blocks("Contents of the archive\nLetters from 1901\nDiaries from 1923\n"
                        "Photographs from 1950\nMaps from 1977")
    assert all(kind != "furniture" for kind, _ in kinds(years))  # years are no page numbers
    falling = text_blocks("Contents\nChapter one 9\nChapter two 7\nChapter three 4\nChapter four 2")
    assert all(kind != "furniture" for kind, _ in kinds(falling))  # page numbers never fall


def test_an_ingested_report_keeps_its_contents_page_out_of_the_index(
    settings, embeddings, tmp_path: Path  # noqa: ANN001
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    make_pdf(folder / "annual.pdf", [CONTENTS_PAGE,
                                     "Risk factors\nA cold winter could cut sales of ice cream."])
    index = open_index(settings, embeddings=embeddings)
    try:
        ingest_paths([folder], index=index)
        stored = " ".join(chunk.text for chunk in index.fetch())
    finally:
        index.close()
    assert "A cold winter could cut sales of ice cream." in stored
    assert "Letter from the chair" not in stored and "Notes to the accounts" not in stored

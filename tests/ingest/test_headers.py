"""Chunk headers: the title and section each chunk carries, and where they go.

The header (document title, section heading) is embedded and keyword-indexed
with the chunk; the stored text, the one shown and quoted, stays the chunk alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import ingest_paths
from ingest.blocks import text_blocks
from ingest.blocks.plain import heading_line
from ingest.chunking import Chunker
from ingest.headers import HEADER_TOKENS, ChunkHeaders, document_title
from ingest.packing import BlockPacker
from ingest.readers.markdown import markdown_blocks
from rag.index import open_index
from tests.ingest.conftest import RecordingEmbeddings, make_pdf

BODY = (
    "The company's revenue grew because customers renewed their subscriptions. "
    "Costs rose more slowly than sales in every region. "
)


def words_chunker(size: int = 40) -> Chunker:
    """A chunker that counts words as tokens (fast, predictable)."""
    return Chunker(size=size, overlap=0, count_tokens=lambda text: len(text.split()))


def headers_for(title: str | None, *, file_name: str | None = None,
                limit: int = HEADER_TOKENS) -> ChunkHeaders:
    chunker = words_chunker()
    return ChunkHeaders(title, file_name=file_name, count_tokens=chunker.count_tokens,
                        truncate=chunker.truncate, limit=limit)


def sections(blocks_of_pages: list[list], title: str = "Guide") -> list[tuple[str, dict]]:
    """Each chunk's text and header metadata, the pages packed in order."""
    headers, packer = headers_for(title), BlockPacker(words_chunker())
    return [(chunk.text, headers.metadata(chunk.text, chunk.section))
            for blocks in blocks_of_pages for chunk in packer.pack(blocks)]


def test_title_is_the_documents_own_unless_it_is_a_number() -> None:
    assert document_title("Form 10-Q for Microsoft Corp", "2023 Q3 MSFT.pdf") == (
        "Form 10-Q for Microsoft Corp")
    # SEC accession numbers (and other titles without a word) give way to the file name
    assert document_title("0000320193-22-000070", "2022 Q3 AAPL.pdf") == "2022 Q3 AAPL"
    assert document_title("  ", "notes.txt") == "notes"
    assert document_title(None, None) == ""


def test_file_name_follows_a_title_that_does_not_say_it() -> None:
    headers = headers_for("Form 10-Q for Microsoft Corp", file_name="2023 Q1 MSFT.pdf")
    assert headers.metadata("Some text.")["header"] == (
        "Form 10-Q for Microsoft Corp — 2023 Q1 MSFT")
    guide = headers_for("User guide", file_name="user-guide.md")
    assert guide.metadata("Some text.") == {"title": "User guide", "header": "User guide"}
    number = headers_for("0000320193-22-000070", file_name="2022 Q3 AAPL.pdf")
    assert number.metadata("Some text.")["header"] == "2022 Q3 AAPL"


def test_heading_lines_are_short_capitalised_and_not_sentences_or_figures() -> None:
    assert heading_line("Note 4 – Condensed Consolidated Financial Statement Details")
    assert heading_line("2.1 Results of Operations") == "2.1 Results of Operations"
    assert heading_line("RISK FACTORS")
    for line in ("Apple Inc.", "Total net sales $ 81,797 $ 82,959", "the quarter ended",
                 "Revenue increased because of higher sales of services to", "Under the Plans or",
                 "A much longer line that has more than ten words in it Is Not"):
        assert heading_line(line) is None, line


def test_markdown_section_is_the_heading_above_and_code_comments_are_not_headings() -> None:
    page = ("# Guide\n\nIntro text.\n\n## Install\n\n"
            "```bash\n# not a heading\npip install x\n```\n\nMore.")
    blocks = markdown_blocks(page)
    assert [b.text for b in blocks if b.kind == "heading"] == ["Guide", "Install"]
    packer, headers = BlockPacker(words_chunker(size=6)), headers_for("Guide")
    chunks = [(c.text, headers.metadata(c.text, c.section)) for c in packer.pack(blocks)]
    first_text, first = chunks[0]
    assert first_text.startswith("Guide") and "header" not in first  # nothing to repeat
    install = [meta for text, meta in chunks if text.startswith("Install")]
    assert install and install[0]["section"] == "Install" and install[0]["header"] == "Guide"
    text, last = chunks[-1]
    assert text.endswith("More.") and last == {
        "title": "Guide", "section": "Install", "header": "Guide — Install"}


def test_section_carries_over_pages() -> None:
    pages = [text_blocks("Liquidity and Capital Resources\nThe Company believes its cash "
                         "will last.\n"),
             text_blocks("continued text of the previous section, no heading at all.\n")]
    (_, first), (_, second) = sections(pages, "2023 Q3 AAPL")
    assert first["section"] == second["section"] == "Liquidity and Capital Resources"
    assert second["header"] == "2023 Q3 AAPL — Liquidity and Capital Resources"


def test_header_is_cut_to_its_token_budget() -> None:
    headers = headers_for("A Rather Long Document Title", limit=6)
    header = headers.metadata("Text.", "Section With Many Words In It")["header"]
    assert header == "A Rather Long Document Title —"[: len(header)] and len(header.split()) <= 6


def test_chunker_leaves_room_for_the_header(chunker: Chunker, tokenizer) -> None:  # noqa: ANN001
    _, max_len = tokenizer
    assert chunker.size + HEADER_TOKENS + 2 <= max_len


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    make_pdf(folder / "2023 Q3 ACME.pdf",
             ["Liquidity and Capital Resources\n" + BODY * 2, BODY * 2],
             title="0000320193-23-000077")
    (folder / "guide.md").write_text("# Owl Guide\n\n## Feeding\n\n" + BODY, encoding="utf-8")
    return folder


def test_index_embeds_and_keyword_indexes_the_header_but_stores_the_text_alone(
    settings, embeddings, reports: Path, chunker: Chunker  # noqa: ANN001
) -> None:
    recording = RecordingEmbeddings(embeddings)
    index = open_index(settings, embeddings=recording)
    try:
        ingest_paths([reports], index=index, chunker=chunker)
        stored = index.fetch()
        pdf = [c for c in stored if c.metadata["file_name"] == "2023 Q3 ACME.pdf"]
        assert {c.metadata["title"] for c in pdf} == {"2023 Q3 ACME"}
        assert {c.metadata["section"] for c in pdf} == {"Liquidity and Capital Resources"}
        second_page = next(c for c in pdf if c.metadata["page"] == 2)
        header = second_page.metadata["header"]
        assert header == "2023 Q3 ACME — Liquidity and Capital Resources"
        assert not second_page.text.startswith("2023 Q3 ACME")  # the shown text has no header
        assert f"{header}\n\n{second_page.text}" in recording.texts  # the embedded one has
        # the file's name is found by keyword search although no chunk text says it
        assert "ACME" not in "".join(c.text for c in stored)
        hits = index.search_keywords("ACME", 10)
        assert {h.id for h in hits} == {c.id for c in pdf}
    finally:
        index.close()

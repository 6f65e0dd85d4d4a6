"""A 10 MB text file and a 1,000-page PDF go through with bounded memory.

The embedding model is a deterministic fake here (the pipeline's memory is
under test, not the model's speed); chunking uses the real tokenizer and the
writes go to real Chroma. Large text files are streamed: read and decoded in
blocks (the memory itself is measured by ``bench/large_text_bench.py``, not
here).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from ingest import ingest_paths
from ingest.readers import SkipFile, load_file
from ingest.readers.decoding import READ_BYTES, SAMPLE_BYTES, iter_text
from ingest.readers.markup import MAX_HTML_BYTES
from rag.index import open_index
from tests.ingest.conftest import assert_consistent, make_pdf

MB = 1 << 20


@pytest.fixture
def fake_index(settings):  # noqa: ANN001
    index = open_index(settings, embeddings=DeterministicFakeEmbedding(size=384), embedding_name="fake")
    yield index
    index.close()


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(field)


def ingest_traced(path: Path, index, chunker) -> tuple:  # noqa: ANN001
    """Ingest ``path``; return the report and how far the peak RSS rose above the start."""
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM (the peak RSS) to now
    start = _status_kb("VmRSS")
    report = ingest_paths([path], index=index, chunker=chunker)
    return report, _status_kb("VmHWM") - start


@pytest.mark.slow
def test_10_mb_text_file_bounded_memory(fake_index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    sentences = [f"Owl number {i} hunts voles near the old barn at dusk." for i in range(8)]
    paragraph = " ".join(sentences) + "\n\n"
    path = tmp_path / "big.txt"
    with path.open("w") as handle:
        while handle.tell() < 10 * MB:
            handle.write(paragraph * 100)
    report, peak = ingest_traced(path, fake_index, chunker)
    entry = report.entries[0]
    assert entry.status == "added" and entry.chunks == report.chunks_written > 5_000
    assert len(assert_consistent(fake_index)) == entry.chunks
    # Holding every chunk and its vector at once would take well over 300 MB.
    assert peak < 250 * MB, f"peak RSS rose by {peak / MB:.0f} MB"


@pytest.mark.slow
def test_1000_page_pdf_bounded_memory(fake_index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    pages = [f"Page {n} of the big report. Owls and bats and moths, again and again." for n in range(1000)]
    path = make_pdf(tmp_path / "big.pdf", pages)
    report, peak = ingest_traced(path, fake_index, chunker)
    entry = report.entries[0]
    assert (entry.status, entry.pages, entry.empty_pages) == ("added", 1000, 0)
    pages_seen = {chunk.metadata["page"] for chunk in fake_index.fetch()}
    assert pages_seen == set(range(1, 1001))
    assert peak < 250 * MB, f"peak RSS rose by {peak / MB:.0f} MB"


def _paragraphs(size: int) -> str:
    """Different paragraphs of 3-byte (CJK) and 4-byte (emoji) UTF-8 characters, ``size`` chars."""
    parts, total, n = [], 0, 0
    while total < size:
        paragraph = (
            f"第{n}段：山上的貓頭鷹在夜裡捕捉田鼠，村民說牠們已經住在那棵老樹上{n % 97}年了。"
            f"Sowa nr {n} poluje nocą 🦉 na myszy; żółć, gęślą jaźń.\n"
            f"第二行：{n * 7919 % 100_003}號的燈籠在風中搖晃 🏮。\n\n"
        )
        parts.append(paragraph)
        total += len(paragraph)
        n += 1
    return "".join(parts)


# A first line that puts the end of the sample inside a character: 3-byte characters
# from offset 0 (UTF-8), 4-byte ones (surrogate pairs) from offset 2, after the BOM (UTF-16).
_FIRST_LINES = {"utf-8": "貓頭鷹" * 8000 + "\n\n", "utf-16": "🦉" * 20_000 + "\n\n"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_20_mb_text_file_is_streamed_in_bounded_blocks(tmp_path: Path, encoding: str) -> None:
    text = _FIRST_LINES[encoding] + _paragraphs(11 * MB)
    data = text.encode(encoding)
    assert len(data) > 20 * MB
    ends = [SAMPLE_BYTES + n * READ_BYTES for n in range(20)]  # where reads end
    split = [end for end in ends if _splits_a_character(data, end, encoding)]
    assert SAMPLE_BYTES in split
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    del data

    block_size = 256 * 1024
    blocks = list(iter_text(path, block_size=block_size))
    assert len(blocks) > 20
    assert all(len(block) <= block_size for block in blocks)
    assert all(block.endswith("\n\n") for block in blocks[:-1])  # cut at paragraph breaks
    assert "".join(blocks) == text


def _splits_a_character(data: bytes, end: int, encoding: str) -> bool:
    try:
        data[:end].decode(encoding)
    except UnicodeDecodeError:
        return True
    return False


def test_a_large_text_file_loads_as_several_unnumbered_pages(tmp_path: Path) -> None:
    text = _paragraphs(3 * MB)
    path = tmp_path / "big.log"
    path.write_text(text, encoding="utf-8")
    loaded = load_file(path)
    pages = list(loaded.pages)
    assert loaded.file_type == "text" and len(pages) >= 3
    assert {page.number for page in pages} == {None}
    assert "".join(page.text for page in pages) == text
    assert [page.offset for page in pages] == [
        sum(len(p.text) for p in pages[:n]) for n in range(len(pages))]  # file offsets


def test_a_markdown_title_comes_from_the_first_block(tmp_path: Path) -> None:
    text = "# Owls of the valley\n\n" + _paragraphs(2 * MB)
    path = tmp_path / "big.md"
    path.write_text(text, encoding="utf-8")
    loaded = load_file(path)
    assert loaded.title == "Owls of the valley"
    assert "".join(page.text for page in loaded.pages) == text


def test_an_html_file_too_large_to_parse_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.write(b"<html><body><p>Owls.</p>")
        handle.truncate(MAX_HTML_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(SkipFile, match="HTML file too large"):
        load_file(path)


def test_the_blocks_of_one_text_file_count_as_one_page() -> None:
    from ingest.pagestats import PageStats
    from ingest.readers import Page

    stats = PageStats()
    for page in (Page("first block"), Page("second block", offset=11), Page("", offset=23)):
        stats.count(page)
    assert (stats.pages, stats.empty_pages) == (1, 0)
    stats.count(Page("another document"))  # ingest_documents: a second document of a source
    assert stats.pages == 2

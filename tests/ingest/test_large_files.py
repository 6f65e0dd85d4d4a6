"""A 10 MB text file and a 1,000-page PDF go through with bounded memory.

The embedding model is a deterministic fake here (the pipeline's memory is
under test, not the model's speed); chunking uses the real tokenizer and the
writes go to real Chroma.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from ingest import ingest_paths
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
    pages_seen = {m["page"] for m in fake_index.vectors._collection.get(include=["metadatas"])["metadatas"]}
    assert pages_seen == set(range(1, 1001))
    assert peak < 250 * MB, f"peak RSS rose by {peak / MB:.0f} MB"

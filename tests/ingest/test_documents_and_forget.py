"""ingest_documents (record-manager hash check), forget, discovery globs, manifest checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document

from ingest import forget, ingest_documents, ingest_paths
from ingest.discover import discover
from rag.errors import IndexMismatchError, IngestError
from rag.index import drop_index, open_index
from tests.ingest.conftest import assert_consistent

TEXT = "Moths navigate by the moon. Bats hunt moths with sonar. " * 3


def test_ingest_documents_is_incremental(index, chunker) -> None:  # noqa: ANN001
    docs = [
        Document(TEXT, metadata={"source": "kb://a", "page": 1, "extra": None, "tags": ["x"]}),
        Document(TEXT + " Part two.", metadata={"source": "kb://a", "page": 2}),
        Document("Owls are quiet.", metadata={"source": "kb://b"}),
    ]
    first = ingest_documents(docs, index=index, chunker=chunker)
    assert {e.source: e.status for e in first.entries} == {"kb://a": "added", "kb://b": "added"}
    ids = assert_consistent(index)
    stored = [chunk.metadata for chunk in index.fetch()]
    a_meta = [m for m in stored if m["source"] == "kb://a"]
    assert {m["page"] for m in a_meta} == {1, 2} and any(m.get("tags") == "['x']" for m in a_meta)
    assert all("extra" not in m for m in stored)
    assert sorted(m["chunk_index"] for m in a_meta) == list(range(len(a_meta)))

    again = ingest_documents(docs, index=index, chunker=chunker)
    assert again.chunks_written == 0 and again.counts["unchanged"] == 2
    assert assert_consistent(index) == ids

    changed = [Document("Owls are very quiet flyers.", metadata={"source": "kb://b"})]
    third = ingest_documents(changed, index=index, chunker=chunker)
    assert third.entries[0].status == "updated" and third.chunks_deleted == 1
    texts = [chunk.text for chunk in index.fetch(where={"source": "kb://b"})]
    assert texts == ["Owls are very quiet flyers."]
    assert len(assert_consistent(index)) == len(ids)

    with pytest.raises(IngestError, match="source"):
        ingest_documents([Document("no source")], index=index, chunker=chunker)


def test_forget_files_folders_and_document_sources(index, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text(TEXT)
    (docs / "sub" / "b.txt").write_text(TEXT)
    (docs / "sub" / "c.txt").write_text(TEXT)
    ingest_paths([docs], index=index, chunker=chunker)
    ingest_documents([Document(TEXT, metadata={"source": "kb://x"})], index=index, chunker=chunker)

    report = forget([docs / "sub", "kb://x", tmp_path / "never.txt"], index=index)
    assert {e.source: e.status for e in report.entries} == {
        str(docs / "sub" / "b.txt"): "deleted",
        str(docs / "sub" / "c.txt"): "deleted",
        "kb://x": "deleted",
        str(tmp_path / "never.txt"): "failed",  # nothing asked for was done there
    }
    assert not report.ok
    sources = {chunk.metadata["source"] for chunk in index.fetch()}
    assert sources == {str(docs / "a.txt")}
    assert [r.source for r in index.ledger.all()] == [str(docs / "a.txt")]
    assert_consistent(index)


def test_discovery_globs(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    for name in ("a.md", "b.pdf", "drafts/c.md", "d.txt"):
        (tmp_path / name).write_text("x")
    found = discover([tmp_path], include=["*.md", "*.pdf"], exclude=["drafts/*"])
    assert sorted(f.path.name for f in found.files) == ["a.md", "b.pdf"]
    assert found.roots == [tmp_path.resolve()]
    missing = discover([tmp_path / "nope"])
    assert missing.problems[0].status == "failed" and not missing.files


def test_chunk_setting_change_needs_reindex(settings, embeddings, tmp_path: Path, chunker) -> None:  # noqa: ANN001
    (tmp_path / "a.txt").write_text(TEXT)
    index = open_index(settings, embeddings=embeddings)
    ingest_paths([tmp_path / "a.txt"], index=index, chunker=chunker)
    index.close()

    smaller = settings.model_copy(update={"chunking": settings.chunking.model_copy(update={"size_tokens": 64})})
    index = open_index(smaller, embeddings=embeddings)
    try:
        with pytest.raises(IndexMismatchError, match="--reindex"):
            ingest_paths([tmp_path / "a.txt"], index=index, chunker=chunker)
    finally:
        index.close()

    drop_index(smaller)
    index = open_index(smaller, embeddings=embeddings)
    try:
        assert index.count() == 0 and index.ledger.all() == [] and index.keywords.count() == 0
        assert index.manifest.chunk_size == 64
        report = ingest_paths([tmp_path / "a.txt"], index=index, chunker=chunker)
        assert report.counts["added"] == 1
    finally:
        index.close()


def test_other_embedding_model_is_refused_until_dropped(settings, embeddings) -> None:  # noqa: ANN001
    open_index(settings, embeddings=embeddings, embedding_name="someone/else").close()
    with pytest.raises(IndexMismatchError, match="re-index"):
        open_index(settings, embeddings=embeddings)
    drop_index(settings)
    index = open_index(settings, embeddings=embeddings)
    assert index.manifest.embedding_model != "someone/else"
    index.close()

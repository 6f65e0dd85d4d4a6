"""Chunk keys and the removal helpers of ingest.sync."""

from __future__ import annotations

from langchain_core.documents import Document

from ingest.sync import chunk_key


def test_chunk_key_is_the_key_langchain_computes_with_sha256() -> None:
    # Indexes written before chunk_key existed used key_encoder="sha256"; the
    # same chunks must keep their ids. LangChain's function is private, so this
    # test is the one place that reads it.
    from langchain_core.indexing.api import _get_document_with_hash

    for doc in (
        Document("Ünïcode text, € and 漢字.", metadata={"source": "/d/a.md", "page": 2, "title": "T"}),
        Document("same text", metadata={"source": "/d/b.md"}),
        Document("same text", metadata={"source": "/d/c.md"}),
    ):
        assert chunk_key(doc) == _get_document_with_hash(doc, key_encoder="sha256").id
    assert chunk_key(Document("x", metadata={"a": 1, "b": 2})) == chunk_key(
        Document("x", metadata={"b": 2, "a": 1})
    )

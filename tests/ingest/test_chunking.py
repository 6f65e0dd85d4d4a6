"""Chunks fit the embedding model: counted with its own tokenizer, never over its limit;
and each chunk's key is the one LangChain's indexing API computes."""

from __future__ import annotations

from langchain_core.documents import Document

from ingest.blocks import text_blocks
from ingest.chunking import Chunker, chunk_key
from ingest.headers import HEADER_TOKENS
from ingest.packing import pack_blocks


def test_no_chunk_exceeds_the_model_limit(chunker: Chunker, tokenizer) -> None:  # noqa: ANN001
    count, max_len = tokenizer
    text = "\n\n".join(
        [
            "Short paragraph about owls.",
            "A very long sentence without any punctuation " * 80,
            "Supercalifragilisticexpialidocious" * 40,  # one giant word
            "数据" * 400,  # CJK without spaces
            "Numbers 3.14159 and e-mail a.b@c.d and URLs https://x.y/z?q=1 " * 30,
        ]
    )
    chunks = pack_blocks(text_blocks(text), chunker)
    assert len(chunks) > 5
    assert chunker.size == min(200, max_len - 2 - HEADER_TOKENS)  # room for the chunk's header
    for chunk in chunks:
        with_special = count(chunk.text)
        assert with_special <= max_len, (with_special, chunk.text[:80])


def test_paragraphs_of_a_long_text_stay_whole(chunker: Chunker) -> None:
    paragraphs = [f"Paragraph {i} says one thing. It then says another thing." for i in range(40)]
    chunks = [c.text for c in pack_blocks(text_blocks("\n\n".join(paragraphs)), chunker)]
    for paragraph in paragraphs:
        assert any(paragraph in chunk for chunk in chunks)


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

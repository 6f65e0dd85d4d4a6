"""Per-document term counts beside the keyword index, and the header in what is indexed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langchain_core.embeddings import Embeddings

from rag.index import ChunkStore, KeywordIndex, make_chroma_client


def test_counts_follow_upserts_replacements_and_deletes(tmp_path: Path) -> None:
    keywords = KeywordIndex(tmp_path / "kw.sqlite3", "docs")
    keywords.upsert(["1", "2", "3"],
                    ["Apple sales rose", "Apple margins fell", "Cloud revenue grew"],
                    ["/a", "/a", "/b"])
    assert keywords.document_frequencies(["apple", "cloud", "zebra"]) == (
        2, {"apple": 1, "cloud": 1, "zebra": 0})
    scores = keywords.document_scores({"apple": 2.0, "sale": 1.0})
    assert scores["/a"].score == 2.0 * 2 / 2 + 1.0 * 1 / 2 and scores["/a"].chunks == 2
    assert "/b" not in scores
    keywords.upsert(["1"], ["Cloud sales rose"], ["/a"])  # replaced: its old words are gone
    keywords.delete(["3", "unknown"])
    assert keywords.document_frequencies(["apple", "cloud"]) == (1, {"apple": 1, "cloud": 1})
    assert keywords.document_scores({"apple": 1.0}, sources=["/b"]) == {}
    keywords.delete(["1", "2"])
    assert keywords.document_frequencies(["cloud"]) == (0, {"cloud": 0})
    keywords.close()


def test_an_index_from_before_the_counts_gets_them_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "kw.sqlite3"
    keywords = KeywordIndex(path, "docs")
    keywords.upsert(["1", "2"], ["Apple sales", "Cloud revenue"], ["/a", "/b"])
    keywords.close()
    with sqlite3.connect(path) as conn:  # as an older version left it
        conn.execute("DROP TABLE doc_terms_docs")
        conn.execute("DROP TABLE doc_chunks_docs")
    reopened = KeywordIndex(path, "docs")
    assert reopened.document_frequencies(["apple"]) == (2, {"apple": 1})
    reopened.delete(["1"])
    assert reopened.document_frequencies(["apple"]) == (1, {"apple": 0})
    reopened.close()


class _Recording(Embeddings):
    def __init__(self, inner: Embeddings) -> None:
        self.inner, self.texts = inner, []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_store_keeps_the_text_and_indexes_and_embeds_header_and_text(index, embeddings, settings
                                                                     ) -> None:
    chroma = make_chroma_client(settings).get_collection(index.collection)
    recording = _Recording(embeddings)
    store = ChunkStore(chroma, index.keywords, recording)
    meta = {"source": "/d/r.pdf", "title": "2023 Q3 ACME", "header": "2023 Q3 ACME — Results"}
    store.add_texts(["The Company's margin rose."], [meta], ids=["r"])
    assert [c.text for c in index.fetch(["r"])] == ["The Company's margin rose."]
    assert recording.texts == ["2023 Q3 ACME — Results\n\nThe Company's margin rose."]
    assert [h.id for h in index.search_keywords("ACME results", 5)] == ["r"]
    assert index.document_frequencies(["acme"]) == (1, {"acme": 1})

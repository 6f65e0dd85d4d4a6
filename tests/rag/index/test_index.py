from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.indexing import index as index_documents

from rag.errors import IndexMismatchError
from rag.index import FileRecord, IndexManifest, KeywordIndex, open_index


def _docs() -> list[Document]:
    return [
        Document("Solar panels convert sunlight into electricity.", metadata={"source": "/d/solar.txt"}),
        Document("Wind turbines turn moving air into power.", metadata={"source": "/d/wind.txt"}),
    ]


def _sync(index, docs):
    return index_documents(
        docs, index.records, index.store, cleanup="incremental",
        source_id_key="source", key_encoder="sha256",
    )


def test_chunk_store_keeps_vectors_keywords_and_records_in_step(index) -> None:
    first = _sync(index, _docs())
    assert first["num_added"] == 2
    again = _sync(index, _docs())
    assert (again["num_added"], again["num_skipped"]) == (0, 2)
    ids = set(index.vectors.get()["ids"])
    assert ids == index.keywords.ids() == set(index.records.list_keys())
    changed = [Document("Wind farms are built offshore.", metadata={"source": "/d/wind.txt"})]
    result = _sync(index, changed)
    assert (result["num_added"], result["num_deleted"]) == (1, 1)
    ids = set(index.vectors.get()["ids"])
    assert len(ids) == 2
    assert ids == index.keywords.ids() == set(index.records.list_keys())


def test_collection_uses_cosine_and_stores_the_manifest(index) -> None:
    collection = index.vectors._collection
    assert collection.configuration_json["hnsw"]["space"] == "cosine"
    manifest = IndexManifest.from_metadata(collection.metadata)
    assert manifest == index.manifest
    assert manifest.embedding_dim == 384


def test_opening_with_another_embedding_model_fails_loudly(index, settings, embeddings) -> None:
    with pytest.raises(IndexMismatchError, match="re-index"):
        open_index(settings, embeddings=embeddings, embedding_name="some/other-model")


def test_chunking_change_is_detected_not_fatal(index, settings, embeddings) -> None:
    other = settings.model_copy(update={"chunking": settings.chunking.model_copy(update={"size_tokens": 99})})
    reopened = open_index(other, embeddings=embeddings)
    assert reopened.manifest.chunking_differs(reopened.wanted)


def test_keyword_index_ranks_and_filters(tmp_path: Path) -> None:
    keywords = KeywordIndex(tmp_path / "kw.sqlite3", "docs")
    keywords.upsert(
        ["1", "2", "3"],
        ["running shoes for marathons", "the history of shoes", "a guide to marathon training"],
        ["/a", "/b", "/c"],
    )
    hits = keywords.search("marathon running", k=3)
    assert hits[0].id == "1"  # both words, stemmed
    assert {h.id for h in hits} == {"1", "3"}
    assert [h.id for h in keywords.search("marathon", sources=["/c"])] == ["3"]
    assert keywords.search("the of") != []  # stopword-only queries still search
    assert keywords.search('"; DROP TABLE x; --') == []
    keywords.delete(["1"])
    assert keywords.count() == 2


def test_file_ledger_round_trip(index) -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    record = FileRecord("/d/a.pdf", 10, 20, "ab" * 32, 3, 7, 1, now)
    index.ledger.put(record)
    assert index.ledger.get("/d/a.pdf") == record
    index.ledger.put(FileRecord("/d/a.pdf", 11, 21, "cd" * 32, 3, 8, 0, now))
    assert [r.chunks for r in index.ledger.all()] == [8]
    index.ledger.remove(["/d/a.pdf"])
    assert index.ledger.all() == []

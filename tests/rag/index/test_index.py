from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.indexing import index as index_documents

from rag.errors import IndexMismatchError
from rag.index import (
    ChunkStore,
    FileRecord,
    IndexManifest,
    KeywordIndex,
    make_chroma_client,
    open_index,
)


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
    ids = {chunk.id for chunk in index.fetch()}
    assert ids == index.keywords.ids() == set(index.records.list_keys())
    changed = [Document("Wind farms are built offshore.", metadata={"source": "/d/wind.txt"})]
    result = _sync(index, changed)
    assert (result["num_added"], result["num_deleted"]) == (1, 1)
    ids = {chunk.id for chunk in index.fetch()}
    assert len(ids) == 2
    assert ids == index.keywords.ids() == set(index.records.list_keys())


def test_collection_uses_cosine_and_stores_the_manifest(index, settings) -> None:
    collection = make_chroma_client(settings).get_collection(index.collection)
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


def test_file_ledger_writes_many_records_at_once(index) -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    index.ledger.put(FileRecord("/d/a.pdf", 1, 1, "a" * 64, 1, 1, 0, now))
    index.ledger.put(
        FileRecord("/d/a.pdf", 2, 2, "b" * 64, 1, 2, 0, now),  # replaces the stored one
        FileRecord("/d/b.md", 3, 3, "c" * 64, 1, 3, 0, now),
        FileRecord("/d/b.md", 4, 4, "d" * 64, 1, 4, 0, now),  # the last of a source wins
    )
    assert [(r.source, r.chunks) for r in index.ledger.all()] == [("/d/a.pdf", 2), ("/d/b.md", 4)]
    index.ledger.put()  # nothing to write
    assert len(index.ledger.all()) == 2


def test_records_database_uses_a_write_ahead_log(index) -> None:
    with index.records.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


class _Refusing(Embeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise AssertionError(f"asked to embed {texts}")

    def embed_query(self, text: str) -> list[float]:
        raise AssertionError(f"asked to embed {text!r}")


def test_chunk_store_writes_given_vectors_and_embeds_only_the_rest(index, embeddings, settings
                                                                  ) -> None:
    texts = ["Solar panels convert sunlight.", "Wind turbines turn air into power."]
    given = [0.0] * 383 + [1.0]
    store = index.store
    store.add_texts(texts, [{"source": "/d/a"}, {"source": "/d/b"}], ids=["a", "b"],
                    vectors={"a": given})
    vectors = {chunk.id: chunk.vector for chunk in index.fetch(["a", "b"], with_vectors=True)}
    assert list(vectors["a"]) == pytest.approx(given)
    assert list(vectors["b"]) == pytest.approx(embeddings.embed_documents(texts[1:])[0], abs=1e-5)
    assert index.keywords.ids() == {"a", "b"}
    chroma = make_chroma_client(settings).get_collection(index.collection)
    refusing = ChunkStore(chroma, index.keywords, _Refusing())
    refusing.add_texts(["Hydro dams store water."], [{"source": "/d/c"}], ids=["c"],
                       vectors={"c": given})  # every vector given: the model is never asked
    assert index.count() == 3


def test_search_and_fetch_read_what_was_written(index, embeddings) -> None:
    _sync(index, _docs())
    wind = embeddings.embed_query("wind power")
    hits = index.search_dense(wind, 2)
    by_id = {chunk.id: chunk for chunk in index.fetch([cid for cid, _ in hits])}
    assert by_id[hits[0][0]].metadata["source"] == "/d/wind.txt"
    assert hits[0][1] < hits[1][1]  # nearest first, as cosine distances
    only_solar = index.search_dense(wind, 2, sources=["/d/solar.txt"])
    assert [by_id[cid].metadata["source"] for cid, _ in only_solar] == ["/d/solar.txt"]
    assert [hit.id for hit in index.search_keywords("turbines", 5)] == [hits[0][0]]
    assert [c.text for c in index.fetch(where={"source": "/d/solar.txt"})] == [
        "Solar panels convert sunlight into electricity."]
    assert all(c.vector is None for c in index.fetch())


def test_delete_source_and_reconcile_keep_the_three_stores_agreeing(index) -> None:
    _sync(index, _docs())
    assert index.delete_source("/d/solar.txt") == 1
    assert [c.metadata["source"] for c in index.fetch()] == ["/d/wind.txt"]
    assert index.reconcile() == 0  # nothing wrong: nothing removed
    index.keywords.delete(index.source_keys("/d/wind.txt"))  # a write killed half way
    assert index.reconcile() == 2  # its chunk in Chroma and its record
    assert index.count() == index.keywords.count() == len(index.records.list_keys()) == 0

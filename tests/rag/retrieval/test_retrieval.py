from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.indexing import index as index_documents

from rag.retrieval import HybridRetriever, reciprocal_rank_fusion, resolve_sources

CORPUS = {
    "/docs/garden/tomatoes.txt": "Tomato plants need six hours of direct sunlight and deep watering.",
    "/docs/garden/roses.txt": "Prune roses in late winter, just above an outward-facing bud.",
    "/docs/cars/tyres.txt": "Check tyre pressure monthly; the XK-42 code on the sidewall gives the load index.",
    "/docs/cars/oil.txt": "Change the engine oil every 10,000 kilometres or once a year.",
}


@pytest.fixture
def filled(index):
    docs = [Document(text, metadata={"source": src}) for src, text in CORPUS.items()]
    index_documents(docs, index.records, index.store, cleanup="incremental",
                    source_id_key="source", key_encoder="sha256")
    return index


def test_rrf_hand_computed() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=10))
    assert fused["a"] == pytest.approx(1 / 11 + 1 / 12)
    assert fused["c"] == pytest.approx(1 / 13 + 1 / 11)
    assert fused["b"] == pytest.approx(1 / 12)
    assert [i for i, _ in reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=10)] == ["a", "c", "b"]
    assert reciprocal_rank_fusion([]) == []


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_finds_the_right_chunk(filled, mode: str) -> None:
    retriever = HybridRetriever(index=filled, mode=mode, top_k=2)
    docs = retriever.invoke("how much sun do tomatoes need")
    assert docs[0].metadata["source"] == "/docs/garden/tomatoes.txt"
    assert {"chunk_id", "score", "similarity"} <= set(docs[0].metadata)
    assert len(docs) <= 2


def test_bm25_catches_exact_codes_that_dense_misses_or_ranks_low(filled) -> None:
    bm25 = HybridRetriever(index=filled, mode="bm25", top_k=1).invoke("XK-42")
    assert bm25[0].metadata["source"] == "/docs/cars/tyres.txt"
    hybrid = HybridRetriever(index=filled, mode="hybrid", top_k=2).invoke("XK-42")
    assert "/docs/cars/tyres.txt" in [d.metadata["source"] for d in hybrid]


def test_similarity_is_cosine_for_every_hit(filled) -> None:
    docs = HybridRetriever(index=filled, mode="bm25", top_k=4).invoke("engine oil")
    assert docs[0].metadata["source"] == "/docs/cars/oil.txt"
    assert 0.3 < docs[0].metadata["similarity"] <= 1.0


def test_source_filter_limits_both_sides(filled) -> None:
    retriever = HybridRetriever(index=filled, top_k=4)
    only = ["/docs/cars/oil.txt"]
    docs = retriever.invoke("tomato sunlight", sources=only)
    assert {d.metadata["source"] for d in docs} == set(only)
    assert retriever.invoke("tomato", sources=[]) == []


def test_mmr_returns_distinct_chunks(filled) -> None:
    docs = HybridRetriever(index=filled, mmr=True, top_k=3, fetch_k=4).invoke("garden plants")
    assert len({d.metadata["chunk_id"] for d in docs}) == len(docs) == 3


def test_resolve_sources_matches_folders_and_globs(filled) -> None:
    import datetime as dt

    from rag.index import FileRecord

    now = dt.datetime.now(dt.timezone.utc)
    for source in CORPUS:
        filled.ledger.put(FileRecord(source, 1, 1, "0" * 64, 0, 1, 0, now))
    assert set(resolve_sources(filled, ["/docs/garden"])) == {
        "/docs/garden/tomatoes.txt", "/docs/garden/roses.txt"}
    assert resolve_sources(filled, ["*/oil.txt"]) == ["/docs/cars/oil.txt"]


def test_a_given_query_vector_is_used_instead_of_embedding_again(filled) -> None:
    retriever = HybridRetriever(index=filled, mode="dense", top_k=1)
    tyres = filled.embeddings.embed_query("tyre pressure and load index")
    # The text says "tomatoes" but the vector says "tyres": the vector must win.
    docs = retriever.search("tomatoes", query_vector=tyres)
    assert docs[0].metadata["source"] == "/docs/cars/tyres.txt"


@pytest.mark.parametrize("fetch_k", [20, 2])
def test_document_prior_ranks_the_named_documents_chunk_first(
    reports, fetch_k: int  # noqa: ANN001
) -> None:
    # fetch_k 2: Acme's report (3 chunks) is longer than a search fetches, so it is also
    # searched on its own; 20: its chunks compete in the collection-wide search already.
    question = "What was Acme's gross margin?"
    plain = HybridRetriever(index=reports, top_k=3, fetch_k=fetch_k, document_prior=False)
    assert plain.invoke(question)[0].metadata["source"] != "/r/acme.txt"
    favoured = HybridRetriever(index=reports, top_k=3, fetch_k=fetch_k).invoke(question)
    assert favoured[0].metadata["source"] == "/r/acme.txt"
    assert "gross margin" in favoured[0].page_content

"""Re-embedding a collection with another model: all at once, or not at all."""

from __future__ import annotations

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from rag.index import IndexManifest, make_chroma_client, open_index
from tests.rag.conftest import REPORTS, ingest_pages


class _FailsAfter(Embeddings):
    """A model that dies after ``pages`` calls, like a process killed mid-way."""

    def __init__(self, pages: int) -> None:
        self.inner = DeterministicFakeEmbedding(size=384)
        self.pages = pages

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.pages == 0:
            raise KeyboardInterrupt("killed")
        self.pages -= 1
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def _names(settings) -> set[str]:  # noqa: ANN001
    return {c.name for c in make_chroma_client(settings).list_collections()}


def test_reembedding_switches_vectors_and_manifest_together(index, settings, chunker) -> None:  # noqa: ANN001
    ingest_pages(index, settings, chunker, REPORTS)
    before = {c.id: c.vector for c in index.fetch(with_vectors=True)}
    assert index.reembed(DeterministicFakeEmbedding(size=384), "fake-model") == len(before)
    after = {c.id: c.vector for c in index.fetch(with_vectors=True)}
    assert after.keys() == before.keys()
    assert all(list(after[k]) != list(before[k]) for k in after)
    stored = make_chroma_client(settings).get_collection(settings.store.collection).metadata
    assert IndexManifest.from_metadata(stored).embedding_model == "fake-model"
    assert _names(settings) == {settings.store.collection}  # no shadow, no old copy left
    assert index.search_dense(index.embeddings.embed_query("Globex"), 2)


def test_a_run_killed_before_the_switch_leaves_the_old_model_in_use(
    index, settings, chunker, embeddings  # noqa: ANN001
) -> None:
    ingest_pages(index, settings, chunker, REPORTS)
    before = {c.id: list(c.vector) for c in index.fetch(with_vectors=True)}
    with pytest.raises(KeyboardInterrupt):
        index.reembed(_FailsAfter(pages=0), "fake-model")
    index.close()
    again = open_index(settings, embeddings=embeddings)  # the old model's manifest: it opens
    assert {c.id: list(c.vector) for c in again.fetch(with_vectors=True)} == before
    again.close()


def test_a_swap_cut_between_its_two_renames_is_undone_on_open(
    index, settings, chunker, embeddings  # noqa: ANN001
) -> None:
    ingest_pages(index, settings, chunker, REPORTS)
    count = index.count()
    index.close()
    client = make_chroma_client(settings)
    client.get_collection(settings.store.collection).modify(name=settings.store.collection + ".prev")
    client.create_collection(settings.store.collection + ".next", embedding_function=None)  # the shadow
    again = open_index(settings, embeddings=embeddings)
    assert again.count() == count and _names(settings) == {settings.store.collection}
    again.close()

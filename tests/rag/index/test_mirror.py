"""The keyword mirror follows a Chroma collection it did not write."""

from __future__ import annotations

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from rag.index.manifest import fresh_collection
from rag.index.mirror import GENERATION_KEY, MirroredKeywordIndex, collection_ids, mark_changed


@pytest.fixture
def collection():
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    name = "mirror-test"
    if name in [c.name for c in client.list_collections()]:
        client.delete_collection(name)
    col = client.get_or_create_collection(name, embedding_function=None, metadata={"rag:x": 1})
    yield client, col
    client.delete_collection(name)


def add(client, col, ids, texts) -> None:  # another machine's ingest
    col.add(ids=ids, documents=texts, embeddings=[[float(i), 1.0] for i in range(len(ids))],
            metadatas=[{"source": f"/docs/{i}.txt"} for i in ids])
    mark_changed(client, col.name)


def generation(client, col) -> str:
    return fresh_collection(client, col.name).metadata[GENERATION_KEY]


def test_mirror_picks_up_additions_and_removals(collection, tmp_path) -> None:
    client, col = collection
    mirror = MirroredKeywordIndex(tmp_path / "kw.sqlite3", col.name, client)
    try:
        assert mirror.search("otter") == []
        add(client, col, ["a", "b"], ["the sea otter floats", "a heron waits"])
        hits = mirror.search("otters")
        assert [h.id for h in hits] == ["a"] and hits[0].source == "/docs/a.txt"

        col.delete(ids=["a"])
        mark_changed(client, col.name)
        assert mirror.search("otter") == []
        assert mirror.ids() == {"b"} == collection_ids(col)
        assert fresh_collection(client, col.name).metadata["rag:x"] == 1, "metadata is kept"
    finally:
        mirror.close()


def test_an_unchanged_generation_costs_no_listing(collection, tmp_path) -> None:
    client, col = collection
    add(client, col, ["a"], ["kingfisher"])
    mirror = MirroredKeywordIndex(tmp_path / "kw.sqlite3", col.name, client)
    try:
        assert mirror.sync() == 1
        assert mirror.sync() == 0
        before = generation(client, col)
        add(client, col, ["b"], ["dipper"])
        assert generation(client, col) != before
        assert mirror.sync() == 1
    finally:
        mirror.close()


def test_a_new_mirror_catches_up_from_its_own_file(collection, tmp_path) -> None:
    client, col = collection
    add(client, col, ["a", "b", "c"], ["one", "two", "three"])
    first = MirroredKeywordIndex(tmp_path / "kw.sqlite3", col.name, client)
    assert first.count() == 3
    first.close()
    again = MirroredKeywordIndex(tmp_path / "kw.sqlite3", col.name, client)
    try:
        assert again.sync() == 0, "the synced generation is kept on disk"
    finally:
        again.close()


def test_a_machine_that_writes_through_its_mirror_tells_the_others(collection, tmp_path) -> None:
    client, col = collection
    col.add(ids=["a"], documents=["grebe"], embeddings=[[0.0, 1.0]], metadatas=[{"source": "g"}])
    writer = MirroredKeywordIndex(tmp_path / "w.sqlite3", col.name, client)
    reader = MirroredKeywordIndex(tmp_path / "r.sqlite3", col.name, client)
    try:
        writer.upsert(["a"], ["grebe"], ["g"])  # what ChunkStore does after writing Chroma
        assert [h.id for h in reader.search("grebe")] == ["a"]
        col.delete(ids=["a"])
        writer.delete(["a"])
        assert reader.search("grebe") == []
    finally:
        writer.close()
        reader.close()


def test_mirror_indexes_each_chunk_with_its_header(collection, tmp_path) -> None:
    client, col = collection
    col.add(ids=["r"], documents=["The Company's margin rose."], embeddings=[[1.0, 0.0]],
            metadatas=[{"source": "/docs/r.pdf", "header": "2023 Q3 ACME — Results"}])
    mark_changed(client, col.name)
    mirror = MirroredKeywordIndex(tmp_path / "kw.sqlite3", col.name, client)
    try:
        assert [h.id for h in mirror.search("ACME")] == ["r"]
        assert mirror.document_frequencies(["acme"]) == (1, {"acme": 1})
    finally:
        mirror.close()

"""An index whose chunks an older version made is rebuilt by the next ingest, never mixed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from langchain_core.documents import Document

from ingest import ingest_documents, ingest_paths
from ingest.chunking import chunk_key
from ingest.rebuild import NOT_REBUILT
from rag.errors import IndexMismatchError
from rag.hashing import sha256_file
from rag.index import HEADER_VERSION, FileRecord, make_chroma_client, open_index
from rag.index.manifest import merge_metadata
from tests.ingest.conftest import assert_consistent

TEXT = "Barn owls hunt small mammals at night. Their facial disc funnels sound. "


def _old_index(settings, embeddings, folder: Path):  # noqa: ANN001, ANN202
    """An index as an older version left it: chunks without headers, manifest without them."""
    index = open_index(settings, embeddings=embeddings)
    kept, gone = folder / "kept.txt", folder / "gone.txt"
    old = [Document(TEXT, metadata={"source": str(kept)}),
           Document("A file deleted since.", metadata={"source": str(gone)}),
           Document("Added from Python.", metadata={"source": "kb://note"})]
    index.write(old, key_encoder=chunk_key, vectors={}, cleanup=None)
    stat = kept.stat()
    now = dt.datetime.now(dt.timezone.utc)
    index.ledger.put(
        FileRecord(str(kept), stat.st_size, stat.st_mtime_ns, sha256_file(kept), 0, 1, 0, now),
        FileRecord(str(gone), 10, 1, "0" * 64, 0, 1, 0, now),
    )
    index.close()
    merge_metadata(make_chroma_client(settings), settings.store.collection, {"rag:chunk_header": 0})
    return open_index(settings, embeddings=embeddings)


def test_next_ingest_rebuilds_every_indexed_file_and_drops_what_it_cannot_read(
    settings, embeddings, chunker, tmp_path: Path  # noqa: ANN001
) -> None:
    folder = (tmp_path / "docs").resolve()
    folder.mkdir()
    (folder / "kept.txt").write_text(TEXT)
    (folder / "new.txt").write_text("Tawny owls call at dusk.")
    index = _old_index(settings, embeddings, folder)
    try:
        assert index.manifest.chunk_header == 0 and index.wanted.chunk_header == HEADER_VERSION
        report = ingest_paths([folder / "new.txt"], index=index, chunker=chunker)
        status = {e.source: (e.status, e.reason) for e in report.entries}
        assert status[str(folder / "new.txt")][0] == "added"
        # unchanged on disk and not asked for, but indexed: read again all the same
        assert status[str(folder / "kept.txt")][0] == "updated"
        assert status[str(folder / "gone.txt")] == ("deleted", NOT_REBUILT)
        assert status["kb://note"] == ("deleted", NOT_REBUILT)
        stored = index.fetch()
        assert {c.metadata["source"] for c in stored} == {str(folder / "kept.txt"),
                                                          str(folder / "new.txt")}
        assert all(c.metadata.get("header") for c in stored)  # no chunk of the old kind is left
        assert {r.source for r in index.ledger.all()} == {str(folder / "kept.txt"),
                                                          str(folder / "new.txt")}
        assert index.manifest.chunk_header == HEADER_VERSION
        assert_consistent(index)
        again = ingest_paths([folder], index=index, chunker=chunker)
        assert again.counts["unchanged"] == 2 and again.chunks_written == 0
    finally:
        index.close()


def test_documents_cannot_rebuild_an_old_index(
    settings, embeddings, chunker, tmp_path: Path  # noqa: ANN001
) -> None:
    folder = tmp_path.resolve()
    (folder / "kept.txt").write_text(TEXT)
    index = _old_index(settings, embeddings, folder)
    try:
        with pytest.raises(IndexMismatchError, match="older version"):
            ingest_documents([Document("x", metadata={"source": "kb://y"})], index=index,
                             chunker=chunker)
    finally:
        index.close()

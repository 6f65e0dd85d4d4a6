"""ONNX Runtime embeddings: exported from the bundled model offline, checked, guarded by the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.models import BUNDLED_EMBEDDING
from rag.models.onnx import OnnxEmbeddings, ensure_onnx_model

TEXTS = [
    "Net sales rose 8 percent in the third quarter.",
    "The Quillon bridge opened in 1994 after four years of construction.\nIt is 412 metres long.",
    "x",
    "Hybrid retrieval fuses vector search and keyword search by reciprocal rank fusion. " * 30,
]
"""Short, multi-line, one-letter and longer-than-the-model texts."""


@pytest.fixture(scope="module")
def exports(onnx_exports: Path) -> dict[str, Path]:
    """Both variants, exported once from the bundled model (the session's folder)."""
    source = BUNDLED_EMBEDDING.locate()
    return {variant: ensure_onnx_model(source, onnx_exports, variant=variant)
            for variant in ("onnx", "onnx-int8")}


def _cosines(torch_embeddings, onnx_path: Path) -> np.ndarray:  # noqa: ANN001
    want = np.asarray(torch_embeddings.embed_documents(TEXTS))
    got = np.asarray(OnnxEmbeddings(onnx_path, BUNDLED_EMBEDDING.locate()).embed_documents(TEXTS))
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    return (want * got).sum(axis=1)


def test_the_float_export_gives_torch_s_vectors(torch_embeddings, exports) -> None:  # noqa: ANN001
    assert _cosines(torch_embeddings, exports["onnx"]).min() >= 0.999


def test_the_int8_export_is_smaller_and_close(torch_embeddings, exports) -> None:  # noqa: ANN001
    assert exports["onnx-int8"].stat().st_size < exports["onnx"].stat().st_size / 3
    cosines = _cosines(torch_embeddings, exports["onnx-int8"])
    assert cosines.min() >= 0.97 and cosines.mean() >= 0.985
    assert cosines.min() < 0.999  # not the same vectors: a collection must not mix them


def test_the_query_and_chunk_token_counts_match_torch_s(torch_embeddings, exports) -> None:  # noqa: ANN001
    from ingest import make_chunker
    from rag.settings import Settings

    onnx = OnnxEmbeddings(exports["onnx"], BUNDLED_EMBEDDING.locate())
    assert onnx.embed_query(TEXTS[0]) == pytest.approx(torch_embeddings.embed_query(TEXTS[0]),
                                                       abs=1e-4)
    ours, theirs = make_chunker(Settings(), onnx), make_chunker(Settings(), torch_embeddings)
    assert ours.count_tokens(TEXTS[3]) == theirs.count_tokens(TEXTS[3]) > onnx.max_seq_length


def test_a_corrupt_or_stale_export_is_made_again(tmp_path: Path) -> None:
    source = BUNDLED_EMBEDDING.locate()
    path = ensure_onnx_model(source, tmp_path, variant="onnx")
    record = path.with_suffix(".json")
    good = path.read_bytes()
    path.write_bytes(good[:1000])  # cut short
    assert ensure_onnx_model(source, tmp_path, variant="onnx") == path
    assert path.read_bytes() == good  # the export is deterministic
    stale = json.loads(record.read_text()) | {"source_sha256": "0" * 64}
    record.write_text(json.dumps(stale))
    ensure_onnx_model(source, tmp_path, variant="onnx")
    assert json.loads(record.read_text())["source_sha256"] != "0" * 64
    assert not list(tmp_path.glob("*.partial"))


def test_a_folder_without_weights_is_refused(tmp_path: Path) -> None:
    from rag.errors import ModelError

    with pytest.raises(ModelError, match="model.safetensors"):
        ensure_onnx_model(tmp_path, tmp_path / "cache", variant="onnx")


def test_the_manifest_keeps_int8_vectors_apart(settings, torch_embeddings, monkeypatch) -> None:  # noqa: ANN001
    from rag.errors import IndexMismatchError
    from rag.index import open_index
    from rag.models import make_embeddings
    from rag.settings import load_settings

    torch_settings = settings.with_overrides(embedding={"backend": "torch"})
    open_index(torch_settings, embeddings=torch_embeddings).close()
    monkeypatch.delenv("RAG_EMBEDDING__EXPORT_DIR")  # the default place: the data folder
    onnx_settings = load_settings().with_overrides(embedding={"backend": "onnx"})
    same = open_index(onnx_settings)  # float ONNX vectors are torch's: the collection opens
    assert isinstance(same.embeddings, OnnxEmbeddings)
    assert list((settings.store.path / "models").glob("onnx-*.onnx"))  # beside the data
    same.close()
    int8 = settings.with_overrides(embedding={"backend": "onnx-int8"})
    with pytest.raises(IndexMismatchError, match="RAG_EMBEDDING__BACKEND"):
        open_index(int8, embeddings=make_embeddings(int8))


def test_the_default_runs_int8_without_torch_on_the_query_path(embeddings) -> None:  # noqa: ANN001
    """A fresh process opens the index and embeds a question without importing torch.

    (The ``embeddings`` fixture has made the session's export, so the child only loads it.)
    """
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rag.settings import Settings\n"
        "from rag.index import open_index\n"
        "index = open_index(Settings())\n"
        "print(len(index.embeddings.embed_query('hello')), 'torch' in sys.modules,"
        " type(index.embeddings).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["384", "False", "OnnxEmbeddings"]

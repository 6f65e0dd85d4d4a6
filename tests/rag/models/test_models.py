from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from rag.errors import ConfigError, ModelError
from rag.models import (
    BUNDLED_EMBEDDING,
    BUNDLED_LLM,
    make_embeddings,
    make_llm,
    resolve_embedding_model,
    resolve_llm_path,
    verify_sha256,
)
from rag.settings import EmbeddingSettings, LLMSettings, Settings


def test_bundled_models_are_found_and_verified() -> None:
    name, folder = resolve_embedding_model(EmbeddingSettings())
    assert name == "sentence-transformers/all-MiniLM-L6-v2"
    assert (Path(folder) / "model.safetensors").is_file()
    gguf = resolve_llm_path(LLMSettings())
    assert gguf.suffix == ".gguf"
    assert gguf == BUNDLED_LLM.locate()


def test_verify_sha256_refuses_a_changed_file(tmp_path: Path) -> None:
    model = tmp_path / "model.safetensors"
    model.write_bytes(b"weights")
    verify_sha256(model, hashlib.sha256(b"weights").hexdigest())
    model.write_bytes(b"weightz")
    with pytest.raises(ModelError, match="integrity check"):
        verify_sha256(model, hashlib.sha256(b"weights").hexdigest())


def test_verify_sha256_of_the_real_bundled_file() -> None:
    path = BUNDLED_EMBEDDING.locate() / BUNDLED_EMBEDDING.checked_file
    verify_sha256(path, BUNDLED_EMBEDDING.sha256)
    with pytest.raises(ModelError):
        verify_sha256(path, "0" * 64)


def test_missing_gguf_path_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        resolve_llm_path(LLMSettings(model_path=str(tmp_path / "missing.gguf")))


def test_missing_distribution_names_the_package() -> None:
    from rag.models import BundledModel

    ghost = BundledModel("x", "no-such-dist-rag", "x", "", "0")
    with pytest.raises(ModelError, match="no-such-dist-rag"):
        ghost.locate()


@pytest.mark.parametrize("factory, section", [(make_embeddings, "embedding"), (make_llm, "llm")])
def test_unknown_provider_lists_the_choices(factory, section) -> None:
    settings = Settings()
    broken = getattr(settings, section).model_copy(update={"provider": "nope"})
    with pytest.raises(ConfigError) as info:
        factory(settings.model_copy(update={section: broken}))
    assert "'nope'" in str(info.value)
    assert "choose one of" in str(info.value)


def test_real_embeddings_are_normalised_384_vectors(embeddings) -> None:
    vectors = np.asarray(embeddings.embed_documents(["a cat sat", "the stock market fell"]))
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = np.asarray(embeddings.embed_query("a kitten was sitting"))
    assert query @ vectors[0] > query @ vectors[1]


def test_other_providers_build_without_a_network_call() -> None:
    pytest.importorskip("langchain_openai")
    settings = Settings(llm={"provider": "openai", "model": "m", "base_url": "http://127.0.0.1:9"})
    llm = make_llm(settings)
    assert type(llm).__name__ == "ChatOpenAI"

"""Fixtures shared by the whole suite.

Every test runs with all state in a temporary folder (autouse), and the real
bundled models are loaded once per session for the tests that need them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.models import ensure_offline

ensure_offline()  # before any test imports huggingface_hub, transformers or gradio


@pytest.fixture(scope="session")
def onnx_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the ONNX files exported from the bundled model, shared by the session."""
    return tmp_path_factory.mktemp("onnx-exports")


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, onnx_exports: Path) -> Path:
    """Point every piece of state at a fresh temp folder; drop the user's RAG_ settings.

    Only the ONNX exports (made from the bundled model, checked on every load)
    are shared by the session, so the default backend exports once.
    """
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    data = tmp_path / "rag-data"
    monkeypatch.setenv("RAG_STORE__PATH", str(data))
    monkeypatch.setenv("RAG_EMBEDDING__EXPORT_DIR", str(onnx_exports))
    monkeypatch.chdir(tmp_path)
    return data


@pytest.fixture(scope="session")
def embeddings(onnx_exports: Path):
    """The real bundled embedding model, run by the default backend, loaded once."""
    from rag.models import make_embeddings
    from rag.settings import Settings

    return make_embeddings(Settings(embedding={"export_dir": onnx_exports}))


@pytest.fixture(scope="session")
def torch_embeddings():
    """The real bundled embedding model run by sentence-transformers (torch), loaded once."""
    from rag.models import make_embeddings
    from rag.settings import Settings

    return make_embeddings(Settings(embedding={"backend": "torch"}))


@pytest.fixture(scope="session")
def llm():
    """The real bundled LLM (SmolLM2-135M through llama.cpp), loaded once."""
    from rag.models import make_llm
    from rag.settings import Settings

    return make_llm(Settings())


@pytest.fixture(scope="session")
def chunker(embeddings):
    """The chunker for the real bundled model with default settings."""
    from ingest import make_chunker
    from rag.settings import Settings

    return make_chunker(Settings(), embeddings)


@pytest.fixture
def settings(isolated_state: Path):
    """Default settings with state in the test's temp folder."""
    from rag.settings import load_settings

    return load_settings()


@pytest.fixture
def index(settings, embeddings) -> Iterator:
    """An empty index in the temp folder, with the real embedding model."""
    from rag.index import open_index

    opened = open_index(settings, embeddings=embeddings)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A real Chroma server (``chroma run``) on loopback, for the whole session."""
    from tests.servers import chroma_server as run_chroma

    with run_chroma(tmp_path_factory.mktemp("chroma-server") / "data") as server:
        yield server


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """llama-cpp-python's OpenAI-compatible server with the bundled SmolLM2, on loopback."""
    from rag.models import resolve_llm_path
    from rag.settings import LLMSettings
    from tests.servers import llm_server as run_llm

    log = tmp_path_factory.mktemp("llm-server") / "server.log"
    with run_llm(resolve_llm_path(LLMSettings()), log) as server:
        yield server


@pytest.fixture
def server_env(chroma_server, llm_server, monkeypatch: pytest.MonkeyPatch, request) -> dict:
    """Environment that points the settings at both servers (a fresh collection per test)."""
    collection = "t-" + request.node.name.lower().replace("[", "-").replace("]", "")[:40]
    env = {
        "RAG_STORE__URL": chroma_server.url,
        "RAG_STORE__COLLECTION": "".join(c if c.isalnum() or c in "-_" else "-" for c in collection),
        "RAG_LLM__PROVIDER": "openai",
        "RAG_LLM__BASE_URL": llm_server.url + "/v1",
        "RAG_LLM__MODEL": "smollm2",
        "RAG_LLM__TIMEOUT_S": "30",
        "RAG_LLM__MAX_RETRIES": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env

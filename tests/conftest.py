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


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every piece of state at a fresh temp folder; drop the user's RAG_ settings."""
    for key in list(os.environ):
        if key.startswith("RAG_"):
            monkeypatch.delenv(key)
    data = tmp_path / "rag-data"
    monkeypatch.setenv("RAG_STORE__PATH", str(data))
    monkeypatch.chdir(tmp_path)
    return data


@pytest.fixture(scope="session")
def embeddings():
    """The real bundled embedding model, loaded once."""
    from rag.models import make_embeddings
    from rag.settings import Settings

    return make_embeddings(Settings())


@pytest.fixture(scope="session")
def llm():
    """The real bundled LLM (SmolLM2-135M through llama.cpp), loaded once."""
    from rag.models import make_llm
    from rag.settings import Settings

    return make_llm(Settings())


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

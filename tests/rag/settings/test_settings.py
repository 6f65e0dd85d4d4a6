from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.settings import Settings, load_settings


def test_defaults_use_bundled_models_and_hybrid_retrieval(isolated_state: Path) -> None:
    settings = load_settings()
    assert settings.embedding.model == "bundled"
    assert settings.llm.provider == "llamacpp"
    assert settings.retrieval.mode == "hybrid"
    assert settings.store.path == isolated_state


def test_nested_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_RETRIEVAL__TOP_K", "7")
    monkeypatch.setenv("RAG_LLM__PROVIDER", "ollama")
    settings = load_settings()
    assert settings.retrieval.top_k == 7
    assert settings.llm.provider == "ollama"


def test_config_file_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "custom.toml"
    config.write_text('[retrieval]\ntop_k = 9\nmode = "bm25"\n[store]\ncollection = "papers"\n')
    monkeypatch.setenv("RAG_RETRIEVAL__TOP_K", "3")
    settings = load_settings(config)
    assert settings.retrieval.mode == "bm25"
    assert settings.store.collection == "papers"
    assert settings.retrieval.top_k == 3


def test_yaml_config_via_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "rag.yaml"
    config.write_text("ui:\n  port: 9000\n")
    monkeypatch.setenv("RAG_CONFIG", str(config))
    assert load_settings().ui.port == 9000


def test_rag_toml_in_working_folder_is_found(tmp_path: Path) -> None:
    (tmp_path / "rag.toml").write_text("[chunking]\nsize_tokens = 120\n")
    assert load_settings().chunking.size_tokens == 120


def test_invalid_provider_error_lists_the_choices() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(llm={"provider": "gpt-magic"})
    message = str(info.value)
    assert "llm.provider" in message
    for choice in ("llamacpp", "openai", "ollama"):
        assert choice in message


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_unknown_section_is_refused() -> None:
    with pytest.raises(ConfigError, match="retreival"):
        load_settings(retreival={"top_k": 3})


def test_settings_is_a_plain_typed_object() -> None:
    settings = Settings(retrieval={"top_k": 2})
    assert settings.retrieval.top_k == 2


def test_importing_the_packages_does_no_heavy_work() -> None:
    code = (
        "import sys, rag, ingest, prompts, rag.settings, rag.cli\n"
        "heavy = {'torch', 'chromadb', 'gradio', 'sentence_transformers', 'llama_cpp'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"

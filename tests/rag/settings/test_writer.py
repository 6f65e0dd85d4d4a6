"""Writing the user's config file: kept comments, YAML too, refused values leave it as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.settings import load_settings
from rag.settings.writer import config_target, shadowing_env, write_settings


def test_the_target_is_the_given_file_then_rag_config_then_the_local_rag_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config_target() == Path("rag.toml")
    monkeypatch.setenv("RAG_CONFIG", str(tmp_path / "c.yaml"))
    assert config_target() == tmp_path / "c.yaml"
    assert config_target(tmp_path / "x.toml") == tmp_path / "x.toml"


def test_a_toml_file_is_created_then_updated_keeping_comments(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "rag.toml"
    write_settings(path, {"llm": {"provider": "llamacpp", "model_path": "/m/a.gguf"}})
    text = path.read_text()
    path.write_text("# my settings\n" + text + "\n[retrieval]\ntop_k = 7  # more context\n")
    write_settings(path, {"llm": {"model_path": "/m/b.gguf"}})
    text = path.read_text()
    assert "# my settings" in text and "# more context" in text
    settings = load_settings(path)
    assert (settings.llm.model_path, settings.retrieval.top_k) == ("/m/b.gguf", 7)


def test_a_yaml_file_is_updated(tmp_path: Path) -> None:
    path = tmp_path / "rag.yaml"
    path.write_text("retrieval:\n  top_k: 5\n")
    write_settings(path, {"embedding": {"model": "/m/bge"}})
    settings = load_settings(path)
    assert (settings.embedding.model, settings.retrieval.top_k) == ("/m/bge", 5)


def test_a_value_that_does_not_load_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "rag.toml"
    path.write_text("[llm]\nmodel_path = 'bundled'\n")
    with pytest.raises(ConfigError, match="llm.provider"):
        write_settings(path, {"llm": {"provider": "nonsense"}})
    assert path.read_text() == "[llm]\nmodel_path = 'bundled'\n"
    fresh = tmp_path / "new.toml"
    with pytest.raises(ConfigError):
        write_settings(fresh, {"llm": {"provider": "nonsense"}})
    assert not fresh.exists()


def test_a_broken_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "rag.toml"
    path.write_text("[llm\n")
    with pytest.raises(ConfigError, match="cannot update the config file"):
        write_settings(path, {"llm": {"model_path": "/m/a.gguf"}})


def test_environment_variables_that_win_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_LLM__MODEL_PATH", "/elsewhere.gguf")
    values = {"llm": {"provider": "llamacpp", "model_path": "/m/a.gguf"}}
    assert shadowing_env(values) == ["RAG_LLM__MODEL_PATH"]

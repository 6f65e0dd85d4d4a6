"""The record of pulled models: names, look-ups, removal, which settings use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ModelError
from rag.models.hub import Pulled
from rag.models.installed import (
    find_installed,
    installed_models,
    model_name,
    record_pull,
    remove_installed,
    settings_for,
    uses,
    verify_installed,
)
from rag.settings import Settings
from tests.hub_server import sha256


def _pulled_gguf(root: Path, repo: str, file: str, data: bytes = b"gguf") -> Pulled:
    path = root / repo.replace("/", "--") / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Pulled(repo, "c" * 40, "chat", path, {file: sha256(data)}, len(data))


def test_catalogue_models_go_by_their_short_name_others_by_repository() -> None:
    assert model_name("bartowski/Llama-3.2-3B-Instruct-GGUF",
                      "Llama-3.2-3B-Instruct-Q4_K_M.gguf") == "llama3.2-3b"
    assert model_name("BAAI/bge-small-en-v1.5", None) == "bge-small-en"
    assert model_name("bartowski/Llama-3.2-3B-Instruct-GGUF",
                      "Llama-3.2-3B-Instruct-Q8_0.gguf") == (
        "bartowski/Llama-3.2-3B-Instruct-GGUF/Llama-3.2-3B-Instruct-Q8_0.gguf")


def test_record_find_and_remove(tmp_path: Path) -> None:
    qwen = record_pull(tmp_path, _pulled_gguf(tmp_path, "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
                                              "qwen2.5-1.5b-instruct-q4_k_m.gguf"))
    other = record_pull(tmp_path, _pulled_gguf(tmp_path, "someone/x-GGUF", "x.gguf"))
    assert [m.name for m in installed_models(tmp_path)] == [
        "qwen2.5-1.5b", "someone/x-GGUF/x.gguf"]
    assert find_installed(tmp_path, "Qwen2.5-1.5B") == qwen
    assert find_installed(tmp_path, "someone/x-GGUF") == other  # the repository, when one
    assert find_installed(tmp_path, "x.gguf") == other  # or the file name
    assert find_installed(tmp_path, "nothing") is None
    remove_installed(tmp_path, other)
    assert not (tmp_path / "someone--x-GGUF").exists()  # the emptied folder goes too
    assert [m.name for m in installed_models(tmp_path)] == ["qwen2.5-1.5b"]


def test_a_model_deleted_by_hand_is_no_longer_listed(tmp_path: Path) -> None:
    model = record_pull(tmp_path, _pulled_gguf(tmp_path, "someone/x-GGUF", "x.gguf"))
    model.path.unlink()
    assert installed_models(tmp_path) == []


def test_a_file_changed_since_the_pull_fails_verification(tmp_path: Path) -> None:
    model = record_pull(tmp_path, _pulled_gguf(tmp_path, "someone/x-GGUF", "x.gguf"))
    verify_installed(model)
    model.path.write_bytes(b"GGUF")
    with pytest.raises(ModelError, match="failed its integrity check"):
        verify_installed(model)


def test_uses_compares_resolved_paths_and_bundled(tmp_path: Path) -> None:
    gguf = tmp_path / "m.gguf"
    settings = Settings(**settings_for("chat", gguf))
    assert uses(settings, "chat", gguf) and not uses(settings, "chat", "bundled")
    assert uses(settings, "embedding", "bundled")
    remote = Settings(llm={"provider": "ollama", "model": "qwen"})
    assert not uses(remote, "chat", "bundled")

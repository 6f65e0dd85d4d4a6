"""Versions of tuned models: saved whole, named with their hash, refused when changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ModelError
from rag.models.tuned import TunedModels


def _trained(folder: Path, weights: bytes) -> Path:
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(weights)
    return folder


def test_versions_are_numbered_carded_and_named_by_their_weights(tmp_path: Path) -> None:
    models = TunedModels(tmp_path / "tuned", "documents")
    first = models.save(_trained(tmp_path / "a", b"one"), {"base_model": "/m", "steps": 3})
    second = models.save(_trained(tmp_path / "b", b"two"), {"base_model": "/m", "steps": 5})
    assert [v.number for v in models.versions()] == [1, 2]
    assert second.card["steps"] == 5 and "steps" in (second.folder / "README.md").read_text()
    assert first.identity.startswith("tuned:documents/v1:") and first.identity != second.identity
    assert models.parse(second.identity) == 2
    assert TunedModels(tmp_path / "tuned", "other").parse(second.identity) is None
    assert models.resolve(first.identity) == first


def test_a_version_whose_weights_changed_or_vanished_is_refused(tmp_path: Path) -> None:
    models = TunedModels(tmp_path / "tuned", "documents")
    version = models.save(_trained(tmp_path / "a", b"one"), {"base_model": "/m"})
    identity = version.identity
    (version.folder / "model.safetensors").write_bytes(b"changed")
    with pytest.raises(ModelError, match="changed"):
        models.resolve(identity)
    with pytest.raises(ModelError, match="not in"):
        models.resolve(identity.replace("/v1:", "/v7:"))


def test_scratch_folders_of_dead_runs_are_cleared(tmp_path: Path) -> None:
    models = TunedModels(tmp_path / "tuned", "documents")
    mine = models.scratch()
    dead = models.folder / ".training-999999999"
    dead.mkdir()
    models.clear_scratch()
    assert mine.is_dir() and not dead.exists()

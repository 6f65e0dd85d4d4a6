"""rag.ui.tuning: the model in words, progress with the time left, one piece of work at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.errors import ConfigError, IndexBusyError
from rag.models.tuned import TunedModels
from rag.tune import TuneReport
from rag.ui.backend import UIBackend
from rag.ui.tuning import Tuning, describe_model, progress_text, result_line

BASE = "sentence-transformers/all-MiniLM-L6-v2"


def _version(root: Path, collection: str, number: int, card: dict) -> str:
    """A saved version folder (weights stand-in and card); returns its manifest identity."""
    folder = root / collection / f"v{number}"
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"weights %d" % number)
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return TunedModels(root, collection).versions()[-1].identity


def test_the_model_in_words_names_a_tuned_versions_base(tmp_path) -> None:
    models = TunedModels(tmp_path, "docs")
    identity = _version(tmp_path, "docs", 2, {"base_identity": BASE})

    base = describe_model(f"{BASE} (onnx-int8)", models)
    tuned = describe_model(f"{identity} (onnx-int8)", models)

    assert (base.line, base.tuned) == ("Embedding model: all-MiniLM-L6-v2 (onnx-int8)", False)
    assert tuned.words == "tuned v2 of all-MiniLM-L6-v2 (onnx-int8), adapted to this collection"
    assert tuned.tuned
    assert describe_model("/models/my-encoder", None).words == "my-encoder"
    (tmp_path / "docs" / "v2" / "model.safetensors").write_bytes(b"changed")
    assert describe_model(identity, models).words == "tuned v2, adapted to this collection"


def test_progress_says_the_stage_and_the_time_left() -> None:
    assert progress_text("train", 10, 40, 40.0) == ("Training the model, about 2 min left", "steps")
    assert progress_text("embed", 100, 300, 10.0) == (
        "Re-embedding the chunks, about 20 s left", "chunks")
    assert progress_text("embed", 300, 300, 30.0) == ("Re-embedding the chunks", "chunks")
    assert progress_text("train", 0, 40, 0.0) == ("Training the model", "steps")
    assert progress_text("train", 1, 100, 60.0)[0] == "Training the model, about 1 h 39 min left"


def test_one_piece_of_work_per_collection_and_the_apps_collections_only(settings) -> None:
    ui = settings.ui.model_copy(update={"collections": ["documents"]})
    tuning = Tuning(UIBackend(settings.model_copy(update={"ui": ui})))

    with tuning.busy(" documents ", "files are being added to it") as name:
        assert name == "documents"
        with pytest.raises(IndexBusyError, match=r"'documents' is busy \(files are being added"):
            tuning.adapt("documents")
        with pytest.raises(IndexBusyError, match="busy"):
            tuning.go_back("documents")
    with tuning.busy("documents", "its model is being adapted"):  # free again
        pass
    with pytest.raises(ConfigError, match="not available in this app"):
        tuning.adapt("someone-elses")


def test_a_model_not_kept_is_said_with_its_scores() -> None:
    report = TuneReport(collection="docs", recipe="heading", pairs=900, held_out_pairs=100,
                        steps=30, stopped_early=True, before=0.5, after=0.55,
                        checks={"heading": [0.5, 0.6], "inverse-cloze": [0.5, 0.5]},
                        passes=[{"heading": 0.6, "inverse-cloze": 0.5}], kept_pass=None,
                        kept=False, version=None, chunks_embedded=0, seconds=60)
    assert result_line(report) == (
        "Held-out MRR@10: 0.500 before, 0.550 after. Not kept: the adapted model was not "
        "better on every kind of passage kept aside; nothing changed.")

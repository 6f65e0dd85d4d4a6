"""rag.tune: a real (tiny) fine-tune, kept only when better, switched whole, reverted."""

from __future__ import annotations

import pytest

from rag.errors import TuneError
from rag.index import open_index
from rag.tune import revert, tune
from tests.rag.tune.helpers import vectors


def test_a_collection_too_small_is_refused_in_numbers(notes) -> None:  # noqa: ANN001
    with pytest.raises(TuneError, match=r"holds 48 chunks; tuning needs at least 200"):
        tune(notes)


def test_a_better_model_is_kept_switched_whole_and_reverted(notes, capsys) -> None:  # noqa: ANN001
    before = vectors(notes)
    calls, models = [], []

    def trained_wins(model, held, distractors) -> float:  # noqa: ANN001
        calls.append(len(held))
        if model not in models:
            models.append(model)
        return float(len(models))  # the model in use 1.0, the trained one 2.0

    steps = []
    report = tune(notes, min_chunks=10, epochs=1, score=trained_wins,
                  progress=lambda stage, done, total, s: steps.append((stage, done, total)))
    assert report.kept and report.version == 1 and report.chunks_embedded == len(before)
    assert report.held_out_pairs == calls[0] > 0 and report.steps >= 1
    assert {stage for stage, *_ in steps} == {"train", "embed"}
    assert capsys.readouterr().out == ""  # stdout stays the caller's (rag tune --json)
    after = vectors(notes)
    assert after.keys() == before.keys()
    assert max(abs(a - b) for k in after for a, b in zip(after[k], before[k])) > 1e-3
    index = open_index(notes)  # opens with the tuned model the manifest names
    assert index.manifest.embedding_model.startswith("tuned:documents/v1:")
    assert index.search_dense(index.embeddings.embed_query("glaciers weather"), 3)
    index.close()
    card = (notes.store.path / "tuned" / "documents" / "v1" / "card.json").read_text()
    assert '"base_identity"' in card and '"after": 2.0' in card

    assert revert(notes) == "sentence-transformers/all-MiniLM-L6-v2 (onnx-int8)"
    reverted = vectors(notes)
    assert max(abs(a - b) for k in before for a, b in zip(reverted[k], before[k])) < 1e-5
    with pytest.raises(TuneError, match="nothing to revert"):
        revert(notes)


def test_a_model_that_is_not_better_is_not_kept(notes) -> None:  # noqa: ANN001
    before = vectors(notes)
    report = tune(notes, min_chunks=10, score=lambda model, held, distractors: 0.5)
    assert not report.kept and report.version is None
    assert vectors(notes) == before
    assert not list((notes.store.path / "tuned" / "documents").glob("v*"))


def test_the_best_pass_that_beats_the_old_model_everywhere_is_kept(notes) -> None:  # noqa: ANN001
    # Two kinds of held-out pair; the model in use scores 1 on both, then each
    # pass: 2 on both, 3 on both, and 4 on one kind but 0.5 on the other.
    per_pass = iter([1, 1, 2, 2, 3, 3, 4, 0.5])
    report = tune(notes, min_chunks=10, epochs=3,
                  score=lambda model, held, distractors: float(next(per_pass)))
    assert list(report.checks) == ["heading", "inverse-cloze"]
    assert report.kept and report.kept_pass == 2
    assert report.checks == {"heading": [1.0, 3.0], "inverse-cloze": [1.0, 3.0]}
    assert report.passes == [{"heading": 2.0, "inverse-cloze": 2.0},
                             {"heading": 3.0, "inverse-cloze": 3.0},
                             {"heading": 4.0, "inverse-cloze": 0.5}]

"""rag.tune: a real (tiny) fine-tune, kept only when better, switched whole, reverted."""

from __future__ import annotations

import pytest

from rag.errors import TuneError
from rag.index import open_index
from rag.tune import revert, tune
from tests.rag.conftest import ingest_pages

TOPICS = ["volcanoes", "glaciers", "rivers", "deserts", "forests", "reefs", "caves", "tundra"]


def _corpus() -> dict[str, list[str]]:
    """Sixteen small documents, three chunk-sized pages each."""
    files = {}
    for n in range(16):
        topic = TOPICS[n % len(TOPICS)]
        files[f"/notes/{topic}-{n}.md"] = [
            f"Field note {n} on {topic}. The survey team measured site {n} twice. "
            f"Readings at site {n} were logged by hand. Samples went to lab {n % 3}.",
            f"Weather during visit {n} to the {topic}: wind from the north. "
            f"The crew camped for {n + 2} nights. Equipment list {n} was checked daily.",
            f"Findings {n}: the {topic} site shows change since the last visit. "
            f"A second visit is planned. Photos of site {n} are archived.",
        ]
    return files


@pytest.fixture
def notes(index, settings, chunker):  # noqa: ANN001
    ingest_pages(index, settings, chunker, _corpus())
    index.close()
    return settings


def _vectors(settings) -> dict[str, list[float]]:  # noqa: ANN001
    index = open_index(settings)
    try:
        return {c.id: list(c.vector) for c in index.fetch(with_vectors=True)}
    finally:
        index.close()


def test_a_collection_too_small_is_refused_in_numbers(notes) -> None:  # noqa: ANN001
    with pytest.raises(TuneError, match=r"holds 48 chunks; tuning needs at least 200"):
        tune(notes)


def test_a_better_model_is_kept_switched_whole_and_reverted(notes, capsys) -> None:  # noqa: ANN001
    before = _vectors(notes)
    calls = []

    def trained_wins(model, held, distractors) -> float:  # noqa: ANN001
        calls.append(len(held))
        return float(len(calls))  # the second score (the new model's) is higher

    steps = []
    report = tune(notes, min_chunks=10, epochs=1, score=trained_wins,
                  progress=lambda stage, done, total, s: steps.append((stage, done, total)))
    assert report.kept and report.version == 1 and report.chunks_embedded == len(before)
    assert report.held_out_pairs == calls[0] > 0 and report.steps >= 1
    assert {stage for stage, *_ in steps} == {"train", "embed"}
    assert capsys.readouterr().out == ""  # stdout stays the caller's (rag tune --json)
    after = _vectors(notes)
    assert after.keys() == before.keys()
    assert max(abs(a - b) for k in after for a, b in zip(after[k], before[k])) > 1e-3
    index = open_index(notes)  # opens with the tuned model the manifest names
    assert index.manifest.embedding_model.startswith("tuned:documents/v1:")
    assert index.search_dense(index.embeddings.embed_query("glaciers weather"), 3)
    index.close()
    card = (notes.store.path / "tuned" / "documents" / "v1" / "card.json").read_text()
    assert '"base_identity"' in card and '"after": 2.0' in card

    assert revert(notes) == "sentence-transformers/all-MiniLM-L6-v2 (onnx-int8)"
    reverted = _vectors(notes)
    assert max(abs(a - b) for k in before for a, b in zip(reverted[k], before[k])) < 1e-5
    with pytest.raises(TuneError, match="nothing to revert"):
        revert(notes)


def test_a_model_that_is_not_better_is_not_kept(notes) -> None:  # noqa: ANN001
    before = _vectors(notes)
    report = tune(notes, min_chunks=10, score=lambda model, held, distractors: 0.5)
    assert not report.kept and report.version is None
    assert _vectors(notes) == before
    assert not list((notes.store.path / "tuned" / "documents").glob("v*"))

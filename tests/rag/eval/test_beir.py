"""Retrieval evaluation end to end on a tiny BEIR dataset, with the real embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.eval.beir import evaluate_retrieval
from rag.eval.datasets import load_beir
from rag.eval.run import EvalProgress
from rag.settings import RETRIEVAL_MODES


def test_every_mode_is_scored_and_the_collection_is_reused(
    beir_dir: Path, settings, embeddings  # noqa: ANN001
) -> None:
    data = load_beir(beir_dir, "test")
    updates: list[EvalProgress] = []
    run = evaluate_retrieval(data, settings, embeddings=embeddings, progress=updates.append)

    assert run.kind == "retrieval" and list(run.metrics) == list(RETRIEVAL_MODES)
    assert run.counts["queries"] == 3 and run.counts["documents"] == 6
    assert run.counts["chunks"] >= 6 and run.collection["reused"] is False
    for mode in ("dense", "hybrid"):
        # Each query names its document's distinctive words: it must come first.
        assert run.metrics[mode]["MRR@10"] == 1.0
        assert run.metrics[mode]["nDCG@10"] == pytest.approx(1.0)
        assert run.metrics[mode]["Recall@100"] == 1.0
    bm25 = run.metrics["bm25"]
    assert 0.0 < bm25["nDCG@10"] <= 1.0 and bm25["latency p50 ms"] > 0
    assert run.metrics["dense"]["latency p95 ms"] >= run.metrics["dense"]["latency p50 ms"]
    stages = [u.stage for u in updates]
    assert "ingest" in stages and stages[-1] == "retrieval"
    assert updates[-1].done == updates[-1].total == 3

    again = evaluate_retrieval(data, settings, embeddings=embeddings, modes=["dense"], limit=2)
    assert again.collection["reused"] is True
    assert again.collection["name"] == run.collection["name"]
    assert again.counts["queries"] == 2 and list(again.metrics) == ["dense"]

    (beir_dir / "corpus.jsonl").write_text(
        (beir_dir / "corpus.jsonl").read_text()
        + '{"_id": "tea", "title": "Tea", "text": "Green tea is steamed."}\n'
    )
    changed = evaluate_retrieval(
        load_beir(beir_dir, "test"), settings, embeddings=embeddings, modes=["bm25"]
    )
    assert changed.collection["name"] != run.collection["name"]
    assert changed.collection["reused"] is False and changed.counts["documents"] == 7


def test_unknown_mode_is_refused(beir_dir: Path, settings) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError, match="unknown retrieval mode"):
        evaluate_retrieval(load_beir(beir_dir, "test"), settings, modes=["dense", "magic"])


def test_a_title_heads_every_chunk_once(settings, index, chunker) -> None:  # noqa: ANN001
    from ingest import ingest_documents
    from rag.eval.beir import beir_documents
    from rag.eval.datasets import BeirDataset

    body = "Barn owls locate prey in darkness by the sound it makes alone. " * 60
    dataset = BeirDataset(Path("."), "test", {"d1": ("Barn owls hunt by sound", body)}, {}, {})
    ingest_documents(beir_documents(dataset), settings, index=index, chunker=chunker)
    chunks = sorted(index.fetch(), key=lambda c: c.metadata["chunk_index"])
    assert len(chunks) >= 2 and chunks[0].text.startswith("Barn owls hunt by sound")
    assert "header" not in chunks[0].metadata  # its text opens with the title: not repeated
    assert {c.metadata["header"] for c in chunks[1:]} == {"Barn owls hunt by sound"}

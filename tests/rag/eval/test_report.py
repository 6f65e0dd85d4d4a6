"""Reports: markdown tables, JSON round trip, charts, comparison deltas."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.eval.report import compare_markdown, compare_rows, run_markdown, save_run
from rag.eval.run import EvalRun


def _retrieval(ndcg_hybrid: float, limit: int | None = None) -> EvalRun:
    return EvalRun(
        kind="retrieval",
        params={"dataset": "scifact", "limit": limit},
        metrics={
            "dense": {"nDCG@10": 0.5, "latency p50 ms": 12.0},
            "hybrid": {"nDCG@10": ndcg_hybrid, "latency p50 ms": 15.5},
        },
        counts={"queries": 3},
        collection={"name": "eval-beir-x", "reused": True},
    )


def test_markdown_has_one_column_per_mode() -> None:
    text = run_markdown(_retrieval(0.75))
    assert "| metric | dense | hybrid |" in text
    assert "| nDCG@10 | 0.500 | 0.750 |" in text
    assert "| latency p50 ms | 12.00 | 15.50 |" in text
    assert "eval-beir-x (reused)" in text


def test_qa_markdown_lists_sections_and_missing_values() -> None:
    run = EvalRun(kind="qa", params={}, metrics={"abstention": {"precision all": None}})
    assert "| abstention | precision all | – |" in run_markdown(run)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    run = _retrieval(0.75)
    files = save_run(run, tmp_path / "out")
    chart = files["chart"]
    assert chart.read_bytes().startswith(b"\x89PNG") and chart.stat().st_size > 5000
    loaded = EvalRun.load(tmp_path / "out")  # a folder means its results.json
    assert loaded.metrics == run.metrics and loaded.machine["cpus"] >= 1
    (tmp_path / "bad.json").write_text('{"kind": "qa", "nonsense": 1}')
    with pytest.raises(ConfigError):
        EvalRun.load(tmp_path / "bad.json")


def test_compare_gives_deltas_and_differences() -> None:
    a, b = _retrieval(0.70), _retrieval(0.75, limit=10)
    rows = {key: (va, vb, delta) for key, va, vb, delta in compare_rows(a, b)}
    assert rows["hybrid / nDCG@10"][2] == pytest.approx(0.05)
    assert rows["dense / nDCG@10"][2] == 0.0
    b.metrics["bm25"] = {"nDCG@10": 0.6}
    rows = {key: (va, vb, delta) for key, va, vb, delta in compare_rows(a, b)}
    assert rows["bm25 / nDCG@10"] == (None, 0.6, None)
    text = compare_markdown(a, b)
    assert "| hybrid / nDCG@10 | 0.700 | 0.750 | +0.050 |" in text
    assert "params.limit: None → 10" in text

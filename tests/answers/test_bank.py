"""Our own bank of simple documents: each answerable question right in the first lines,
each near miss refused.

The bank (:mod:`tests.answers.bank`) is ingested once into a store of its own
and every question is asked once through the real chain with default
settings. Each answerable question must hold its expected phrases in the short
fact or the first quote; each near-miss question must be answered "not
found". A question the product does not answer right today carries its
``gap`` in ``bank_questions.json`` and is an expected failure here (strict: once
it passes, its gap must go). The rates per shape, and for the held-out third
that is never tuned on, are in docs/benchmarks.md (``bench/bank_bench.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.answers.bank import ABSTAINED, RIGHT, load_questions, result_of, write_bank

pytestmark = pytest.mark.slow

@pytest.fixture(scope="module")
def bank_results(tmp_path_factory: pytest.TempPathFactory, onnx_exports: Path,
                 embeddings, llm) -> dict[str, dict]:
    """Every bank question asked once against the ingested bank, with its verdict, by id."""
    from ingest import ingest_paths
    from rag.chain import build_chain
    from rag.index import open_index
    from rag.settings import Settings

    work = tmp_path_factory.mktemp("bank")
    with pytest.MonkeyPatch.context() as patch:
        for key in list(os.environ):
            if key.startswith("RAG_"):
                patch.delenv(key)
        patch.setenv("RAG_EMBEDDING__EXPORT_DIR", str(onnx_exports))
        patch.chdir(work)
        folder = work / "docs"
        write_bank(folder)
        settings = Settings(store={"path": work / "store"},
                            embedding={"export_dir": onnx_exports})
        index = open_index(settings, embeddings=embeddings)
        try:
            report = ingest_paths([folder], settings, index=index)
            failed = [e for e in report.entries if e.status not in ("added", "updated")]
            assert not failed, f"bank documents not ingested: {failed}"
            chain = build_chain(settings, index=index, llm=llm)
            return {q["id"]: result_of(q, chain.invoke({"question": q["question"]}))
                    for q in load_questions()}
        finally:
            index.close()


def _shown(result: dict) -> str:
    if result["not_found"]:
        answered = "not found"
    else:
        first = result["quotes"][0] if result["quotes"] else result["text"]
        answered = f"short={result['short']!r} first={' '.join(first.split())[:160]!r}"
    want = "abstain" if result["abstain"] else f"expect {result['expect']}"
    return f"{result['question']!r}: {want}; got {answered}"


def _cases(abstain: bool) -> list:
    return [pytest.param(q["id"], id=q["id"], marks=[pytest.mark.xfail(
                reason=q["gap"], strict=True)] if q.get("gap") else [])
            for q in load_questions() if bool(q.get("abstain")) == abstain]


@pytest.mark.parametrize("question_id", _cases(abstain=False))
def test_an_answerable_question_is_right_in_the_first_lines(
    bank_results: dict[str, dict], question_id: str
) -> None:
    result = bank_results[question_id]
    assert result["verdict"] == RIGHT, _shown(result)


@pytest.mark.parametrize("question_id", _cases(abstain=True))
def test_a_near_miss_question_is_refused(bank_results: dict[str, dict], question_id: str) -> None:
    result = bank_results[question_id]
    assert result["verdict"] == ABSTAINED, _shown(result)


def test_the_bank_is_as_described(tmp_path: Path) -> None:
    """At least 16 shapes, 4 questions a shape, 85 answerable, 12 near misses; every file
    named by a question is written; every third question of a shape is held out."""
    questions = load_questions()
    written = {p.name for p in write_bank(tmp_path / "bank")}
    shapes: dict[str, list[dict]] = {}
    for q in questions:
        shapes.setdefault(q["shape"], []).append(q)
        assert q["file"] in written, q
        assert q.get("abstain") or q["expect"], q
    assert len(shapes) >= 16
    assert all(sum(not q.get("abstain") for q in qs) >= 4 for qs in shapes.values())
    assert sum(not q.get("abstain") for q in questions) >= 85
    assert sum(bool(q.get("abstain")) for q in questions) >= 12
    assert len({q["id"] for q in questions}) == len(questions)
    for qs in shapes.values():
        assert [q["held_out"] for q in qs] == [n % 3 == 0 for n in range(1, len(qs) + 1)]

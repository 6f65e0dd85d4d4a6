"""Evaluation: retrieval on BEIR, answers on SQuAD 2.0 and on real documents, reports.

The library measures and returns :class:`~rag.eval.run.EvalRun` objects; it
never prints. ``rag eval`` (``rag/cli/eval_commands.py``) draws the progress
bar, prints the tables and writes the files. Heavy imports happen on first use.

What lives here: datasets (:mod:`~rag.eval.datasets`, :mod:`~rag.eval.beir`),
the corpus they are ingested as (:mod:`~rag.eval.corpus`), the runs
(:mod:`~rag.eval.qa`, :mod:`~rag.eval.docs`, :mod:`~rag.eval.run`), metrics
(:mod:`~rag.eval.metrics`, :mod:`~rag.eval.facts`) and reports
(:mod:`~rag.eval.report`). May import everything below the faces (the chain,
ingest, the index); never the CLI or the UI.

Example:
    >>> from rag.eval import load_beir, evaluate_retrieval   # doctest: +SKIP
    >>> run = evaluate_retrieval(load_beir("scifact", "train"), Settings())  # doctest: +SKIP
    >>> run.metrics["hybrid"]["nDCG@10"]                    # doctest: +SKIP
"""

from __future__ import annotations

from rag.eval.beir import evaluate_retrieval
from rag.eval.datasets import load_beir, load_squad, parse_ranges
from rag.eval.docs import evaluate_docs, load_qna
from rag.eval.qa import evaluate_qa, sample_questions
from rag.eval.run import EvalProgress, EvalRun

__all__ = [
    "EvalProgress",
    "EvalRun",
    "evaluate_docs",
    "evaluate_qa",
    "evaluate_retrieval",
    "load_beir",
    "load_qna",
    "load_squad",
    "parse_ranges",
    "sample_questions",
]

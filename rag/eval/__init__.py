"""Evaluation: retrieval on BEIR, answers on SQuAD 2.0 and on real documents, reports.

The library measures and returns :class:`~rag.eval.run.EvalRun` objects; it
never prints. ``rag eval`` (``rag/cli/eval_commands.py``) draws the progress
bar, prints the tables and writes the files. Heavy imports happen on first use.

Example:
    >>> from rag.eval import load_beir, evaluate_retrieval   # doctest: +SKIP
    >>> run = evaluate_retrieval(load_beir("scifact", "train"), Settings())  # doctest: +SKIP
    >>> run.metrics["hybrid"]["nDCG@10"]                    # doctest: +SKIP
"""

from __future__ import annotations

from rag.eval.datasets import load_beir, load_squad, parse_ranges
from rag.eval.docs import evaluate_docs, load_qna
from rag.eval.qa import evaluate_qa, sample_questions
from rag.eval.beir import evaluate_retrieval
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

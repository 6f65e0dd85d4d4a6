"""Does retrieval find the right document? Source accuracy on sec10q, retrieval only.

The folder of documents is ingested exactly as ``rag eval docs`` does (its
eval collection, in the store folder given, reused by later runs); then each
question of the CSV is searched with the retriever the chain uses (the
default retrieval settings), without the LLM. A question counts as found
"first" when the first retrieved chunk comes from a file matching one of its
``Source Docs`` globs (:func:`rag.eval.facts.source_matches`), and "any"
when one of the first five does. Figures are given per question type for the
questions of the tuning companies (rules were chosen on these) and of the
check companies (left alone until the rules were fixed).

Usage::

    .venv/bin/python bench/doc_source_bench.py STORE_DIR \\
        [--docs ../shared/data/sec10q/docs] [--qna ../shared/data/sec10q/qna_data.csv] \\
        [--tune AAPL,MSFT,NVDA] [--out bench/results/doc_source.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHOWN = 5
"""Chunks retrieved per question; "any" looks at all of them."""


def company(globs: Sequence[str]) -> str:
    """The ticker a question's globs name (``*2023 Q3 AAPL*`` -> ``AAPL``)."""
    found = re.findall(r"[A-Z]{2,5}", " ".join(globs))
    return found[-1] if found else "?"


def run_questions(index: Any, settings: Any, questions: Sequence[Any]) -> list[dict[str, Any]]:
    """Search every question; keep the files of the retrieved chunks, best first."""
    from rag.eval.facts import source_matches
    from rag.retrieval import HybridRetriever

    retrieval = settings.retrieval.model_copy(update={"top_k": SHOWN})
    retriever = HybridRetriever.from_settings(index, retrieval)
    records = []
    for q in questions:
        files = [str(d.metadata.get("file_name") or Path(d.metadata["source"]).name)
                 for d in retriever.search(q.question)]
        records.append({
            "question": q.question,
            "type": q.kind,
            "company": company(q.source_globs),
            "expected": list(q.source_globs),
            "files": files,
            "first": bool(files) and source_matches(files[0], q.source_globs),
            "any": any(source_matches(f, q.source_globs) for f in files),
        })
    return records


def table(records: Sequence[dict[str, Any]], tune: set[str]) -> dict[str, dict[str, Any]]:
    """First/any shares by split (tuning, check, all) and question type."""
    splits = {
        "tuning": [r for r in records if r["company"] in tune],
        "check": [r for r in records if r["company"] not in tune],
        "all": list(records),
    }
    kinds = sorted({r["type"] for r in records})
    result: dict[str, dict[str, Any]] = {}
    for split, rows in splits.items():
        for kind in ["overall", *kinds]:
            chosen = [r for r in rows if kind == "overall" or r["type"] == kind]
            if chosen:
                result.setdefault(split, {})[kind] = {
                    "n": len(chosen),
                    "first": round(sum(r["first"] for r in chosen) / len(chosen), 3),
                    "any": round(sum(r["any"] for r in chosen) / len(chosen), 3),
                }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", type=Path, help="Store folder (created, then reused).")
    parser.add_argument("--docs", type=Path, default=ROOT.parent / "shared/data/sec10q/docs")
    parser.add_argument("--qna", type=Path,
                        default=ROOT.parent / "shared/data/sec10q/qna_data.csv")
    parser.add_argument("--tune", default="AAPL,MSFT,NVDA",
                        help="Companies the rules were chosen on (the rest are the check).")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/doc_source.json")
    args = parser.parse_args()

    from rag.eval.docs import load_qna, open_docs_collection
    from rag.models import ensure_offline
    from rag.settings import load_settings

    ensure_offline()
    settings = load_settings(store={"path": args.store})
    questions = load_qna(args.qna)
    collection, files = open_docs_collection(args.docs, settings)
    try:
        records = run_questions(collection.index, collection.settings, questions)
    finally:
        collection.index.close()
    tune = set(args.tune.split(","))
    result = table(records, tune)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "files": files, "chunks": collection.chunks, "tuning companies": sorted(tune),
        "shares": result, "questions": records,
    }, indent=2) + "\n")
    print(f"{files} files, {collection.chunks} chunks, {len(records)} questions; "
          f"first = the first chunk's file matches, any = one of the first {SHOWN} does\n")
    print("| companies | question type | n | first | any |\n|---|---|---|---|---|")
    for split, kinds in result.items():
        for kind, row in kinds.items():
            print(f"| {split} | {kind} | {row['n']} | {row['first']:.3f} | {row['any']:.3f} |")


if __name__ == "__main__":
    main()

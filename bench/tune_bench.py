"""`rag tune` measured before and after on SciFact, without and with labels, in one run.

The SciFact train split's judged queries are shuffled (seed 0) and cut in two
halves, A and B. In its own data folder (``--store``) the bench builds the
corpus's eval collection with the configured model and scores it (dense and
hybrid nDCG@10) on all train queries and on half B. Then, each as its own
``rag tune`` process, timed, with its peak resident memory (``wait4``; the
ONNX export child counts as well):

1. **without labels**: ``rag tune --collection <eval collection>`` with the
   default recipe; scored again on all train queries; then ``--revert``;
2. **with labels**: ``rag tune --pairs halfA.csv --labelled-only`` (half A's
   queries and their judged abstracts; ``--with-self-made`` adds the
   self-made pairs); scored again on half B; then ``--revert``.

The tuned collection is scored with its own model (``rag eval retrieval``
does the same for a collection tuned in place). Prints a Markdown table and
writes JSON.

Usage::

    .venv/bin/python bench/tune_bench.py [--dataset ../shared/data/scifact] \\
        [--store /tmp/tunebench] [--max-minutes 14] [--labelled-epochs N] [--with-self-made]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.eval.beir import evaluate_retrieval  # noqa: E402
from rag.eval.datasets import BeirDataset, load_beir  # noqa: E402
from rag.settings import load_settings  # noqa: E402

MODES = ("dense", "hybrid")


def halves(dataset: BeirDataset, seed: int = 0) -> tuple[BeirDataset, BeirDataset]:
    """The dataset cut into two halves of its queries (same corpus, so same collection)."""
    ids = sorted(dataset.queries)
    random.Random(seed).shuffle(ids)
    cut = len(ids) // 2

    def part(chosen: list[str]) -> BeirDataset:
        return dataclasses.replace(dataset, queries={q: dataset.queries[q] for q in chosen},
                                   qrels={q: dataset.qrels[q] for q in chosen})

    return part(ids[:cut]), part(ids[cut:])


def write_pairs(dataset: BeirDataset, path: Path) -> int:
    """A ``question,source`` CSV of the dataset's judged pairs; returns the row count."""
    rows = [(dataset.queries[q], f"beir:{doc}") for q in dataset.queries
            for doc, grade in dataset.qrels[q].items() if grade > 0]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "source"])
        writer.writerows(rows)
    return len(rows)


def score(dataset: BeirDataset, store: Path) -> tuple[dict[str, float], str, str]:
    """nDCG@10 per mode, the collection's name and the model its vectors come from."""
    settings = load_settings().with_overrides(store={"path": str(store)})
    run = evaluate_retrieval(dataset, settings, modes=MODES)
    figures = {mode: round(float(run.metrics[mode]["nDCG@10"]), 4) for mode in MODES}
    return figures, run.collection["name"], run.collection["embedding_model"]


def rag(store: Path, *args: str) -> dict[str, Any]:
    """Run ``rag <args>`` in its own process: its JSON output, wall seconds and peak
    resident MB (``wait4``: the largest of it and the children it waited for, such
    as the ONNX export)."""
    env = {**os.environ, "RAG_STORE__PATH": str(store)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "rag.cli", *args], env=env,
                                   stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"rag {' '.join(args)} failed:\n{err.read()[-3000:]}")
        result: dict[str, Any] = {"seconds": round(seconds, 1),
                                  "peak_mb": round(usage.ru_maxrss / 1024)}
        if "--json" in args:
            result["report"] = json.loads(out.read())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared/data/scifact")
    parser.add_argument("--store", type=Path, default=Path("/tmp/tunebench"))
    parser.add_argument("--max-minutes", type=float, default=14.0,
                        help="rag tune --max-minutes for the run without labels")
    parser.add_argument("--labelled-epochs", type=int, default=None,
                        help="rag tune --epochs for the labelled run (default: rag tune's own)")
    parser.add_argument("--with-self-made", action="store_true",
                        help="train the labelled run on half A plus self-made pairs "
                        "(default: half A alone, rag tune --labelled-only)")
    parser.add_argument("--skip", choices=["unlabelled", "labelled"], default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/tune.json")
    args = parser.parse_args()

    dataset = load_beir(args.dataset, "train")
    half_a, half_b = halves(dataset)
    results: dict[str, Any] = {"queries": len(dataset.queries), "half_b": len(half_b.queries)}
    base_all, name, model = score(dataset, args.store)
    base_b, _, _ = score(half_b, args.store)
    results.update(collection=name, base_model=model, base_all=base_all, base_half_b=base_b)
    print(json.dumps(results), flush=True)

    if args.skip != "unlabelled":
        run = rag(args.store, "tune", "--collection", name, "--max-minutes",
                  str(args.max_minutes), "--json")
        tuned_all, _, tuned_model = score(dataset, args.store)
        results["unlabelled"] = {**run, "model": tuned_model, "tuned_all": tuned_all}
        if run["report"]["kept"]:
            results["unlabelled"]["revert_s"] = rag(args.store, "tune", "--revert",
                                                    "--collection", name)["seconds"]
        print(json.dumps(results["unlabelled"]), flush=True)

    if args.skip != "labelled":
        pairs = args.store / "halfA.csv"
        results["labelled_pairs"] = write_pairs(half_a, pairs)
        extra = [] if args.with_self_made else ["--labelled-only"]
        run = rag(args.store, "tune", "--collection", name, "--pairs", str(pairs),
                  "--max-minutes", str(args.max_minutes), "--json", *extra,
                  *(["--epochs", str(args.labelled_epochs)] if args.labelled_epochs else []))
        tuned_b, _, tuned_model = score(half_b, args.store)
        results["labelled"] = {**run, "model": tuned_model, "tuned_half_b": tuned_b,
                               "labelled_only": not args.with_self_made}
        if run["report"]["kept"]:
            rag(args.store, "tune", "--revert", "--collection", name)
        print(json.dumps(results["labelled"]), flush=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))


def markdown(results: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    lines = ["| run | queries | dense before | dense after | hybrid before | hybrid after "
             "| tune + re-embed | peak memory |", "|---|---|---|---|---|---|---|---|"]
    for key, base, after, queries in (("unlabelled", "base_all", "tuned_all", "queries"),
                                      ("labelled", "base_half_b", "tuned_half_b", "half_b")):
        run = results.get(key)
        if not run:
            continue
        lines.append(
            f"| {key} | {results[queries]} | {results[base]['dense']:.3f} "
            f"| {run[after]['dense']:.3f} | {results[base]['hybrid']:.3f} "
            f"| {run[after]['hybrid']:.3f} | {run['seconds'] / 60:.1f} min "
            f"| {run['peak_mb'] / 1024:.2f} GB |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

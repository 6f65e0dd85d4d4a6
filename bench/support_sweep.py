"""What each ``retrieval.min_support`` would refuse, from the scores of a saved QA run.

Every answer the model gave in a ``rag eval qa`` run carries the support score
the chain computed against the passages it showed (``support`` in the run's
``results.json``). The answers do not depend on the threshold, so one run
tells, for any threshold, how many answers of each group the check would
turn into "not found", and how many of the refused answerable ones held a
reference answer.

Usage::

    .venv/bin/python bench/support_sweep.py eval-runs/<run>/  [--thresholds 0.1 0.15 0.2]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

_CITATION = re.compile(r"\s*\[\d+\]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path, help="A `rag eval qa` output folder (or its results.json).")
    parser.add_argument("--thresholds", type=float, nargs="+",
                        default=[0.1, 0.15, 0.2, 0.3, 0.4, 0.5])
    args = parser.parse_args()

    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from rag.eval.metrics import contains_reference

    path = args.run / "results.json" if args.run.is_dir() else args.run
    checked = [r for r in json.loads(path.read_text())["details"] if r.get("support") is not None]
    groups = sorted({r["group"] for r in checked})
    print(f"{len(checked)} checked answers in {path}\n")
    print("| min_support | " + " | ".join(f"{g} refused" for g in groups)
          + " | refused answerable holding a reference |")
    print("|---" * (len(groups) + 2) + "|")
    for t in args.thresholds:
        cells = []
        for g in groups:
            subset = [r for r in checked if r["group"] == g]
            cells.append(f"{sum(r['support'] < t for r in subset)} / {len(subset)}")
        lost = sum(
            contains_reference(_CITATION.sub("", r["rejected"] or r["answer"]), r["references"])
            for r in checked if r["group"] == "answerable" and r["support"] < t
        )
        print(f"| {t} | " + " | ".join(cells) + f" | {lost} |")


if __name__ == "__main__":
    main()

"""Split a ``rag eval docs`` run on sec10q by company: the tuning companies and the check ones.

The quote rules are fitted on some companies' questions (``bench/fit_quote_rules.py``,
``--tune``); this reads the run's ``results.json`` and reports source accuracy,
fact recall of numbers, content-word F1 and abstention for those companies
and for the others, so a figure met only where it was tuned shows.

Usage::

    rag eval docs --docs ../shared/data/sec10q/docs --qna ../shared/data/sec10q/qna_data.csv --out RUN
    .venv/bin/python bench/docs_by_company.py RUN/results.json [--tune AAPL,MSFT,NVDA]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from doc_source_bench import company  # noqa: E402  (bench/ is the script's folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", type=Path, help="results.json of a rag eval docs run")
    parser.add_argument("--tune", default="AAPL,MSFT,NVDA")
    args = parser.parse_args()

    from rag.eval.metrics import mean

    tune = set(args.tune.split(","))
    details = json.loads(args.results.read_text(encoding="utf-8"))["details"]
    groups = {"tuning": [d for d in details if company(d["expected"]) in tune],
              "check": [d for d in details if company(d["expected"]) not in tune]}
    print("| Companies (n) | source accuracy | fact recall, numbers | content-word F1 | abstention |")
    print("|---|---|---|---|---|")
    for name, rows in groups.items():
        names = ", ".join(sorted({company(d["expected"]) for d in rows}))
        numbers = mean([d["fact_recall_numbers"] for d in rows
                        if d.get("fact_recall_numbers") is not None]) or 0.0
        print(f"| {name}: {names} ({len(rows)}) | {mean([float(d['source_correct']) for d in rows]):.3f} "
              f"| {numbers:.3f} | {mean([d['content_f1'] for d in rows]):.3f} "
              f"| {mean([float(d['not_found']) for d in rows]):.3f} |")


if __name__ == "__main__":
    main()

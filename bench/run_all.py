"""Run every benchmark, one after the other, with its default arguments (``make bench``).

Each script prints its Markdown table and writes its JSON under
``bench/results/``. They time things, so run this on a quiet machine: the
ingest benchmark alone embeds the whole SciFact corpus (about half an hour
on 2 cores) and the tuning benchmark trains twice (about 45 minutes), the
others take minutes. ``--only NAME ...`` runs a subset.

Usage::

    .venv/bin/python bench/run_all.py [--only query_bench focus_bench]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Quick ones first; the ingest and tuning benchmarks last.
SCRIPTS = [
    "query_bench",
    "fusion_bench",
    "focus_bench",
    "calibrate_relevance",
    "bank_bench",
    "startup_bench",
    "ui_bench",
    "server_bench",
    "onnx_bench",
    "ingest_bench",
    "sheet_bench",
    "tune_bench",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, help="Run only these scripts.")
    args = parser.parse_args()
    failed = []
    for name in args.only or SCRIPTS:
        print(f"\n## {name}\n", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False).returncode
        print(f"\n({name}: exit {code}, {time.perf_counter() - started:.0f} s)", flush=True)
        if code:
            failed.append(name)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()

"""Big spreadsheets: a 100,000-row CSV and a 100,000-row XLSX ingested with bounded memory.

Each file is written here (openpyxl's write-only mode for the XLSX: five
columns, a region, a month, a product, units and revenue with a number
format), then ingested into an empty store in a fresh process, one after the
other. Per file: seconds, rows/s, chunks, and the child's peak RSS (target,
issue 35: under 1.5 GB). Writes a JSON result and prints a Markdown table.

Usage::

    .venv/bin/python bench/sheet_bench.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

HEADS = ("Region", "Month", "Product", "Units", "Revenue")
REGIONS = ("Northern", "Southern", "Eastern", "Western", "Central")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _row(n: int) -> tuple:
    return (REGIONS[n % 5], MONTHS[n // 5 % 12], f"Item {n % 997:03d}", n % 450 + 1,
            round((n % 450 + 1) * 12.5, 2))


def write_csv(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADS)
        out.writerows(_row(n) for n in range(rows))
    return path


def write_xlsx(path: Path, rows: int) -> Path:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sales")
    sheet.append(HEADS)
    for n in range(rows):
        region, month, product, units, revenue = _row(n)
        money = WriteOnlyCell(sheet, value=revenue)
        money.number_format = "#,##0.00"
        sheet.append([region, month, product, units, money])
    book.save(path)
    return path


def _child(path: str, store: str) -> None:
    from ingest import ingest_paths
    from rag.settings import Settings

    started = time.perf_counter()
    report = ingest_paths([Path(path)], Settings(store={"path": Path(store)}))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": round(seconds, 1), "chunks": report.chunks_written,
                      "status": [e.status for e in report.entries],
                      "peak_rss_mb": round(peak_kb / 1024, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "sheets.json")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="sheet-bench-") as work:
        for name, writer in (("sales.csv", write_csv), ("sales.xlsx", write_xlsx)):
            path = writer(Path(work) / name, args.rows)
            size_mb = path.stat().st_size / 2**20
            done = subprocess.run([sys.executable, __file__, "--child", str(path),
                                   str(Path(work) / f"store-{name}")],
                                  capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result.update(rows=args.rows, file_mb=round(size_mb, 1),
                          rows_per_s=round(args.rows / result["seconds"], 1))
            results[name] = result
            print(f"{name}: {result}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("| File | Rows | Size | Seconds | Rows/s | Chunks | Peak RSS | Target |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['rows']:,} | {r['file_mb']} MB | {r['seconds']} | "
              f"{r['rows_per_s']:,} | {r['chunks']:,} | {r['peak_rss_mb']:,} MB | < 1,536 MB |")


if __name__ == "__main__":
    main()

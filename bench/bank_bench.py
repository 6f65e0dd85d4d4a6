"""Our own bank of simple documents: is the answer right in the first lines?

The bank (``tests/answers/bank.py``) is written into a temp folder, ingested
with the real pipeline into a temp store (OCR on, as by default), and every
question of ``tests/answers/bank_questions.json`` is asked through the real
chain with default settings. Per shape and overall it prints, for the
answerable questions, how many were right in the first lines (the short fact
or the first quote holds every expected phrase), right only in a later quote,
wrong, or "not found"; for the near-miss questions, the share refused ("not
found"); and the share of answers whose first quote comes from the question's
file. The tuning questions and the held-out third are counted apart.

Usage::

    .venv/bin/python bench/bank_bench.py [--json results.json] [--only md-faq,scan]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.answers.bank import load_questions, result_of, tally, write_bank


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _row(name: str, t: dict) -> str:
    return (f"{name:<38} {t['answerable']:>4} {t['right']:>5} {_pct(t['right_rate']):>5} "
            f"{t['later']:>5} {t['wrong']:>5} {t['not_found']:>5}   "
            f"{t['abstained']:>3}/{t['near_miss']:<3} {_pct(t['abstain_rate']):>5}   "
            f"{_pct(t['cited_right_file_rate']):>5}")


def report(results: list[dict]) -> dict:
    """Print the tables; return the tallies (overall, tuning, held out, per shape)."""
    header = (f"{'':<38} {'n':>4} {'right':>5} {'rate':>5} {'later':>5} {'wrong':>5} "
              f"{'n/f':>5}   {'abstain':>7} {'rate':>5}   {'file':>5}")
    groups = {"tuning (held_out false)": [r for r in results if not r["held_out"]],
              "held out": [r for r in results if r["held_out"]]}
    shapes = list(dict.fromkeys(r["shape"] for r in results))
    summary: dict = {"overall": tally(results), "shapes": {}}
    for title, rows in [("all questions", results), *groups.items()]:
        print(f"\n== {title}")
        print(header)
        for shape in shapes:
            mine = [r for r in rows if r["shape"] == shape]
            if mine:
                print(_row(shape, tally(mine)))
                if title == "all questions":
                    summary["shapes"][shape] = tally(mine)
        print(_row("OVERALL", tally(rows)))
    for title, rows in groups.items():
        summary[title.split(" (")[0].replace(" ", "_")] = tally(rows)
    print("\nright: the short fact or the first quote holds every expected phrase; later: only a"
          " later quote does;\nn/f: answered 'not found'; abstain: near-miss questions refused;"
          " file: first quote from the question's file")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="Write the per-question results here.")
    parser.add_argument("--only", default="",
                        help="Comma-separated id prefixes (e.g. md-faq,scan): ask only those.")
    args = parser.parse_args()

    from ingest import ingest_paths
    from rag.chain import build_chain
    from rag.index import open_index
    from rag.settings import Settings

    questions = load_questions()
    if args.only:
        prefixes = tuple(p.strip() + "-" for p in args.only.split(",") if p.strip())
        questions = [q for q in questions if q["id"].startswith(prefixes)]
    with tempfile.TemporaryDirectory(prefix="bank-bench-") as work:
        folder = Path(work) / "bank"
        files = write_bank(folder)
        settings = Settings(store={"path": Path(work) / "store"})
        started = time.perf_counter()
        ingested = ingest_paths([folder], settings)
        print(f"ingested {len(files)} files in {time.perf_counter() - started:.1f} s, "
              f"{ingested.chunks_written} chunks", file=sys.stderr)
        for entry in ingested.entries:
            print(f"  {Path(entry.source).name}: {entry.status}, {entry.chunks} chunks"
                  + (f", OCR pages {list(entry.ocr_pages)}" if entry.ocr_pages else "")
                  + (f" {entry.reason}" if entry.reason else "")
                  + "".join(f"; {w}" for w in entry.warnings), file=sys.stderr)
        index = open_index(settings)
        try:
            chain = build_chain(settings, index=index)
            results = []
            for done, question in enumerate(questions, start=1):
                asked = time.perf_counter()
                answer = chain.invoke({"question": question["question"]})
                result = result_of(question, answer)
                result["seconds"] = round(time.perf_counter() - asked, 2)
                results.append(result)
                if done % 10 == 0:
                    print(f"{done}/{len(questions)} questions", file=sys.stderr, flush=True)
        finally:
            index.close()
    shapes = {q["shape"] for q in questions}
    print(f"{len(files)} documents, {len(shapes)} shapes, {len(questions)} questions: "
          f"{sum(not q.get('abstain') for q in questions)} answerable, "
          f"{sum(bool(q.get('abstain')) for q in questions)} near-miss, "
          f"{sum(q['held_out'] for q in questions)} held out")
    summary = report(results)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "questions": results}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Ingest benchmark: throughput vs raw encode, re-ingest speed-up, peak memory.

On the SciFact abstracts (one Markdown file each) plus the sample PDFs:

1. first ingest into an empty index: chunks/s;
2. raw ``SentenceTransformer.encode`` of exactly the chunks that ingest made,
   same batch size, same process, right after: chunks/s, and the ratio
   (target >= 0.9: everything but embedding hidden behind embedding);
3. re-ingest of the unchanged corpus: seconds, chunks embedded (target 0),
   speed-up over the first ingest (target >= 50x);
4. peak RSS of a fresh process ingesting a subset once and four times
   (target <= 1.5 GB and not growing with the corpus).

Writes a JSON result and prints a Markdown table. Example::

    .venv/bin/python bench/ingest_bench.py --out bench/results/ingest.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = Path("/work/shared/data/scifact/corpus.jsonl")
PDFS = Path("/work/shared/data/pdfs")


def write_corpus(corpus: Path, folder: Path, limit: int | None, copies: int = 1) -> int:
    """Write each abstract as ``<id>.md`` (``# title`` + text); return the file count."""
    rows = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    for copy in range(copies):
        target = folder / f"copy{copy}"
        target.mkdir(parents=True, exist_ok=True)
        for row in rows:
            body = f"# {row['title']}\n\n{row['text']}\n"
            (target / f"{row['_id']}.md").write_text(body, encoding="utf-8")
    return len(rows) * copies


def copy_sources(sources: list[Path], folder: Path, copies: int) -> list[Path]:
    """Copy every source folder ``copies`` times under ``folder``; return the copies."""
    targets = []
    for copy in range(copies):
        for source in sources:
            target = folder / f"copy{copy}" / source.name
            shutil.copytree(source, target)
            targets.append(target)
    return targets


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Read from ``VmHWM`` in /proc (reset by exec), not ``ru_maxrss``, which a
    child inherits from the parent that forked it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _settings(store: Path):  # noqa: ANN202
    from rag.settings import load_settings

    os.environ["RAG_STORE__PATH"] = str(store)
    return load_settings()


def child_ingest(paths: list[str], store: Path) -> None:
    """Run one ingest in this (fresh) process; print its report and peak RSS as JSON."""
    from ingest import ingest_paths

    started = time.perf_counter()
    report = ingest_paths(paths, _settings(store))
    print(json.dumps({
        "chunks": report.chunks_written,
        "files": len(report.entries),
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }))


def memory_run(paths: list[Path], store: Path) -> dict:
    """Ingest ``paths`` in a fresh process and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, paths), "--store", str(store)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--pdfs", type=Path, default=PDFS)
    parser.add_argument("--limit", type=int, default=None, help="Abstracts (default: all).")
    parser.add_argument("--memory-subset", type=int, default=1000,
                        help="Abstracts in the x1 / x4 memory runs (0: skip them; -1: the "
                             "whole corpus, PDFs included, where x1 is the first ingest above).")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    from rag.models import ensure_offline

    ensure_offline()
    if args.child is not None:
        child_ingest(args.child, args.store)
        return

    from ingest import ingest_paths
    from rag.index import open_index
    from rag.models import make_embeddings

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        corpus_dir = work / "scifact"
        n_files = write_corpus(args.corpus, corpus_dir, args.limit)
        sources = [corpus_dir, args.pdfs]
        settings = _settings(work / "store")
        embeddings = make_embeddings(settings)
        index = open_index(settings, embeddings=embeddings)

        started = time.perf_counter()
        first = ingest_paths(sources, settings, index=index)
        first_s = time.perf_counter() - started
        ingest_rate = first.chunks_written / first_s
        ingest_peak = peak_rss_mb()

        texts = [chunk.text for chunk in index.fetch()]
        model = embeddings.model  # the SentenceTransformer itself (rag.embeddings)
        started = time.perf_counter()
        model.encode(texts, batch_size=settings.embedding.batch_size,
                     normalize_embeddings=True, show_progress_bar=False)
        encode_s = time.perf_counter() - started
        encode_rate = len(texts) / encode_s

        started = time.perf_counter()
        again = ingest_paths(sources, settings, index=index)
        again_s = time.perf_counter() - started
        main_peak = peak_rss_mb()
        index.close()

        memory: dict = {}
        if args.memory_subset == -1:
            memory["x1"] = {"chunks": first.chunks_written, "files": len(first.entries),
                            "seconds": round(first_s, 1), "peak_rss_mb": round(ingest_peak, 1)}
            memory["x4"] = memory_run(copy_sources(sources, work / "x4", copies=4), work / "mem4")
            memory["growth"] = round(memory["x4"]["peak_rss_mb"] / memory["x1"]["peak_rss_mb"], 3)
        elif args.memory_subset:
            subset = work / "subset"
            write_corpus(args.corpus, subset, args.memory_subset, copies=4)
            memory["x1"] = memory_run([subset / "copy0"], work / "mem1")
            memory["x4"] = memory_run([subset / f"copy{i}" for i in range(4)], work / "mem4")
            memory["growth"] = round(memory["x4"]["peak_rss_mb"] / memory["x1"]["peak_rss_mb"], 3)

        result = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
            "corpus": {"abstracts": n_files, "pdf_folder": str(args.pdfs),
                       "files": len(first.entries), "chunks": first.chunks_written,
                       "failed_or_skipped": len(first.by_status("skipped", "failed"))},
            "first_ingest": {"seconds": round(first_s, 1), "chunks_per_s": round(ingest_rate, 2)},
            "raw_encode": {"chunks": len(texts), "seconds": round(encode_s, 1),
                           "chunks_per_s": round(encode_rate, 2)},
            "ingest_vs_encode": round(ingest_rate / encode_rate, 3),
            "reingest": {"seconds": round(again_s, 2), "chunks_embedded": again.chunks_written,
                         "unchanged_files": again.counts["unchanged"],
                         "speedup": round(first_s / again_s, 1)},
            "peak_rss_mb_after_first_ingest": round(ingest_peak, 1),
            "peak_rss_mb_main": round(main_peak, 1),
            "memory": memory,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))


def markdown(r: dict) -> str:
    """Render the result as the Markdown table used in docs/benchmarks.md."""
    mem = r["memory"]
    rows = [
        ("Corpus", f"{r['corpus']['abstracts']} abstracts + PDFs: {r['corpus']['files']} files, "
                   f"{r['corpus']['chunks']} chunks", ""),
        ("First ingest", f"{r['first_ingest']['chunks_per_s']} chunks/s "
                         f"({r['first_ingest']['seconds']} s)", ""),
        ("Raw encode, same chunks", f"{r['raw_encode']['chunks_per_s']} chunks/s "
                                    f"({r['raw_encode']['seconds']} s)", ""),
        ("Ingest / raw encode", f"{r['ingest_vs_encode']}", ">= 0.9"),
        ("Re-ingest unchanged", f"{r['reingest']['seconds']} s, "
                                f"{r['reingest']['chunks_embedded']} chunks embedded", "0 embedded"),
        ("Re-ingest speed-up", f"{r['reingest']['speedup']}x", ">= 50x"),
        ("Peak RSS after first ingest", f"{r.get('peak_rss_mb_after_first_ingest', '-')} MB",
         "<= 1536 MB"),
        ("Peak RSS, whole run (incl. raw encode)", f"{r['peak_rss_mb_main']} MB", ""),
    ]
    if mem:
        rows.append(("Peak RSS subset x1 / x4",
                     f"{mem['x1']['peak_rss_mb']} / {mem['x4']['peak_rss_mb']} MB "
                     f"({mem['x1']['chunks']} / {mem['x4']['chunks']} chunks)", "not growing"))
    lines = ["| Measure | Result | Target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

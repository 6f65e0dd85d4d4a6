"""Ingest benchmark: throughput vs raw encode, re-ingest speed-up, peak memory.

On the SciFact abstracts (one Markdown file each) plus the sample PDFs:

1. first ingest into an empty index: chunks/s;
2. raw encode (the embedding model's ``embed_documents``) of exactly the
   texts ingest embedded (each chunk's header and text), same batch size, same process, right after:
   chunks/s, and the ratio (target >= 0.9: everything but embedding hidden
   behind embedding);
3. re-ingest of the unchanged corpus: seconds, chunks embedded (target 0),
   speed-up over the first ingest (target >= 50x);
4. peak RSS of a fresh process ingesting a subset once and four times
   (target <= 1.5 GB and not growing with the corpus).

Steps 1-3 run once per ``--backends`` entry (``embedding.backend``), each in
a fresh process with a fresh index, one after the other, so their rates can
be compared as ratios. Writes a JSON result and prints a Markdown table with
a column per backend. Example::

    .venv/bin/python bench/ingest_bench.py --backends torch,onnx-int8 --memory-subset 0
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
    parser.add_argument("--backends", default="torch",
                        help="Embedding backends to compare, comma-separated, each with a "
                             "fresh index (e.g. torch,onnx-int8); memory runs use the first.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    from rag.models import ensure_offline

    ensure_offline()
    if args.child is not None:
        child_ingest(args.child, args.store)
        return
    if args.run is not None:
        print(json.dumps(ingest_run([Path(p) for p in args.run[1:]], args.store, args.run[0])))
        return

    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        corpus_dir = work / "scifact"
        n_files = write_corpus(args.corpus, corpus_dir, args.limit)
        sources = [corpus_dir, args.pdfs]
        runs = {backend: backend_run(sources, work / f"store-{backend}", backend)
                for backend in args.backends.split(",")}
        os.environ["RAG_EMBEDDING__BACKEND"] = next(iter(runs))  # memory runs use the first
        first = next(iter(runs.values()))
        memory: dict = {}
        if args.memory_subset == -1:
            memory["x1"] = {"chunks": first["chunks"], "files": first["files"],
                            "seconds": first["first_ingest"]["seconds"],
                            "peak_rss_mb": first["peak_rss_mb_after_first_ingest"]}
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
                       "files": first["files"], "chunks": first["chunks"],
                       "failed_or_skipped": first["failed_or_skipped"]},
            "backends": runs,
            "memory": memory,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))


def backend_run(sources: list[Path], store: Path, backend: str) -> dict:
    """:func:`ingest_run` in a fresh process, so each backend's peak memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--run", backend, *map(str, sources), "--store", str(store)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def ingest_run(sources: list[Path], store: Path, backend: str) -> dict:
    """First ingest, raw encode of its chunks and re-ingest with one embedding backend."""
    from ingest import ingest_paths
    from rag.index import open_index, searchable_text
    from rag.models import make_embeddings

    os.environ["RAG_EMBEDDING__BACKEND"] = backend
    settings = _settings(store)
    embeddings = make_embeddings(settings)  # an ONNX backend exports here, before timing
    index = open_index(settings, embeddings=embeddings)

    started = time.perf_counter()
    first = ingest_paths(sources, settings, index=index)
    first_s = time.perf_counter() - started
    ingest_rate = first.chunks_written / first_s
    ingest_peak = peak_rss_mb()

    texts = [searchable_text(chunk.text, chunk.metadata) for chunk in index.fetch()]
    started = time.perf_counter()
    embeddings.embed_documents(texts)
    encode_rate = len(texts) / (time.perf_counter() - started)

    started = time.perf_counter()
    again = ingest_paths(sources, settings, index=index)
    again_s = time.perf_counter() - started
    index.close()
    print(f"{backend}: {ingest_rate:.2f} chunks/s ingest, {encode_rate:.2f} raw",
          file=sys.stderr, flush=True)
    return {
        "files": len(first.entries),
        "chunks": first.chunks_written,
        "failed_or_skipped": len(first.by_status("skipped", "failed")),
        "first_ingest": {"seconds": round(first_s, 1), "chunks_per_s": round(ingest_rate, 2)},
        "raw_encode": {"chunks": len(texts), "chunks_per_s": round(encode_rate, 2)},
        "ingest_vs_encode": round(ingest_rate / encode_rate, 3),
        "reingest": {"seconds": round(again_s, 2), "chunks_embedded": again.chunks_written,
                     "unchanged_files": again.counts["unchanged"],
                     "speedup": round(first_s / again_s, 1)},
        "peak_rss_mb_after_first_ingest": round(ingest_peak, 1),
    }


def markdown(r: dict) -> str:
    """Render the result as the Markdown table used in docs/benchmarks.md (a column per backend)."""
    runs = r["backends"]
    names = list(runs)
    base = runs[names[0]]["first_ingest"]["chunks_per_s"]

    def row(label: str, cell, target: str = "") -> str:  # noqa: ANN001
        return f"| {label} | " + " | ".join(cell(runs[n]) for n in names) + f" | {target} |"

    lines = [f"| Measure | {' | '.join(names)} | Target |", "|---" * (len(names) + 2) + "|",
             row("First ingest", lambda x: f"{x['first_ingest']['chunks_per_s']} chunks/s "
                                           f"({x['first_ingest']['seconds']} s)"),
             row(f"First ingest, x {names[0]}",
                 lambda x: f"{x['first_ingest']['chunks_per_s'] / base:.2f}"),
             row("Raw encode, same chunks", lambda x: f"{x['raw_encode']['chunks_per_s']} chunks/s"),
             row("Ingest / raw encode", lambda x: f"{x['ingest_vs_encode']}", ">= 0.9"),
             row("Re-ingest unchanged", lambda x: f"{x['reingest']['seconds']} s, "
                                                  f"{x['reingest']['chunks_embedded']} embedded",
                 "0 embedded"),
             row("Re-ingest speed-up", lambda x: f"{x['reingest']['speedup']}x", ">= 50x"),
             row("Peak RSS after first ingest",
                 lambda x: f"{x['peak_rss_mb_after_first_ingest']} MB", "<= 1536 MB")]
    mem = r["memory"]
    if mem:
        lines.append(f"| Peak RSS x1 / x4 ({names[0]}) | {mem['x1']['peak_rss_mb']} / "
                     f"{mem['x4']['peak_rss_mb']} MB ({mem['x1']['chunks']} / "
                     f"{mem['x4']['chunks']} chunks) |" + " |" * (len(names) - 1)
                     + " not growing |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

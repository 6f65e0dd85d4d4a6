"""Embedded vs server mode, measured in one run.

Starts a Chroma server (``chroma run``) and llama-cpp-python's OpenAI-compatible
server with the bundled SmolLM2 on loopback, then on the same SciFact subset:

1. ingest throughput (chunks/s) into the embedded Chroma and into the server;
2. retrieval latency (hybrid, p50/p95) of the same queries in both modes, and
   whether both modes return the same chunks;
3. answer latency (first token, complete) with the in-process llama.cpp model
   and with the same model behind the OpenAI-compatible server.

Example::

    .venv/bin/python bench/server_bench.py --abstracts 500 --queries 100 --answers 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCIFACT = Path("/work/shared/data/scifact")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def write_abstracts(folder: Path, n: int) -> None:
    """Write the first ``n`` SciFact abstracts as Markdown files."""
    folder.mkdir(parents=True)
    with (SCIFACT / "corpus.jsonl").open(encoding="utf-8") as handle:
        for _, line in zip(range(n), handle, strict=False):
            row = json.loads(line)
            (folder / f"{row['_id']}.md").write_text(f"# {row['title']}\n\n{row['text']}\n")


def read_queries(n: int) -> list[str]:
    """The first ``n`` SciFact queries."""
    with (SCIFACT / "queries.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for _, line in zip(range(n), handle, strict=False)]


def measure(settings, docs: Path, queries: list[str], answers: int, embeddings) -> dict:  # noqa: ANN001
    """Ingest, retrieve and answer in one mode; return the figures."""
    from ingest import ingest_paths
    from rag import build_chain
    from rag.eval.metrics import percentile
    from rag.index import open_index

    index = open_index(settings, embeddings=embeddings)
    try:
        started = time.perf_counter()
        report = ingest_paths([docs], index=index)
        ingest_s = time.perf_counter() - started
        chain = build_chain(settings, index=index)
        retrieved, latencies = [], []
        for query in queries:
            started = time.perf_counter()
            docs_found = chain.retriever.invoke(query)
            latencies.append((time.perf_counter() - started) * 1000)
            retrieved.append([d.metadata["chunk_id"] for d in docs_found])
        first, total = [], []
        for query in queries[:answers]:
            answer = chain.invoke({"question": query})
            if "first_token" in answer.timings:
                first.append(answer.timings["first_token"])
                total.append(answer.timings["total"])
    finally:
        index.close()
    return {
        "chunks": report.chunks_written,
        "ingest_s": round(ingest_s, 1),
        "ingest_chunks_per_s": round(report.chunks_written / ingest_s, 2),
        "retrieve_ms_p50": round(percentile(latencies, 50), 1),
        "retrieve_ms_p95": round(percentile(latencies, 95), 1),
        "answers_generated": len(first),
        "first_token_s_p50": round(statistics.median(first), 2) if first else None,
        "answer_s_p50": round(statistics.median(total), 2) if total else None,
        "retrieved": retrieved,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--abstracts", type=int, default=500)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "server.json")
    args = parser.parse_args()

    from rag.models import ensure_offline, make_embeddings, resolve_llm_path
    from rag.settings import LLMSettings, load_settings
    from tests.servers import chroma_server, llm_server

    ensure_offline()
    work = Path(tempfile.mkdtemp(prefix="server-bench-"))
    docs = work / "docs"
    write_abstracts(docs, args.abstracts)
    queries = read_queries(args.queries)
    os.environ["RAG_STORE__PATH"] = str(work / "embedded")
    local = load_settings()
    embeddings = make_embeddings(local)
    results = {"embedded": measure(local, docs, queries, args.answers, embeddings)}
    with (
        chroma_server(work / "chroma") as chroma,
        llm_server(resolve_llm_path(LLMSettings()), work / "llm.log") as llm,
    ):
        remote = load_settings(
            store={"url": chroma.url, "path": work / "server-client"},
            llm={"provider": "openai", "base_url": llm.url + "/v1", "model": "smollm2"},
        )
        results["server"] = measure(remote, docs, queries, args.answers, embeddings)
        memory = {"chroma_server_peak_mb": peak_rss_mb(chroma.process.pid),
                  "llm_server_peak_mb": peak_rss_mb(llm.process.pid),
                  "this_process_peak_mb": peak_rss_mb(os.getpid())}
    same = sum(a == b for a, b in zip(results["embedded"].pop("retrieved"),
                                      results["server"].pop("retrieved"), strict=True))
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "abstracts": args.abstracts,
        "queries": len(queries),
        "same_chunks_in_both_modes": f"{same}/{len(queries)}",
        "memory": memory,
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))


def markdown(r: dict) -> str:
    """The result as the Markdown table used in docs/benchmarks.md."""
    e, s = r["embedded"], r["server"]
    rows = [
        ("Ingest", f"{e['ingest_chunks_per_s']} chunks/s ({e['chunks']} chunks, {e['ingest_s']} s)",
         f"{s['ingest_chunks_per_s']} chunks/s ({s['chunks']} chunks, {s['ingest_s']} s)"),
        ("Retrieval (hybrid) p50 / p95", f"{e['retrieve_ms_p50']} / {e['retrieve_ms_p95']} ms",
         f"{s['retrieve_ms_p50']} / {s['retrieve_ms_p95']} ms"),
        ("First token p50", f"{e['first_token_s_p50']} s", f"{s['first_token_s_p50']} s"),
        ("Complete answer p50", f"{e['answer_s_p50']} s", f"{s['answer_s_p50']} s"),
    ]
    lines = ["| | Embedded (in-process Chroma + llama.cpp) | Server (Chroma server + "
             "OpenAI-compatible llama.cpp server) |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines.append(f"\nSame retrieved chunks in both modes: {r['same_chunks_in_both_modes']} queries.")
    m = r["memory"]
    lines.append(f"Peak memory: Chroma server {m['chroma_server_peak_mb']} MB, LLM server "
                 f"{m['llm_server_peak_mb']} MB, benchmark process (both modes' clients, "
                 f"embedding model, in-process LLM) {m['this_process_peak_mb']} MB.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Embedding backends compared in one run: raw encode rate, query latency and agreement with torch.

Cuts the first ``--limit`` SciFact abstracts into chunks with the chunker
ingest uses (``# title`` and text, as ``bench/ingest_bench.py`` writes them),
encodes the chunks with each backend of ``embedding.backend``
(``torch``, ``onnx``, ``onnx-int8``; the ONNX files are exported from the
bundled model first, outside the timing), batch 32, and times single-question
embeddings. Speeds are given as ratios to torch measured in the same run, as
the machines are shared; agreement is the cosine between each backend's
vector and torch's for the same text.

Usage::

    .venv/bin/python bench/onnx_bench.py [--dataset ../shared/data/scifact] [--limit 2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.chunking import Chunker  # noqa: E402
from ingest.packing import pack_blocks  # noqa: E402
from ingest.readers.markdown import markdown_blocks  # noqa: E402

QUERIES = 200
"""Single-question embeddings timed per backend."""


def load_chunks(dataset: Path, limit: int, chunker: Chunker) -> list[str]:
    """The chunks ingest makes of the first ``limit`` abstracts of a BEIR corpus."""
    chunks = []
    with (dataset / "corpus.jsonl").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= limit:
                break
            doc = json.loads(line)
            blocks = markdown_blocks(f"# {doc['title']}\n\n{doc['text']}")
            chunks += [chunk.text for chunk in pack_blocks(blocks, chunker)]
    return chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared" / "data" / "scifact")
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()

    from ingest.chunking import make_chunker
    from rag.models import make_embeddings
    from rag.settings import Settings

    results: dict[str, dict[str, float]] = {}
    reference = None
    with tempfile.TemporaryDirectory() as store:
        for backend in ("torch", "onnx", "onnx-int8"):
            settings = Settings(store={"path": store}, embedding={"backend": backend})
            model = make_embeddings(settings)  # exports on first use, not timed
            if reference is None:
                texts = load_chunks(args.dataset, args.limit, make_chunker(settings, model))
                questions = [text.split("\n")[0][:120] for text in texts[:QUERIES]]
                print(f"{len(texts)} chunks of {args.limit} abstracts", file=sys.stderr)
            model.embed_documents(texts[:64])  # warm up
            started = time.perf_counter()
            vectors = np.asarray(model.embed_documents(texts))
            encode_s = time.perf_counter() - started
            latencies = []
            for question in questions:
                started = time.perf_counter()
                model.embed_query(question)
                latencies.append(time.perf_counter() - started)
            if reference is None:
                reference = vectors
            cosines = (vectors * reference).sum(axis=1)
            results[backend] = {"chunks_per_s": len(texts) / encode_s,
                                "query_p50_ms": 1000 * statistics.median(latencies),
                                "cosine_mean": float(cosines.mean()),
                                "cosine_min": float(cosines.min())}
            print(backend, {k: round(v, 4) for k, v in results[backend].items()},
                  file=sys.stderr, flush=True)
    torch_rate = results["torch"]["chunks_per_s"]
    torch_query = results["torch"]["query_p50_ms"]
    print("| Backend | chunks/s | x torch | query p50 ms | x torch | cosine to torch mean / min |")
    print("|---|---|---|---|---|---|")
    for backend, r in results.items():
        print(f"| {backend} | {r['chunks_per_s']:.1f} | {r['chunks_per_s'] / torch_rate:.2f} "
              f"| {r['query_p50_ms']:.1f} | {r['query_p50_ms'] / torch_query:.2f} "
              f"| {r['cosine_mean']:.4f} / {r['cosine_min']:.4f} |")


if __name__ == "__main__":
    main()

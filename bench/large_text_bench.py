"""Large text file benchmark: peak memory of loading and chunking 200 MB vs a small file.

Each measurement runs in a fresh Python process that builds the real chunker
(the bundled model's tokenizer, as ingest does), then loads one file with
:func:`ingest.readers.load_file` and chunks every page with it, dropping the
chunks (no embedding, no index). The process reports its peak RSS
(``ru_maxrss``). Target: the 200 MB file's peak within 100 MB of the small
file's, because text files are streamed in blocks.

``--whole`` adds the behaviour before streaming for comparison: the file
decoded at once and chunked as one page.

Example::

    .venv/bin/python bench/large_text_bench.py              # 200 MB vs 64 KB
    .venv/bin/python bench/large_text_bench.py --size-mb 50 --whole
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MB = 1 << 20
_SENTENCES = (
    "Owl number {n} hunts voles near the old barn at dusk, {m} metres from the river.",
    "The survey of {n} nests found {m} eggs, most of them in the oak wood by the mill.",
    "Bats leave the church tower at {m} minutes past sunset; the count on day {n} was high.",
    "Moth trap {n} held {m} species, among them the rare crimson underwing.",
)


def write_text(path: Path, size: int) -> int:
    """Write about ``size`` bytes of varied English paragraphs; return the bytes written."""
    written, n = 0, 0
    with path.open("w", encoding="utf-8") as handle:
        while written < size:
            batch: list[str] = []
            while written < size and len(batch) < 2000:
                sentences = (
                    s.format(n=n + k, m=(n * 7919 + k) % 1000) for k, s in enumerate(_SENTENCES)
                )
                batch.append(" ".join(sentences) + "\n\n")
                written += len(batch[-1])
                n += 1
            handle.write("".join(batch))
    return written


def measure(path: Path, whole: bool) -> dict[str, float]:
    """Load and chunk ``path`` in this process; return the peak RSS and counts."""
    from ingest import make_chunker
    from ingest.blocks import text_blocks
    from ingest.packing import pack_blocks
    from ingest.readers import Page, load_file
    from ingest.readers.decoding import decode_text
    from rag.models import make_embeddings
    from rag.settings import Settings

    settings = Settings()
    chunker = make_chunker(settings, make_embeddings(settings))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    pages = iter([Page(decode_text(path.read_bytes()))]) if whole else load_file(path).pages
    count_pages = count_chunks = 0
    for page in pages:
        count_pages += 1
        count_chunks += len(pack_blocks(text_blocks(page.text), chunker))
    return {
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_before_load_mb": before,
        "pages": count_pages,
        "chunks": count_chunks,
        "seconds": round(time.perf_counter() - start, 1),
    }


def run_child(path: Path, whole: bool) -> dict[str, float]:
    """Measure in a fresh process (so earlier allocations do not count)."""
    command = [sys.executable, __file__, "--child", str(path)] + (["--whole"] if whole else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200, help="size of the large file")
    parser.add_argument("--small-kb", type=float, default=64, help="size of the small file")
    parser.add_argument("--whole", action="store_true", help="also measure whole-file reading")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.whole)))
        return
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder, "small.txt"), Path(folder, "large.txt")
        small_size = write_text(small, int(args.small_kb * 1024))
        size = write_text(large, int(args.size_mb * MB))
        results = {"small": run_child(small, False), "large": run_child(large, False)}
        if args.whole:
            results["large, read whole"] = run_child(large, True)
    print(f"large file: {size / MB:.0f} MB; small file: {small_size / 1024:.0f} KB")
    print("| run | peak RSS (MB) | pages | chunks | seconds |")
    print("|---|---|---|---|---|")
    for name, result in results.items():
        print(f"| {name} | {result['peak_mb']:.0f} | {result['pages']} | "
              f"{result['chunks']} | {result['seconds']} |")
    difference = results["large"]["peak_mb"] - results["small"]["peak_mb"]
    verdict = "within" if difference <= 100 else "OVER"
    print(f"peak difference, large - small: {difference:.0f} MB ({verdict} the 100 MB target)")
    if args.whole:
        whole = results["large, read whole"]["peak_mb"] - results["small"]["peak_mb"]
        print(f"peak difference, whole-file reading - small: {whole:.0f} MB")


if __name__ == "__main__":
    main()

"""What `make run` costs after installing: ingest docs/, start the app, first answer, memory.

Runs the same steps as ``make run`` (``rag ingest docs`` then ``python app.py``)
as separate processes in a fresh data folder, asks one question with
``rag ask`` (time to its first line of output, its peak memory) and one
through the app's API with gradio_client, and reads the app's peak resident
memory (VmHWM) and whether it loaded torch from /proc. Runs once per
embedding backend (``--backends``), each in its own data folder, so the first
ingest includes the ONNX export. Prints a Markdown table and writes JSON.

Usage: ``.venv/bin/python bench/startup_bench.py [--backends torch,onnx-int8]``
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUESTION = "How do I remove a file from the index?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _uses_torch(pid: int) -> bool:
    """Whether a running process has torch's library mapped (it imported torch)."""
    return "libtorch" in Path(f"/proc/{pid}/maps").read_text()


def _ask(env: dict[str, str]) -> dict[str, float]:
    """``rag ask`` in a fresh process: seconds to its first line of output, its peak RSS."""
    started = time.perf_counter()
    ask = subprocess.Popen([str(BIN / "rag"), "ask", QUESTION], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert ask.stdout is not None
    ask.stdout.readline()
    first = time.perf_counter() - started
    ask.stdout.read()
    _, status, usage = os.wait4(ask.pid, 0)
    if status:
        raise SystemExit("rag ask failed")
    return {"rag_ask_first_output_s": first, "rag_ask_peak_rss_mb": usage.ru_maxrss / 1024}


def run_backend(backend: str) -> dict[str, float]:
    """The ``make run`` steps in a fresh data folder with one embedding backend."""
    from gradio_client import Client

    data = Path(tempfile.mkdtemp(prefix="rag-startup-"))
    port = _free_port()
    env = {**os.environ, "RAG_STORE__PATH": str(data), "RAG_UI__PORT": str(port),
           "RAG_EMBEDDING__BACKEND": backend}
    figures: dict[str, float] = {}

    started = time.perf_counter()
    subprocess.run([str(BIN / "rag"), "ingest", "docs"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    figures["ingest_docs_s"] = time.perf_counter() - started
    figures.update(_ask(env))

    mark = time.perf_counter()
    app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if app.poll() is not None:
                    raise SystemExit("the app exited before serving its page") from None
                time.sleep(0.2)
        figures["app_start_s"] = time.perf_counter() - mark

        client = Client(url, verbose=False)
        mark = time.perf_counter()
        job = client.submit(QUESTION, "documents", [], "hybrid", 4, "grounded_qa", 0.0,
                            api_name="/chat")
        first = None
        for _update in job:
            if first is None:
                first = time.perf_counter() - mark
        final = job.result()
        figures["first_answer_first_update_s"] = first or float("nan")
        figures["first_answer_complete_s"] = time.perf_counter() - mark
        figures["app_peak_rss_mb"] = _peak_rss_mb(app.pid)
        figures["app_imported_torch"] = float(_uses_torch(app.pid))
        chat, sources = final[0], final[2]
        rows = sources.get("data") if isinstance(sources, dict) else sources
        print(f"{backend} answer: {chat[-1]['content'] if chat else None!r}", file=sys.stderr)
        print(f"sources: {[row[1:3] for row in (rows or [])]}", file=sys.stderr)
    finally:
        app.terminate()
        app.wait(timeout=30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="torch,onnx-int8",
                        help="Embedding backends to compare, comma-separated, one after the other.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "startup.json")
    args = parser.parse_args()

    runs = {backend: run_backend(backend) for backend in args.backends.split(",")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(runs, indent=2))
    names = list(runs)
    print(f"| step | {' | '.join(names)} |\n|---" + "|---" * len(names) + "|")
    for key in runs[names[0]]:
        print(f"| {key} | " + " | ".join(f"{runs[n][key]:.2f}" for n in names) + " |")


if __name__ == "__main__":
    main()

"""A bounded load test through the web app's API, on loopback.

Eight chat clients (each its own Gradio session) ask questions and follow-ups
for 60 seconds while uploads are being ingested; it stops by itself. Checks:
no errors, every client's chat holds exactly its own questions, and the
ingest finished. The latency percentiles are printed, and written as JSON to
the file named by ``RAG_LOAD_REPORT`` when that is set::

    RAG_LOAD_REPORT=bench/results/load.json .venv/bin/python -m pytest -s tests/rag/ui/test_load.py
"""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rag.eval.metrics import percentile
from tests.rag.ui.test_live import _client, _table_rows, _texts

pytestmark = pytest.mark.slow

CLIENTS = 8
DURATION_S = 60.0
QUESTIONS = [
    "Who keeps the lighthouse of Quenta?",
    "How many steps does it have?",
    "What is the capital of Zorbia?",
    "What is Tellamar known for?",
]


def _chat_loop(live_app, n: int, deadline: float) -> dict:
    client = _client(live_app)
    asked: list[str] = []
    latencies: list[float] = []
    errors: list[str] = []
    while time.monotonic() < deadline:
        question = f"{QUESTIONS[len(asked) % len(QUESTIONS)]} (client {n})"
        started = time.monotonic()
        job = client.submit(question, "documents", [], "hybrid", 4, "grounded_qa", 0.0,
                            api_name="/chat")
        job.result(timeout=300)
        latencies.append(time.monotonic() - started)
        asked.append(question)
        chat = job.outputs()[-1][0]
        texts = _texts(chat)
        users = [t for m, t in zip(chat, texts, strict=True) if m["role"] == "user"]
        if users != asked:
            errors.append(f"client {n}: history {users} != asked {asked}")
        errors += [f"client {n}: {t}" for m, t in zip(chat, texts, strict=True)
                   if m["role"] == "assistant" and t.startswith("⚠")]
    return {"asked": len(asked), "latencies": latencies, "errors": errors}


def _ingest_loop(live_app, folder: Path, stop: threading.Event) -> dict:
    from gradio_client import handle_file

    client = _client(live_app)
    rounds, rows = 0, []
    while not stop.is_set() and rounds < 3:
        files = []
        for i in range(6):
            path = folder / f"round{rounds}-note{i}.txt"
            path.write_text(f"Note {i} of round {rounds}: the Quenta market opens at "
                            f"{6 + i} o'clock on day {rounds}.", encoding="utf-8")
            files.append(handle_file(str(path)))
        _, report, _, _ = client.predict(files, "documents", api_name="/upload")
        rows += _table_rows(report)
        rounds += 1
    return {"rounds": rounds, "rows": rows}


def test_eight_clients_for_a_minute_while_ingesting(live_app, tmp_path: Path) -> None:
    deadline = time.monotonic() + DURATION_S
    stop = threading.Event()
    with ThreadPoolExecutor(CLIENTS + 1) as pool:
        ingest = pool.submit(_ingest_loop, live_app, tmp_path, stop)
        chats = [pool.submit(_chat_loop, live_app, n, deadline) for n in range(CLIENTS)]
        results = [c.result(timeout=DURATION_S + 600) for c in chats]
        stop.set()
        ingested = ingest.result(timeout=600)

    errors = [e for r in results for e in r["errors"]]
    latencies = sorted(t for r in results for t in r["latencies"])
    figures = {
        "clients": CLIENTS,
        "duration_s": DURATION_S,
        "answers": len(latencies),
        "answers_per_client": [r["asked"] for r in results],
        "latency_s": {q: round(percentile(latencies, q), 2) for q in (50, 90, 95, 99)},
        "latency_max_s": round(latencies[-1], 2),
        "ingest_rounds": ingested["rounds"],
        "files_ingested": sum(row[1] == "added" for row in ingested["rows"]),
        "errors": len(errors),
    }
    print("\nload test:", json.dumps(figures))
    if report := os.environ.get("RAG_LOAD_REPORT"):
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_text(json.dumps(figures, indent=2) + "\n")

    assert errors == []
    assert all(r["asked"] >= 1 for r in results), "every client got at least one answer"
    assert ingested["rounds"] >= 1 and figures["files_ingested"] == 6 * ingested["rounds"]

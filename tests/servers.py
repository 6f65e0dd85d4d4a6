"""Real servers on loopback for the server-mode tests: start, wait, stop.

Used by the ``chroma_server`` and ``llm_server`` fixtures in ``conftest.py``
and by ``bench/server_bench.py``. Each server runs as a child process bound
to 127.0.0.1 on a free port, logs to a file, and is stopped (terminate, then
kill) when the ``with`` block ends, whether the tests passed or not.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Server", "chroma_server", "free_port", "llm_server"]

LOOPBACK = "127.0.0.1"


@dataclass
class Server:
    """A running server: its base URL, its process and its log file."""

    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    """Return a TCP port that is free on loopback right now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _wait_ready(server: Server, probe: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(server.url + probe, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server not ready after {timeout_s} s:\n{server.log.read_text()[-2000:]}")


@contextlib.contextmanager
def _running(command: list[str], url: str, probe: str, log: Path, timeout_s: float,
             env: dict[str, str] | None = None) -> Iterator[Server]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    server = Server(url=url, process=process, log=log)
    try:
        _wait_ready(server, probe, timeout_s)
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chroma_server(data: Path, *, port: int | None = None) -> Iterator[Server]:
    """Run ``chroma run`` on loopback with its data in ``data``.

    Args:
        data: The server's persistence folder.
        port: The port; a free one by default (pass the old one to restart).
    """
    port = port or free_port()
    chroma = Path(sys.executable).with_name("chroma")
    command = [str(chroma), "run", "--path", str(data), "--host", LOOPBACK, "--port", str(port)]
    with _running(command, f"http://{LOOPBACK}:{port}", "/api/v2/heartbeat",
                  data.parent / f"chroma-{port}.log", 60,
                  env={"ANONYMIZED_TELEMETRY": "False"}) as server:
        yield server


@contextlib.contextmanager
def llm_server(model: Path, log: Path, *, alias: str = "smollm2") -> Iterator[Server]:
    """Run llama-cpp-python's OpenAI-compatible server with ``model`` on loopback.

    Args:
        model: The GGUF file.
        log: The server's log file.
        alias: The model name the server answers to.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", alias,
        "--host", LOOPBACK, "--port", str(port),
        "--n_ctx", "2048", "--n_batch", "512", "--n_threads", str(os.cpu_count() or 2),
    ]
    with _running(command, f"http://{LOOPBACK}:{port}", "/v1/models", log, 120) as server:
        yield server

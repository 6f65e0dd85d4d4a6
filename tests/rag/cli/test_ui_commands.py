"""``rag ui`` and ``python app.py`` start the web app from settings (real server processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import free_port

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[3]


@contextmanager
def _serving(args: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the server exited: {proc.stderr.read() if proc.stderr else ''}")
            try:
                urllib.request.urlopen(url + "/", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not start within 90 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _status(url: str, data: bytes | None = None, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers or {})) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_rag_ui_serves_the_chosen_collection_on_the_chosen_port() -> None:
    port = free_port()
    cli = "from rag.cli import main; main()"
    args = ["-c", cli, "ui", "--port", str(port), "--collection", "papers"]
    with _serving(args, port) as url:
        config = urllib.request.urlopen(url + "/config").read().decode()
    assert '"papers"' in config  # the collection picker starts on --collection
    assert '"Document chat"' in config


def test_app_py_asks_for_the_configured_login() -> None:
    port = free_port()
    env = {"RAG_UI__PORT": str(port), "RAG_UI__USERNAME": "ann", "RAG_UI__PASSWORD": "s3cret"}
    with _serving([str(ROOT / "app.py")], port, env) as url:
        assert _status(url + "/config") == 401
        bad = urllib.parse.urlencode({"username": "ann", "password": "nope"}).encode()
        assert _status(url + "/login", bad) == 400
        good = urllib.parse.urlencode({"username": "ann", "password": "s3cret"}).encode()
        assert _status(url + "/login", good) == 200

"""A Hugging Face Hub look-alike on loopback, for the ``rag models pull`` tests.

It answers what huggingface_hub asks when it pulls (point ``HF_ENDPOINT`` or
``endpoint=`` at :attr:`FakeHub.url`):

- ``GET /api/models/OWNER/NAME[/revision/REV]``: the commit and the files with
  their size, git blob id and, for LFS files, ``lfs: {sha256, size}``;
- ``HEAD``/``GET /OWNER/NAME/resolve/REV/FILE``: ``X-Repo-Commit``, ``ETag``
  (the sha256 of LFS files, quoted), ``X-Linked-Etag``, ``X-Linked-Size``,
  ``Content-Length``; ``Range: bytes=N-`` gives a 206 with ``Content-Range``;
- 404s with the ``X-Error-Code`` the Hub sends (``RepoNotFound``, ``EntryNotFound``).

A file can be cut (the first GET sends half of it and closes the connection)
or corrupt (the bytes served differ from the hash listed). Every request is
recorded. The server is a thread, started and stopped by ``with``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

__all__ = ["COMMIT", "FakeHub", "fake_hub", "git_sha1", "sha256"]

COMMIT = "0123456789abcdef0123456789abcdef01234567"
_LFS_SUFFIXES = (".gguf", ".safetensors", ".bin")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class FakeHub:
    """The repositories served, what to do wrong, and what was asked."""

    repos: dict[str, dict[str, bytes]]
    """Repository to its files' names and bytes."""
    url: str = ""
    cut: set[str] = field(default_factory=set)
    """Files whose first GET stops half-way (the connection closes)."""
    corrupt: set[str] = field(default_factory=set)
    """Files served with one byte changed (the listing keeps the true hash)."""
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(method, path, Range header) of every request."""

    def gets(self, filename: str) -> list[str | None]:
        """The Range headers of the GETs of one file (None: the whole file)."""
        return [rng for method, path, rng in self.requests
                if method == "GET" and "/resolve/" in path and path.endswith("/" + filename)]

    @staticmethod
    def is_lfs(name: str) -> bool:
        return name.endswith(_LFS_SUFFIXES)

    def listing(self, repo: str) -> dict:
        siblings = []
        for name, data in self.repos[repo].items():
            sibling = {"rfilename": name, "size": len(data), "blobId": git_sha1(data)}
            if self.is_lfs(name):
                sibling["lfs"] = {"size": len(data), "sha256": sha256(data), "pointerSize": 134}
            siblings.append(sibling)
        return {"id": repo, "sha": COMMIT, "private": False, "siblings": siblings}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: FakeHub

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, *, body: bool) -> None:
        hub = self.hub
        path = unquote(urlsplit(self.path).path)
        hub.requests.append((self.command, path, self.headers.get("Range")))
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "models"] and len(parts) in (4, 6):
            repo = "/".join(parts[2:4])
            if repo not in hub.repos:
                return self._error(404, "RepoNotFound", body)
            return self._send(200, json.dumps(hub.listing(repo)).encode(), body,
                              {"Content-Type": "application/json"})
        if len(parts) >= 5 and parts[2] == "resolve":
            repo, filename = "/".join(parts[:2]), "/".join(parts[4:])
            if repo not in hub.repos:
                return self._error(404, "RepoNotFound", body)
            if filename not in hub.repos[repo]:
                return self._error(404, "EntryNotFound", body)
            return self._file(filename, hub.repos[repo][filename], body)
        return self._error(404, "RepoNotFound", body)

    def _file(self, name: str, data: bytes, body: bool) -> None:
        hub = self.hub
        etag = sha256(data) if hub.is_lfs(name) else git_sha1(data)
        headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{etag}"', "Accept-Ranges": "bytes",
                   "Content-Type": "application/octet-stream"}
        if hub.is_lfs(name):
            headers |= {"X-Linked-Etag": f'"{etag}"', "X-Linked-Size": str(len(data))}
        if name in hub.corrupt:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        status, start = 200, 0
        requested = self.headers.get("Range")
        if body and requested and requested.startswith("bytes="):
            start = int(requested.removeprefix("bytes=").split("-")[0])
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        if body and name in hub.cut and status == 200:
            hub.cut.discard(name)  # only the first GET is cut
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        return self._send(status, data[start:], body, headers)

    def _error(self, status: int, code: str, body: bool) -> None:
        payload = json.dumps({"error": code}).encode()
        self._send(status, payload, body, {"X-Error-Code": code, "X-Repo-Commit": COMMIT,
                                           "Content-Type": "application/json"})

    def _send(self, status: int, payload: bytes, body: bool, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body:
            self.wfile.write(payload)


@contextmanager
def fake_hub(repos: dict[str, dict[str, bytes]], **wrongs: set[str]) -> Iterator[FakeHub]:
    """Serve ``repos`` on 127.0.0.1 (a free port) for the ``with`` block.

    Args:
        repos: Repository to its files' names and bytes.
        **wrongs: ``cut`` and ``corrupt``: sets of file names (see :class:`FakeHub`).
    """
    hub = FakeHub(repos=repos, **wrongs)
    handler = type("Handler", (_Handler,), {"hub": hub})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""The offline guarantee: ingesting and answering open no connection beyond loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(address: object) -> bool:
    if isinstance(address, str):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse (and record) every connection and name lookup that leaves the machine."""
    attempts: list[str] = []

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            attempts.append(f"connect {address!r}")
            raise ConnectionRefusedError(f"network blocked by test: {address!r}")
        return _real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _is_loopback(address):
            attempts.append(f"connect_ex {address!r}")
            return 111
        return _real_connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if not _is_loopback((host,)):
            attempts.append(f"getaddrinfo {host!r}")
            raise socket.gaierror(f"name lookup blocked by test: {host!r}")
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts


def test_the_guard_blocks_and_records_outside_connections(no_network: list[str]) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("huggingface.co", 443), timeout=1)
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("8.8.8.8", 53))
    assert len(no_network) == 2
    no_network.clear()


@pytest.mark.slow
def test_ingest_and_answer_open_no_outside_connection(
    no_network: list[str], tmp_path: Path, settings
) -> None:
    import ingest
    from rag.chain import build_chain
    from rag.index import open_index
    from rag.models import make_embeddings, make_llm

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "lighthouse.md").write_text(
        "# Lighthouse\n\nThe Skarvholm lighthouse was lit for the first time in 1873.\n"
    )
    (docs / "bakery.txt").write_text("The bakery on Elm Street sells rye bread on Mondays.\n")

    # Fresh loads inside the guard: model loading is where hub calls usually hide.
    embeddings = make_embeddings(settings)
    index = open_index(settings, embeddings=embeddings)
    report = ingest.ingest_paths([docs], settings, index=index)
    assert report.ok
    assert index.count() >= 2
    chain = build_chain(settings, llm=make_llm(settings), index=index)
    answer = chain.invoke({"question": "When was the Skarvholm lighthouse first lit?"})
    assert answer.sources and answer.sources[0].file_name == "lighthouse.md"
    assert no_network == [], f"outside connections were attempted: {no_network}"

"""The collection write lock and the records-database claim."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import sqlalchemy

from rag.errors import ConfigError, IndexBusyError
from rag.index.lock import OWNER_KEY, WriteLock, claim_collection


@pytest.fixture
def engine(tmp_path):
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'records.sqlite3'}")
    yield engine
    engine.dispose()


def test_a_second_writer_waits_until_the_first_is_done(engine) -> None:
    first, second = WriteLock(engine, "docs"), WriteLock(engine, "docs")
    order: list[str] = []
    with first.held():
        waiter = threading.Thread(target=lambda: (second.acquire(), order.append("second")))
        waiter.start()
        time.sleep(0.6)
        order.append("first done")
    waiter.join(timeout=10)
    second.release()
    assert order == ["first done", "second"]


def test_other_collections_are_not_blocked(engine) -> None:
    with WriteLock(engine, "docs").held():
        other = WriteLock(engine, "papers")
        assert other.try_acquire()
        other.release()


def test_waiting_too_long_raises_index_busy(engine) -> None:
    with WriteLock(engine, "docs").held():
        with pytest.raises(IndexBusyError, match="busy with another ingest"):
            WriteLock(engine, "docs", poll_s=0.05).acquire(timeout_s=0.3)


def _plant(engine, owner: str, expires_at: float) -> None:
    WriteLock(engine, "docs")  # creates the table
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(
            "INSERT INTO rag_write_lock (collection, owner, expires_at) VALUES ('docs', :o, :e)"
        ), {"o": owner, "e": expires_at})


def test_a_lease_of_a_killed_process_on_this_machine_is_taken_over(engine) -> None:
    dead_pid = 2**22 + 12345  # above Linux's pid_max default: never a live process
    _plant(engine, f"{socket.gethostname()}:{dead_pid}:abcd", time.time() + 3600)
    lock = WriteLock(engine, "docs", poll_s=0.05)
    lock.acquire(timeout_s=2)
    lock.release()


def test_a_live_lease_of_another_machine_is_respected_until_it_expires(engine) -> None:
    _plant(engine, "other-host:1:abcd", time.time() + 0.5)
    lock = WriteLock(engine, "docs", poll_s=0.05)
    assert not lock.try_acquire()
    lock.acquire(timeout_s=5)  # the lease expires and is taken over
    lock.release()


def test_a_collection_kept_by_other_records_is_refused(engine, tmp_path) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("docs", embedding_function=None,
                                                 metadata={"rag:keep": 1})
    claim_collection(engine, client, "docs")
    stored = client.get_collection("docs", embedding_function=None).metadata
    owner = stored[OWNER_KEY]
    assert stored["rag:keep"] == 1, "other metadata is kept"
    claim_collection(engine, client, "docs")  # the same records again: fine
    collection.add(ids=["a"], embeddings=[[0.1, 0.2]], documents=["x"])

    other = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        with pytest.raises(ConfigError, match="record_manager_url"):
            claim_collection(other, client, "docs")  # even through a stale object
    finally:
        other.dispose()
    assert client.get_collection("docs", embedding_function=None).metadata[OWNER_KEY] == owner

"""One writer per collection: a lease lock kept in the ingest-records database.

Ingest repairs and writes a collection in steps that assume nobody else is
writing it at the same time (see :meth:`rag.index.Index.reconcile`). Two ingests
of the same collection, from two processes or two machines that share a
Chroma server and a record-manager database, therefore take turns: the second
waits until the first is done. The lock lives in that shared database, so it
holds across machines; a lease that its holder stopped renewing (the process
was killed) expires and is taken over.

Example:
    >>> import sqlalchemy
    >>> engine = sqlalchemy.create_engine("sqlite://")
    >>> with WriteLock(engine, "docs").held():
    ...     WriteLock(engine, "docs").try_acquire()
    False
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlalchemy as sa

from rag.errors import ConfigError, IndexBusyError
from rag.index.manifest import fresh_collection, merge_metadata

if TYPE_CHECKING:
    import chromadb

__all__ = ["OWNER_KEY", "WriteLock", "claim_collection", "create_once"]

logger = logging.getLogger(__name__)

_TABLE = "rag_write_lock"


class WriteLock:
    """A lease on one collection, renewed in the background while held.

    Args:
        engine: The SQLAlchemy engine of the ingest records.
        collection: The collection to lock.
        lease_s: How long a lease lasts without renewal.
        poll_s: How often a waiting writer tries again.
    """

    def __init__(
        self,
        engine: sa.Engine,
        collection: str,
        *,
        lease_s: float = 30.0,
        poll_s: float = 0.25,
    ) -> None:
        self.engine = engine
        self.collection = collection
        self.lease_s = lease_s
        self.poll_s = poll_s
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._table = sa.Table(
            _TABLE,
            sa.MetaData(),
            sa.Column("collection", sa.String(255), primary_key=True),
            sa.Column("owner", sa.String(255), nullable=False),
            sa.Column("expires_at", sa.Float, nullable=False),
        )
        create_once(lambda: self._table.create(engine, checkfirst=True))
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def try_acquire(self) -> bool:
        """Take the lease if it is free or expired; return whether we hold it."""
        table, now = self._table, time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    table.delete().where(
                        table.c.collection == self.collection, table.c.expires_at < now
                    )
                )
                conn.execute(
                    table.insert().values(
                        collection=self.collection, owner=self.owner, expires_at=now + self.lease_s
                    )
                )
        except sa.exc.IntegrityError:
            self._take_over_from_dead_holder()
            return False
        except sa.exc.OperationalError as exc:  # SQLite "database is locked": try again later
            logger.debug("write lock busy: %s", exc)
            return False
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew, name="rag-write-lock", daemon=True)
        self._renewer.start()
        return True

    def acquire(self, timeout_s: float | None = None) -> None:
        """Wait until the lease is ours.

        Args:
            timeout_s: Give up after this many seconds; None waits for ever.

        Raises:
            IndexBusyError: When the wait timed out.
        """
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        told = False
        while not self.try_acquire():
            if not told:
                logger.warning("collection %s is being written by another ingest: waiting",
                               self.collection)
                told = True
            if deadline is not None and time.monotonic() > deadline:
                raise IndexBusyError(
                    f"collection {self.collection!r} stayed busy with another ingest "
                    f"for {timeout_s:.0f} s; try again when it has finished"
                )
            time.sleep(self.poll_s)

    def release(self) -> None:
        """Give the lease back (a no-op when we do not hold it)."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
            self._renewer = None
        table = self._table
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        table.delete().where(
                            table.c.collection == self.collection, table.c.owner == self.owner
                        )
                    )
                return
            except sa.exc.OperationalError as exc:  # busy database: try again
                logger.debug("could not release the write lock (attempt %d): %s", attempt, exc)
                time.sleep(self.poll_s)
        logger.warning("could not release the write lock of %s; it expires in %.0f s",
                       self.collection, self.lease_s)

    @contextmanager
    def held(self, timeout_s: float | None = None) -> Iterator[None]:
        """Hold the lease for the duration of a ``with`` block."""
        self.acquire(timeout_s)
        try:
            yield
        finally:
            self.release()

    def _take_over_from_dead_holder(self) -> None:
        """Drop a lease whose holder ran on this machine and no longer exists.

        A killed ingest would otherwise block the next one until its lease
        expires; a holder on another machine is left to its lease.
        """
        table = self._table
        try:
            with self.engine.begin() as conn:
                holder = conn.execute(
                    sa.select(table.c.owner).where(table.c.collection == self.collection)
                ).scalar()
                if holder is None or _alive(holder):
                    return
                conn.execute(table.delete().where(table.c.collection == self.collection,
                                                  table.c.owner == holder))
            logger.warning("took over the write lock of %s from a stopped ingest (%s)",
                           self.collection, holder)
        except sa.exc.OperationalError as exc:
            logger.debug("could not check the write lock's holder: %s", exc)

    def _renew(self) -> None:
        table = self._table
        while not self._stop.wait(self.lease_s / 3):
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        table.update()
                        .where(table.c.collection == self.collection, table.c.owner == self.owner)
                        .values(expires_at=time.time() + self.lease_s)
                    )
            except sa.exc.OperationalError as exc:  # busy database: the next round retries
                logger.debug("could not renew the write lock: %s", exc)


def create_once(create: Callable[[], object]) -> None:
    """Create tables, tolerating another process that creates them at the same moment.

    ``checkfirst`` looks, then creates: two processes that open a fresh shared
    database together can both look, and the slower one's CREATE fails.
    """
    try:
        create()
    except sa.exc.OperationalError as exc:
        if "already exists" not in str(exc):
            raise
        create()  # the other process made them: this finds them and does nothing


def _alive(holder: str) -> bool:
    """Tell whether a lock holder (``host:pid:nonce``) may still be running."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine: trust its lease
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


OWNER_KEY = "rag:records"
_IDENTITY = "rag_records_identity"


def claim_collection(engine: sa.Engine, client: chromadb.ClientAPI, name: str) -> None:
    """Check that these ingest records are the ones that keep ``collection``.

    Each record-manager database has a random identity, written into the
    collection's metadata by the first ingest. Another database (a second
    machine with its own SQLite records, pointed at the same Chroma server)
    would see the first one's chunks as strays and delete them, so it is
    refused with a message that says what to configure.

    Args:
        engine: The SQLAlchemy engine of the ingest records.
        client: The Chroma client.
        name: The collection about to be written.

    Raises:
        ConfigError: When the collection has chunks kept by other records.
    """
    table = sa.Table(_IDENTITY, sa.MetaData(), sa.Column("identity", sa.String(64), primary_key=True))
    create_once(lambda: table.create(engine, checkfirst=True))
    with engine.begin() as conn:
        identity = conn.execute(sa.select(table.c.identity)).scalar()
        if identity is None:
            identity = uuid.uuid4().hex
            conn.execute(table.insert().values(identity=identity))
    collection = fresh_collection(client, name)
    owner = (collection.metadata or {}).get(OWNER_KEY)
    if owner == identity:
        return
    if owner is not None and collection.count() > 0:
        raise ConfigError(
            f"collection {name!r} is kept by another ingest-records database; "
            f"point store.record_manager_url (RAG_STORE__RECORD_MANAGER_URL) at the database "
            f"shared by every machine that ingests into it, or re-index it "
            f"(rag ingest --reindex PATH)"
        )
    merge_metadata(client, name, {OWNER_KEY: identity})

"""The file ledger: what each ingested file looked like when it was indexed.

Ingest uses it to skip unchanged files without reading them (size and
modification time, then content hash), ``rag sources`` lists it, and the UI
offers its files as a scope filter. It lives in the same database as the
record manager, so a shared deployment shares it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from rag.index.lock import create_once

__all__ = ["FileLedger", "FileRecord"]

_metadata = sa.MetaData()
_files = sa.Table(
    "rag_files",
    _metadata,
    sa.Column("collection", sa.String(128), primary_key=True),
    sa.Column("source", sa.String(4096), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("mtime_ns", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("chunks", sa.Integer, nullable=False),
    sa.Column("empty_pages", sa.Integer, nullable=False),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ocr_pages", sa.Text, nullable=False, server_default=""),
)
_ADDED_COLUMNS = ("ocr_pages",)
"""Columns later versions added: a table made before them gets them on open."""


@dataclass(frozen=True)
class FileRecord:
    """One indexed file as the ledger knows it."""

    source: str
    size: int
    mtime_ns: int
    sha256: str
    pages: int
    chunks: int
    empty_pages: int
    ingested_at: dt.datetime
    ocr_pages: tuple[int, ...] = ()
    """The pages whose text OCR read."""


class FileLedger:
    """Per-collection table of indexed files.

    Args:
        engine: A SQLAlchemy engine (the record manager's).
        collection: The collection the files belong to.
    """

    def __init__(self, engine: sa.Engine, collection: str) -> None:
        self.engine = engine
        self.collection = collection
        create_once(lambda: _metadata.create_all(engine))
        _add_missing_columns(engine)

    def get(self, source: str) -> FileRecord | None:
        """Return the record of ``source``, or None when it is not indexed."""
        query = sa.select(_files).where(
            _files.c.collection == self.collection, _files.c.source == source
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _to_record(row) if row else None

    def all(self) -> list[FileRecord]:
        """Return every indexed file of the collection, sorted by source."""
        query = (
            sa.select(_files)
            .where(_files.c.collection == self.collection)
            .order_by(_files.c.source)
        )
        with self.engine.connect() as conn:
            return [_to_record(row) for row in conn.execute(query).mappings()]

    def put(self, *records: FileRecord) -> None:
        """Insert or replace the records of their sources, in one transaction."""
        latest = {record.source: record for record in records}  # the last one wins
        if not latest:
            return
        with self.engine.begin() as conn:
            conn.execute(
                sa.delete(_files).where(
                    _files.c.collection == self.collection, _files.c.source.in_(list(latest))
                )
            )
            conn.execute(
                sa.insert(_files),
                [{"collection": self.collection, **_to_row(record)} for record in latest.values()],
            )

    def remove(self, sources: Iterable[str]) -> None:
        """Forget the records of ``sources``."""
        sources = list(sources)
        if not sources:
            return
        with self.engine.begin() as conn:
            conn.execute(
                sa.delete(_files).where(
                    _files.c.collection == self.collection,
                    _files.c.source.in_(sources),
                )
            )


def _add_missing_columns(engine: sa.Engine) -> None:
    """Add the columns of :data:`_ADDED_COLUMNS` a table made by an older version lacks."""
    have = {column["name"] for column in sa.inspect(engine).get_columns(_files.name)}
    for name in _ADDED_COLUMNS:
        if name in have:
            continue
        column = _files.c[name]
        kind = column.type.compile(dialect=engine.dialect)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(
                    f"ALTER TABLE {_files.name} ADD COLUMN {name} {kind} NOT NULL DEFAULT ''"
                ))
        except sa.exc.DBAPIError:  # another process added it a moment ago
            if name not in {c["name"] for c in sa.inspect(engine).get_columns(_files.name)}:
                raise


def _to_row(record: FileRecord) -> dict[str, object]:
    return {**record.__dict__, "ocr_pages": ",".join(map(str, record.ocr_pages))}


def _to_record(row: sa.RowMapping) -> FileRecord:
    values = {k: v for k, v in row.items() if k != "collection"}
    values["ocr_pages"] = tuple(int(n) for n in (values.get("ocr_pages") or "").split(",") if n)
    stamp = values["ingested_at"]
    if stamp.tzinfo is None:  # SQLite drops the zone; we always store UTC.
        values["ingested_at"] = stamp.replace(tzinfo=dt.timezone.utc)
    return FileRecord(**values)

"""The file ledger: records round-trip, and a table an older version made gains new columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from rag.index.ledger import FileLedger, FileRecord

NOW = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc)


def test_ocr_pages_round_trip(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'records.db'}")
    ledger = FileLedger(engine, "docs")
    scan = FileRecord("/d/scan.pdf", 10, 1, "a" * 64, 5, 7, 0, NOW, ocr_pages=(2, 3, 5))
    typed = FileRecord("/d/typed.pdf", 10, 1, "b" * 64, 1, 1, 0, NOW)
    ledger.put(scan, typed)
    assert ledger.all() == [scan, typed]
    assert ledger.get("/d/scan.pdf").ocr_pages == (2, 3, 5)


def test_a_table_made_before_ocr_gains_the_column_and_keeps_its_rows(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'records.db'}")
    with engine.begin() as conn:  # the table as the version before OCR made it
        conn.execute(sa.text(
            "CREATE TABLE rag_files (collection VARCHAR(128) NOT NULL, "
            "source VARCHAR(4096) NOT NULL, size BIGINT NOT NULL, mtime_ns BIGINT NOT NULL, "
            "sha256 VARCHAR(64) NOT NULL, pages INTEGER NOT NULL, chunks INTEGER NOT NULL, "
            "empty_pages INTEGER NOT NULL, ingested_at DATETIME NOT NULL, "
            "PRIMARY KEY (collection, source))"
        ))
        conn.execute(sa.text(
            "INSERT INTO rag_files VALUES ('docs', '/d/old.pdf', 10, 1, :sha, 2, 3, 0, "
            "'2026-01-02 03:04:00')"
        ), {"sha": "c" * 64})

    ledger = FileLedger(engine, "docs")
    FileLedger(engine, "docs")  # opening again finds the column and adds nothing
    (old,) = ledger.all()
    assert (old.source, old.chunks, old.ocr_pages) == ("/d/old.pdf", 3, ())
    ledger.put(FileRecord("/d/new.pdf", 1, 1, "d" * 64, 1, 1, 0, NOW, ocr_pages=(1,)))
    assert {r.source: r.ocr_pages for r in ledger.all()} == {"/d/old.pdf": (), "/d/new.pdf": (1,)}

"""Ingest: files and documents into the index, incrementally and safely.

Nothing happens at import time; heavy libraries load on first use.

What lives here: the entry points (:mod:`~ingest.api`: :func:`ingest_paths`,
:func:`ingest_documents`, :func:`forget`); finding files (:mod:`~ingest.discover`);
the readers of each format (:mod:`ingest.readers`); chunking and chunk headers
(:mod:`~ingest.chunking`, :mod:`~ingest.headers`); the three-stage pipeline
that reads, embeds and writes (:mod:`~ingest.jobs`, :mod:`~ingest.items`,
:mod:`~ingest.pipeline`); a mail's attachments as sources of their own
(:mod:`~ingest.attached`);
rebuilding old collections (:mod:`~ingest.rebuild`); the report
(:mod:`~ingest.report`, :mod:`~ingest.pagestats`).

May import: :mod:`rag.settings`, :mod:`rag.models`, :mod:`rag.index`,
:mod:`rag.errors`, :mod:`rag.text`, :mod:`rag.hashing`; never the query path
(retrieval, the answer path, the chain) or the faces. Writes go through the index.

Example:
    >>> from ingest import ingest_paths
    >>> report = ingest_paths(["docs/"])            # doctest: +SKIP
    >>> report.summary()                            # doctest: +SKIP
    '3 added; 42 chunks written, 0 deleted in 2.1 s'
"""

from __future__ import annotations

from ingest.api import forget, ingest_documents, ingest_paths
from ingest.chunking import Chunker, make_chunker
from ingest.readers import SkipFile, file_type, load_file
from ingest.report import (
    STATUSES,
    FileEntry,
    IngestReport,
    ProgressCallback,
    ProgressUpdate,
    Status,
)

__all__ = [
    "STATUSES",
    "Chunker",
    "FileEntry",
    "IngestReport",
    "ProgressCallback",
    "ProgressUpdate",
    "SkipFile",
    "Status",
    "file_type",
    "forget",
    "ingest_documents",
    "ingest_paths",
    "load_file",
    "make_chunker",
]

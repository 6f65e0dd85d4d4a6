"""Ingest: files and documents into the index, incrementally and safely.

Nothing happens at import time; heavy libraries load on first use.

Example:
    >>> from ingest import ingest_paths
    >>> report = ingest_paths(["docs/"])            # doctest: +SKIP
    >>> report.summary()                            # doctest: +SKIP
    '3 added; 42 chunks written, 0 deleted in 2.1 s'
"""

from __future__ import annotations

from ingest.api import forget, ingest_documents, ingest_paths
from ingest.chunking import Chunker, make_chunker
from ingest.loaders import SkipFile, file_type, load_file
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

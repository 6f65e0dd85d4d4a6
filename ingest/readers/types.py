"""What every reader returns: a file's pages, lazily; and the exception for a file to skip.

The readers' shared types, in a module that imports no reader (so a reader
and the dispatch in :mod:`ingest.readers` never import each other).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rag.errors import IngestError

__all__ = ["LoadedFile", "Page", "SkipFile"]


class SkipFile(IngestError):
    """The file is readable but will not be ingested; the message says why."""


@dataclass(frozen=True)
class Page:
    """Text of one page (paged formats) or of the whole document."""

    text: str
    number: int | None = None
    """1-based page number for paged formats, else None."""
    label: str | None = None
    """The page label printed on the page (PDF), else None."""
    engine: str = ""
    """What read the page: a PDF engine (``pypdf``, ``pdfium``) or ``ocr``; empty for
    other formats."""
    images: bool = False
    """The page has no text but draws images (a scan, most likely); PDF only."""
    error: str = ""
    """Why no engine could read the page (its text is then empty); empty when read."""
    offset: int = 0
    """Characters of the document before this page's text (blocks of a long text file)."""
    garbled: bool = False
    """The page's text layer was dropped: its fonts map the text to control characters
    (see :func:`ingest.readers.pdf.text_layer_garbled`); PDF only."""


@dataclass
class LoadedFile:
    """A file ready for chunking."""

    file_type: str
    """The loader kind: pdf, image, text, markdown, rst, html or docx."""
    pages: Iterator[Page]
    title: str | None = None

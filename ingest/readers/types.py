"""What every reader returns: a file's pages, lazily; and the exception for a file to skip.

The readers' shared types, in a module that imports no reader (so a reader
and the dispatch in :mod:`ingest.readers` never import each other).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from rag.errors import IngestError

__all__ = ["ATTACHMENTS_PER_FILE", "ATTACHMENT_MAX_BYTES", "BLOCK_KINDS", "Attachment", "Block",
           "BlockKind", "LoadedFile", "Page", "Segment", "SkipFile", "attachment_name",
           "blocks_text"]

BlockKind = Literal["heading", "paragraph", "item", "table", "caption", "code", "field",
                    "furniture"]
BLOCK_KINDS: tuple[BlockKind, ...] = ("heading", "paragraph", "item", "table", "caption",
                                      "code", "field", "furniture")


@dataclass(frozen=True)
class Block:
    """One typed piece of a page, as its format says or as its layout shows.

    ``heading`` (with its ``level``), ``paragraph``, ``item`` (a list item; the
    items of one list share a ``group``), ``table`` (``heads``: the column
    heads, ``rows``: the body rows' cells), ``caption``, ``code``, ``field`` (a
    "key: value" line of a form) and ``furniture`` (running headers and
    footers, page numbers, navigation: kept out of the chunks).

    Example:
        >>> Block("table", heads=("Plan", "Price"), rows=(("Basic", "$9"),)).kind
        'table'
    """

    kind: BlockKind
    text: str = ""
    """The block's text, clean (one line for a heading, an item or a field)."""
    level: int = 0
    """A heading's level (1 is the top); 0 for other blocks."""
    group: int = 0
    """Items of one list share a group number (distinct lists, distinct numbers)."""
    heads: tuple[str, ...] = ()
    """A table's column heads (empty when it has none)."""
    rows: tuple[tuple[str, ...], ...] = ()
    """A table's body rows, one tuple of cells each."""

    @property
    def plain_text(self) -> str:
        """The block as plain text: a table's head row and rows one per line, cells
        joined by `` | ``; other blocks' text.

        Example:
            >>> Block("table", heads=("Plan", "Price"), rows=(("Basic", "$9"),)).plain_text
            'Plan | Price\\nBasic | $9'
        """
        if self.kind != "table":
            return self.text
        lines = [self.heads] if any(self.heads) else []
        return "\n".join(" | ".join(cells) for cells in [*lines, *self.rows])


def blocks_text(blocks: Iterable[Block]) -> str:
    """The plain text of blocks, a blank line between them (a page's text for the report)."""
    return "\n\n".join(block.plain_text for block in blocks if block.kind != "furniture")


ATTACHMENT_MAX_BYTES = 50 << 20
"""Largest attachment read (decoded); a larger one is reported as skipped."""
ATTACHMENTS_PER_FILE = 200
"""Most attachments read from one file (an EML, MBOX or MSG); the rest are left out."""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message, of a type the readers know (by its name).

    ``name`` is a bare file name (no folder), unique within its mail; in an
    MBOX it starts with its message (``"msg 12 > report.pdf"``). ``skipped``
    says why its bytes were left out (too large); ``data`` is then empty.
    """

    name: str
    data: bytes = b""
    skipped: str = ""


def attachment_name(raw: str, taken: set[str]) -> str:
    """An attachment's name made safe as the end of a source id: its folder dropped,
    control characters and runs of spaces squeezed, unique among ``taken`` (which
    it joins): a second ``report.pdf`` is ``report (2).pdf``.

    Example:
        >>> taken = set()
        >>> attachment_name("scans/report.pdf", taken), attachment_name("report.pdf", taken)
        ('report.pdf', 'report (2).pdf')
    """
    name = raw.replace("\\", "/").rpartition("/")[2]
    name = " ".join("".join(c if c.isprintable() else " " for c in name).split()) or "attachment"
    stem, dot, suffix = name.rpartition(".")
    stem, dot = (stem, dot) if stem else (name, "")
    suffix = suffix if dot else ""
    unique, n = name, 1
    while unique.lower() in taken:
        n += 1
        unique = f"{stem} ({n}){dot}{suffix}"
    taken.add(unique.lower())
    return unique


class SkipFile(IngestError):
    """The file is readable but will not be ingested; the message says why."""


@dataclass(frozen=True)
class Segment:
    """A run of text on a page with its box (points; ``top`` < ``bottom``, from the top)."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


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
    words: tuple[Segment, ...] = ()
    """The page's runs of text with their boxes, when its text shows rows of figures
    (PDF): :func:`ingest.blocks.layout.page_blocks` reads its tables from them."""
    blocks: tuple[Block, ...] | None = None
    """The page's typed blocks, when its format says them (Markdown, HTML, DOCX);
    None: they are found from :attr:`text` (see :func:`ingest.blocks.text_blocks`)."""


@dataclass
class LoadedFile:
    """A file ready for chunking."""

    file_type: str
    """The loader kind: pdf, image, text, markdown, rst, html, docx, pptx, xlsx, ods, csv
    (or tsv), epub, ipynb, eml, mbox or msg."""
    pages: Iterator[Page]
    title: str | None = None
    attachments: Iterator[Attachment] = field(default_factory=lambda: iter(()))
    """A message's attachments of supported types (EML, MBOX, MSG), one at a time, read
    when taken (after the pages: an MBOX is walked again); empty for other formats."""

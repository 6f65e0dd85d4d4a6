"""File loaders: PDF (one page each), images (OCR), text, Markdown, reStructuredText,
HTML, DOCX.

Each loader returns a :class:`LoadedFile` whose pages are produced lazily, so
a 1,000-page PDF is never held in memory at once. Loaders raise
:class:`SkipFile` for files that are fine but not ingestible (encrypted,
unsupported type) and :class:`rag.errors.IngestError` for broken files.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.text import BinaryContentError, decode_text, iter_text
from rag.errors import IngestError

if TYPE_CHECKING:
    from ingest.ocr import OcrEngine

__all__ = [
    "LOADERS",
    "LoadedFile",
    "Page",
    "SkipFile",
    "file_type",
    "load_file",
]

logger = logging.getLogger(__name__)


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
    (see :func:`ingest.pdf.text_layer_garbled`); PDF only."""


@dataclass
class LoadedFile:
    """A file ready for chunking."""

    file_type: str
    """The loader kind: pdf, image, text, markdown, rst, html or docx."""
    pages: Iterator[Page]
    title: str | None = None


_SUFFIXES = {
    ".pdf": "pdf",
    ".txt": "text",
    ".text": "text",
    ".log": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "rst",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}


def file_type(path: Path) -> str | None:
    """Return the loader kind for a file name, or None when unsupported.

    Example:
        >>> file_type(Path("Report.PDF")), file_type(Path("x.exe"))
        ('pdf', None)
    """
    return _SUFFIXES.get(path.suffix.lower())


def load_file(
    path: Path, *, password: str | None = None, ocr: OcrEngine | None = None
) -> LoadedFile:
    """Open a file with the loader its name asks for; the content must agree.

    Args:
        path: The file.
        password: Tried on encrypted PDFs after the empty password.
        ocr: Reads image files and PDF pages without a text layer; None
            skips image files and leaves scanned pages empty.

    Returns:
        The loaded file with lazy pages.

    Raises:
        SkipFile: Unsupported type, an empty (0-byte) file, encrypted without
            the right password, binary content behind a text name, an image
            with OCR off.
        IngestError: The file is broken or cannot be read.
    """
    kind = file_type(path)
    if kind is None:
        suffix = path.suffix or "(no extension)"
        raise SkipFile(f"unsupported file type {suffix}")
    try:
        if path.stat().st_size == 0:
            raise SkipFile("empty file")
        if kind == "pdf":
            from ingest.pdf import load_pdf  # ingest.pdf builds on this module's types

            return load_pdf(path, password, ocr=ocr)
        if kind == "image":
            from ingest.images import load_image  # ingest.images builds on this module's types

            return load_image(path, ocr=ocr)
        return LOADERS[kind](path)
    except BinaryContentError as exc:
        raise SkipFile(str(exc)) from exc
    except PermissionError as exc:
        raise IngestError(f"permission denied: {exc.filename or path}") from exc
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc


MAX_HTML_BYTES = 32 << 20
"""Largest HTML file read: the parser holds the whole document tree (several times its size)."""


def _read_text(path: Path) -> str:
    """The whole text of a file whose format needs all of it at once (HTML)."""
    return decode_text(path.read_bytes())


def _text_pages(path: Path) -> tuple[str, Iterator[Page]]:
    """Read a text file as blocks: the first block, and pages of all blocks, lazily.

    A long file comes in several blocks of at most :data:`ingest.text.BLOCK_CHARS`
    characters cut at paragraph breaks (see :func:`ingest.text.iter_text`),
    so it is never in memory whole. Each block is a :class:`Page` without a
    number: text files have no pages. The encoding and the binary check
    happen here, before the pages are taken.
    """
    blocks = iter_text(path)
    first = next(blocks, "")
    return first, _offset_pages(chain([first], blocks))


def _offset_pages(blocks: Iterator[str]) -> Iterator[Page]:
    offset = 0
    for block in blocks:
        yield Page(block, offset=offset)
        offset += len(block)


_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_RST_TITLE = re.compile(r"^\s*(\S[^\n]*)\n([=\-~^\"'`#*+]{3,})\s*$", re.MULTILINE)


def _load_text(path: Path) -> LoadedFile:
    _, pages = _text_pages(path)
    return LoadedFile("text", pages)


def _load_markdown(path: Path) -> LoadedFile:
    first, pages = _text_pages(path)
    match = _MD_TITLE.search(first[:20_000])
    return LoadedFile("markdown", pages, match.group(1) if match else None)


def _load_rst(path: Path) -> LoadedFile:
    first, pages = _text_pages(path)
    match = _RST_TITLE.search(first[:20_000])
    title = None
    if match and len(match.group(2)) >= len(match.group(1).strip()):  # underlined in full
        title = match.group(1).strip()
    return LoadedFile("rst", pages, title)


_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object")


def _load_html(path: Path) -> LoadedFile:
    from bs4 import BeautifulSoup

    size = path.stat().st_size
    if size > MAX_HTML_BYTES:
        raise SkipFile(
            f"HTML file too large to parse ({size / (1 << 20):.0f} MB; the limit is "
            f"{MAX_HTML_BYTES >> 20} MB): save it as text (.txt) to ingest it"
        )
    soup = BeautifulSoup(_read_text(path), "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    if soup.head is not None:
        soup.head.decompose()
    body = soup.body or soup
    lines = (line.strip() for line in body.get_text("\n").splitlines())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return LoadedFile("html", iter([Page(text)]), title or None)


MAX_UNZIPPED_BYTES = 256 << 20
"""Most bytes a DOCX (a ZIP archive) may unpack to."""
MAX_ZIP_RATIO = 200
"""Highest unpacked-to-packed size ratio accepted for a DOCX part (text compresses ~10x)."""


def _check_not_a_zip_bomb(path: Path) -> None:
    """Refuse a DOCX whose parts would unpack to far more than the file's size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(f"corrupt DOCX: {exc}") from exc
    total = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > MAX_UNZIPPED_BYTES or (ratio > MAX_ZIP_RATIO and total > 10 << 20):
        raise SkipFile(
            f"refused: the DOCX would unpack to {total / (1 << 20):.0f} MB "
            f"(compression ratio {ratio:.0f}:1), which looks like a ZIP bomb"
        )


def _load_docx(path: Path) -> LoadedFile:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    head = path.open("rb").read(4)
    if head != b"PK\x03\x04":
        raise SkipFile("not a DOCX file (no ZIP signature)")
    _check_not_a_zip_bomb(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise IngestError(f"corrupt DOCX: {exc}") from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors
        raise IngestError(f"corrupt DOCX: {exc}") from exc
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                parts.append(" | ".join(dict.fromkeys(c for c in cells if c)))
        else:
            parts.append(block.text)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip()
    title = document.core_properties.title or None
    return LoadedFile("docx", iter([Page(text)]), title)


LOADERS: dict[str, Callable[[Path], LoadedFile]] = {
    "text": _load_text,
    "markdown": _load_markdown,
    "rst": _load_rst,
    "html": _load_html,
    "docx": _load_docx,
}
"""Loaders of the non-PDF kinds, by kind."""

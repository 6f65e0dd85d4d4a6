"""Readers: files into pages of text, one reader per format, chosen by the file's name.

What lives here:

- this module: :func:`file_type` and :func:`load_file`, which picks the reader;
- :mod:`~ingest.readers.types`: what readers return (:class:`LoadedFile` of
  lazy :class:`Page` s, a mail's :class:`Attachment` s) and :class:`SkipFile`;
- :mod:`~ingest.readers.suffixes`: :func:`file_type`, the reader kind of a file name;
- :mod:`~ingest.readers.pdf` and :mod:`~ingest.readers.pdf_engines`: PDF text
  with pypdf, PDFium where pypdf fails, OCR for scanned pages;
- :mod:`~ingest.readers.images` and :mod:`~ingest.readers.ocr`: image files and Tesseract;
- :mod:`~ingest.readers.markup`: plain text, Markdown, reStructuredText, HTML;
- :mod:`~ingest.readers.office`: DOCX;
- :mod:`~ingest.readers.slides`: PPTX (slide text, tables, speaker notes; a page a slide);
- :mod:`~ingest.readers.sheets`: XLSX/XLSM, ODS, CSV/TSV, with
  :mod:`~ingest.readers.sheet_rows` (a sheet's rows into pages of a table
  with the header row as its heads) and :mod:`~ingest.readers.numformat`
  (numbers as their format shows them);
- :mod:`~ingest.readers.books`: EPUB (chapters in spine order) and Jupyter notebooks;
- :mod:`~ingest.readers.mail`: EML and MBOX messages; :mod:`~ingest.readers.outlook`:
  Outlook MSG (an OLE container, read with olefile);
- :mod:`~ingest.readers.zipped`: ZIP-based formats opened after a ZIP-bomb check;
- :mod:`~ingest.readers.decoding`, :mod:`~ingest.readers.charsets` and
  :mod:`~ingest.readers.cjk`: bytes to text in any common encoding;
- :mod:`~ingest.readers.library_warnings`: what the reading libraries warn
  about, kept with the file being read.

May import: :mod:`rag.errors` and :mod:`rag.settings` (OCR settings); never the
index, the rest of :mod:`ingest` or the query path. Readers import
:mod:`~ingest.readers.types`, never this module.

Example:
    >>> file_type(Path("Report.PDF")), file_type(Path("x.exe"))
    ('pdf', None)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.readers.decoding import BinaryContentError
from ingest.readers.suffixes import file_type
from ingest.readers.types import Attachment, LoadedFile, Page, SkipFile
from rag.errors import IngestError

if TYPE_CHECKING:
    from ingest.readers.ocr import OcrEngine

__all__ = ["Attachment", "LoadedFile", "Page", "SkipFile", "file_type", "load_file"]


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
            from ingest.readers.pdf import load_pdf

            return load_pdf(path, password, ocr=ocr)
        if kind == "image":
            from ingest.readers.images import load_image

            return load_image(path, ocr=ocr)
        return _reader(kind)(path)
    except BinaryContentError as exc:
        raise SkipFile(str(exc)) from exc
    except PermissionError as exc:
        raise IngestError(f"permission denied: {exc.filename or path}") from exc
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc


def _reader(kind: str) -> Callable[[Path], LoadedFile]:
    """The reader of a kind that needs neither a password nor OCR."""
    from ingest.readers import books, mail, markup, office, outlook, sheets, slides

    readers: dict[str, Callable[[Path], LoadedFile]] = {
        "text": markup.load_text,
        "markdown": markup.load_markdown,
        "rst": markup.load_rst,
        "html": markup.load_html,
        "docx": office.load_docx,
        "pptx": slides.load_pptx,
        "xlsx": sheets.load_xlsx,
        "ods": sheets.load_ods,
        "csv": sheets.load_csv,
        "epub": books.load_epub,
        "ipynb": books.load_ipynb,
        "eml": mail.load_eml,
        "mbox": mail.load_mbox,
        "msg": outlook.load_msg,
    }
    return readers[kind]

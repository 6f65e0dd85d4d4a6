"""The two PDF engines, pypdf and PDFium (pypdfium2), behind one small interface.

:mod:`ingest.readers.pdf` reads a file's pages through them; PDFium also renders a
scanned page for OCR (:func:`render_for_ocr`), here and in the UI's page
preview, so both see the same picture. PDFium is not thread-safe: every call
into it holds :data:`PDFIUM_LOCK`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ingest.readers.types import Segment, SkipFile
from rag.errors import IngestError

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "ENGINES",
    "MAX_RENDER_PIXELS",
    "MIN_SCAN_DPI",
    "PDFIUM_LOCK",
    "OpenPdf",
    "PdfEngine",
    "PdfiumEngine",
    "PypdfEngine",
    "render_for_ocr",
]

MIN_SCAN_DPI = 150
"""Least resolution a scanned page is read at, however coarse its image."""

MAX_RENDER_PIXELS = 40_000_000
"""Most pixels a page is rendered to for OCR (A4 at 300 dpi is 8.7 million)."""

PDFIUM_LOCK = threading.RLock()
"""PDFium is not thread-safe: every call into it holds this lock."""


class OpenPdf(Protocol):
    """A PDF opened by one engine; pages are 0-based here."""

    engine: str
    page_count: int
    title: str | None
    renders: bool
    """Whether :meth:`render` can draw pages (PDFium can, pypdf cannot)."""

    def label(self, index: int) -> str | None:
        """The printed label of a page (``"iv"``), or None when the file has none."""

    def text(self, index: int) -> str:
        """Extract a page's text; raises when the page cannot be read."""

    def has_images(self, index: int) -> bool:
        """Whether the page draws any image (False when that cannot be told)."""

    def words(self, index: int) -> list[Segment]:
        """The page's words with their boxes (:mod:`ingest.blocks.layout`); only when
        :attr:`renders` (PDFium)."""

    def render(self, index: int, dpi: int) -> Image.Image:
        """The page as OCR reads it (see :func:`render_for_ocr`); only when :attr:`renders`."""

    def close(self) -> None:
        """Release the file."""


class PdfEngine(Protocol):
    """Opens PDFs; raises :class:`SkipFile` for encryption, anything else when broken."""

    name: str

    def open(self, path: Path, password: str | None) -> OpenPdf:
        """Open ``path``, decrypting with ``password`` (after the empty one) if needed."""


def _encrypted(password: str | None) -> SkipFile:
    hint = "wrong password" if password else "needs a password (--password)"
    return SkipFile(f"encrypted PDF: {hint}")


class _PypdfFile:
    engine = "pypdf"
    renders = False

    def __init__(self, reader, title: str | None) -> None:  # noqa: ANN001 - pypdf.PdfReader
        self._reader = reader
        self.page_count = len(reader.pages)
        self.title = title
        self._labels: list[str] | None = None

    def label(self, index: int) -> str | None:
        if self._labels is None:
            try:
                self._labels = list(self._reader.page_labels)
            except Exception:  # broken label trees are common and harmless
                self._labels = []
        return self._labels[index] if index < len(self._labels) else None

    def text(self, index: int) -> str:
        return self._reader.pages[index].extract_text() or ""

    def has_images(self, index: int) -> bool:
        try:  # image XObjects (forms included) and inline images, listed, not decoded
            return len(self._reader.pages[index].images) > 0
        except Exception:
            return False

    def render(self, index: int, dpi: int) -> Image.Image:
        raise IngestError("pypdf does not draw pages")

    def words(self, index: int) -> list[Segment]:
        raise IngestError("pypdf does not place words")

    def close(self) -> None:
        self._reader.close()


class PypdfEngine:
    """pypdf, with its own limits on arrays, streams and recursion left on."""

    name = "pypdf"

    def open(self, path: Path, password: str | None) -> OpenPdf:
        """Open with pypdf (non-strict); see :class:`PdfEngine`."""
        from pypdf import PasswordType, PdfReader
        from pypdf.errors import DependencyError

        try:
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                tried = ["", password] if password else [""]
                if not any(reader.decrypt(p) != PasswordType.NOT_DECRYPTED for p in tried):
                    raise _encrypted(password)
            return _PypdfFile(reader, _pypdf_title(reader))
        except SkipFile:
            raise
        except DependencyError as exc:
            raise IngestError(f"cannot decrypt PDF: {exc}") from exc
        except Exception as exc:  # PdfReadError, LimitReachedError, broken objects
            raise IngestError(f"corrupt PDF: {exc}") from exc


def _pypdf_title(reader) -> str | None:  # noqa: ANN001 - pypdf.PdfReader
    try:
        if reader.metadata is not None and reader.metadata.title:
            return str(reader.metadata.title).strip() or None
    except Exception:  # broken info dictionaries are common and harmless
        return None
    return None


class _PdfiumFile:
    engine = "pdfium"
    renders = True

    def __init__(self, document) -> None:  # noqa: ANN001 - pypdfium2.PdfDocument
        self._doc = document
        with PDFIUM_LOCK:
            self.page_count = len(document)
            try:
                self.title = (document.get_metadata_value("Title") or "").strip() or None
            except Exception:
                self.title = None

    def label(self, index: int) -> str | None:
        with PDFIUM_LOCK:
            try:
                return self._doc.get_page_label(index) or None
            except Exception:
                return None

    def text(self, index: int) -> str:
        with PDFIUM_LOCK:  # one page and its text page open at a time
            page = self._doc[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
        # PDFium ends lines with CR LF and marks hyphens that break a word with U+FFFE.
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "-")

    def has_images(self, index: int) -> bool:
        import pypdfium2.raw as pdfium_c

        with PDFIUM_LOCK:
            try:
                page = self._doc[index]
            except Exception:
                return False
            try:
                found = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8)
                return next(found, None) is not None
            except Exception:
                return False
            finally:
                page.close()

    def words(self, index: int) -> list[Segment]:
        """The page's words (characters between spaces and line ends) with their boxes
        (the font's full height, so the words of one line line up)."""
        import pypdfium2.raw as pdfium_c

        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                height = page.get_height()
                textpage = page.get_textpage()
                try:
                    return _words(textpage, pdfium_c.FPDFText_GetUnicode, height)
                finally:
                    textpage.close()
            finally:
                page.close()

    def render(self, index: int, dpi: int) -> Image.Image:
        """The page as OCR reads it; see :func:`render_for_ocr`."""
        with PDFIUM_LOCK:
            page = self._doc[index]
            try:
                return render_for_ocr(page, dpi)
            finally:
                page.close()

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._doc.close()


class PdfiumEngine:
    """PDFium through pypdfium2: lenient with broken files, reads page by page."""

    name = "pdfium"

    def open(self, path: Path, password: str | None) -> OpenPdf:
        """Open with PDFium; see :class:`PdfEngine`."""
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        for attempt in [None, password] if password else [None]:
            try:
                with PDFIUM_LOCK:
                    _reset_pdfium_error()
                    document = pdfium.PdfDocument(str(path), password=attempt)
                return _PdfiumFile(document)
            except pdfium.PdfiumError as exc:
                if getattr(exc, "err_code", None) != pdfium_c.FPDF_ERR_PASSWORD:
                    raise IngestError(str(exc)) from exc
        raise _encrypted(password)


def _words(textpage, unicode, height: float) -> list[Segment]:  # noqa: ANN001 - pypdfium2
    """Characters between spaces and line ends, each word's box their loose boxes' union."""
    words: list[Segment] = []
    chars: list[str] = []
    box = (0.0, 0.0, 0.0, 0.0)

    def flush() -> None:
        if chars:
            words.append(Segment(box[0], box[2], height - box[3], height - box[1],
                                 "".join(chars)))
            chars.clear()

    for i in range(textpage.count_chars()):
        char = chr(unicode(textpage.raw, i))
        if char == "\ufffe":  # a hyphen PDFium found breaking a word at a line end
            chars.append("-")
        if char.isspace() or char == "\ufffe":
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        if chars and (left < box[0] - 1 or bottom >= box[3] or top <= box[1]):  # a new line
            flush()
        box = (left, bottom, right, top) if not chars else (
            min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top))
        chars.append(char)
    flush()
    return words


def _reset_pdfium_error() -> None:
    """Set PDFium's last error to "format" by failing to load a few bytes.

    Some failures (a PDF without pages) leave the last error as it was, so a
    password error from an earlier file would be blamed on the next one.
    """
    import pypdfium2.raw as pdfium_c

    junk = b"not a PDF"
    pdfium_c.FPDF_LoadMemDocument(junk, len(junk), None)


ENGINES: tuple[PdfEngine, ...] = (PypdfEngine(), PdfiumEngine())
"""The engines tried in order: the first that opens a file reads it; the next read
what it cannot (the whole file, or single pages)."""


def render_for_ocr(page, dpi: int) -> Image.Image:  # noqa: ANN001 - pypdfium2.PdfPage
    """A page as OCR reads it: grayscale, at its scan's own resolution.

    A scan's image is drawn 1:1 (resampling it to another resolution turns its
    specks into blots that OCR reads as marks), within ``MIN_SCAN_DPI`` to
    ``dpi``; a page whose images cannot be measured is drawn at ``dpi``. At
    most :data:`MAX_RENDER_PIXELS`. The caller holds :data:`PDFIUM_LOCK`.
    """
    width, height = page.get_size()  # points: 1/72 inch
    native = _scan_dpi(page)
    target = dpi if native is None else max(MIN_SCAN_DPI, min(dpi, native))
    scale = min(target / 72, (MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        return bitmap.to_pil().copy()
    finally:
        bitmap.close()


def _scan_dpi(page) -> float | None:  # noqa: ANN001 - pypdfium2.PdfPage
    """The resolution of the largest image the page draws, or None without one."""
    import pypdfium2.raw as pdfium_c

    best: tuple[float, float] | None = None  # (area in points, dots per inch)
    try:
        for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8):
            left, bottom, right, top = image.get_bounds()
            pixels_wide, _ = image.get_px_size()
            area = (right - left) * (top - bottom)
            if right > left and pixels_wide and (best is None or area > best[0]):
                best = (area, pixels_wide / ((right - left) / 72))
    except Exception:  # an image PDFium cannot measure: render at the default
        return None
    return best[1] if best else None

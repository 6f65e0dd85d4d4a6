"""PDF text with two engines: pypdf first, PDFium (pypdfium2) where pypdf fails.

pypdf reads most files. When it refuses a whole file (one of its safety
limits, a broken structure) or raises on one page, PDFium reads that file or
that page instead. Pages come lazily, one at a time, and each says which
engine read it, whether it shows images (so a page without text can be told
apart as a scan or as blank) and, when neither engine could read it, why.

Each file gets :data:`TIME_BUDGET_S` seconds of text extraction, counted in
the loader (the time its consumer spends between pages does not count); the
pages after that are reported unreadable rather than read. A single page
cannot be interrupted, but pypdf's own limits and PDFium's page-at-a-time
reading bound it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from ingest.loaders import LoadedFile, Page, SkipFile
from rag.errors import IngestError

__all__ = [
    "ENGINES",
    "TIME_BUDGET_S",
    "OpenPdf",
    "PdfEngine",
    "PdfiumEngine",
    "PypdfEngine",
    "load_pdf",
]

logger = logging.getLogger(__name__)

TIME_BUDGET_S = 180.0
"""Seconds of text extraction one PDF may take; its later pages are reported unreadable."""

_PDFIUM = threading.RLock()
"""PDFium is not thread-safe: every call into it holds this lock."""


class OpenPdf(Protocol):
    """A PDF opened by one engine; pages are 0-based here."""

    engine: str
    page_count: int
    title: str | None

    def label(self, index: int) -> str | None:
        """The printed label of a page (``"iv"``), or None when the file has none."""

    def text(self, index: int) -> str:
        """Extract a page's text; raises when the page cannot be read."""

    def has_images(self, index: int) -> bool:
        """Whether the page draws any image (False when that cannot be told)."""

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

    def __init__(self, document) -> None:  # noqa: ANN001 - pypdfium2.PdfDocument
        self._doc = document
        with _PDFIUM:
            self.page_count = len(document)
            try:
                self.title = (document.get_metadata_value("Title") or "").strip() or None
            except Exception:
                self.title = None

    def label(self, index: int) -> str | None:
        with _PDFIUM:
            try:
                return self._doc.get_page_label(index) or None
            except Exception:
                return None

    def text(self, index: int) -> str:
        with _PDFIUM:  # one page and its text page open at a time
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

        with _PDFIUM:
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

    def close(self) -> None:
        with _PDFIUM:
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
                with _PDFIUM:
                    _reset_pdfium_error()
                    document = pdfium.PdfDocument(str(path), password=attempt)
                return _PdfiumFile(document)
            except pdfium.PdfiumError as exc:
                if getattr(exc, "err_code", None) != pdfium_c.FPDF_ERR_PASSWORD:
                    raise IngestError(str(exc)) from exc
        raise _encrypted(password)


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


def load_pdf(
    path: Path,
    password: str | None = None,
    *,
    engines: Sequence[PdfEngine] = ENGINES,
    time_budget_s: float = TIME_BUDGET_S,
    clock: Callable[[], float] = time.perf_counter,
) -> LoadedFile:
    """Open a PDF with the first engine that can; its pages come lazily.

    Args:
        path: The PDF file.
        password: Tried after the empty password on encrypted files.
        engines: Engines in order of preference (tests inject failing ones).
        time_budget_s: Seconds of extraction for the whole file.
        clock: Seconds, for the budget.

    Returns:
        The file, with a :class:`Page` per page; unreadable pages have empty
        text and their ``error`` set. A file without pages has no pages.

    Raises:
        SkipFile: Encrypted without the right password.
        IngestError: Not a PDF, or no engine could open it.
    """
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise IngestError("not a PDF (no %PDF header): corrupt or mislabelled file")
    doc, rest = _open_first(path, password, engines)
    if doc is None:
        return LoadedFile("pdf", iter(()))
    reader = _Reader(path, password, doc, rest, time_budget_s, clock)
    return LoadedFile("pdf", reader.pages(), doc.title)


def _open_first(
    path: Path, password: str | None, engines: Sequence[PdfEngine]
) -> tuple[OpenPdf | None, list[PdfEngine]]:
    """Open with the first engine that can and finds pages; the others stay as fallbacks.

    Returns ``(None, [])`` for a PDF that opens but has no pages.
    """
    errors: list[str] = []
    empty = False
    for position, engine in enumerate(engines):
        try:
            doc = engine.open(path, password)
        except SkipFile:
            raise
        except Exception as exc:
            logger.debug("%s: %s cannot open it: %s", path, engine.name, exc)
            errors.append(f"{engine.name}: {exc}" if errors else str(exc))
            continue
        if doc.page_count > 0:
            if errors:
                logger.info("%s: read by %s (%s)", path, engine.name, "; ".join(errors))
            return doc, list(engines[position + 1:])
        doc.close()
        empty = True
    if empty:
        return None, []
    raise IngestError("; ".join(errors) or "no PDF engine configured")


class _Reader:
    """Yields a file's pages, each from the first engine that reads it, within the budget."""

    def __init__(
        self,
        path: Path,
        password: str | None,
        doc: OpenPdf,
        fallbacks: list[PdfEngine],
        budget: float,
        clock: Callable[[], float],
    ) -> None:
        self.path = path
        self.password = password
        self.docs: list[OpenPdf] = [doc]
        self.fallbacks = fallbacks
        self.budget = budget
        self.clock = clock
        self.spent = 0.0

    def pages(self) -> Iterator[Page]:
        """Every page of the main engine's count, in order; closes the files at the end."""
        try:
            for index in range(self.docs[0].page_count):
                if self.spent >= self.budget:
                    yield self._unreadable(index, f"not read: the {self.budget:g} s time budget "
                                                  "of the file was spent")
                    continue
                started = self.clock()
                page = self._read(index)
                self.spent += self.clock() - started
                yield page
        finally:
            for doc in self.docs:
                doc.close()

    def _label(self, index: int) -> str:
        return self.docs[0].label(index) or str(index + 1)

    def _unreadable(self, index: int, error: str) -> Page:
        return Page("", index + 1, self._label(index), error=error)

    def _read(self, index: int) -> Page:
        """The page from the first engine that finds text on it.

        An engine that reads a page without error but finds no text (a half
        read, or a blank or scanned page) hands it to the next; when none
        finds text, the first empty reading stands.
        """
        errors: list[str] = []
        empty: Page | None = None
        for doc in self._engines():
            if index >= doc.page_count:
                errors.append(f"{doc.engine}: it finds only {doc.page_count} page(s)")
                continue
            try:
                text = doc.text(index).replace("\x00", "")
            except Exception as exc:  # a broken page must not lose the other pages
                errors.append(f"{doc.engine}: {exc}")
                continue
            if not text.strip():
                empty = empty or Page(text, index + 1, self._label(index), engine=doc.engine,
                                      images=doc.has_images(index))
                continue
            if errors or empty:
                logger.info("%s: page %d read by %s (%s)", self.path, index + 1, doc.engine,
                            "; ".join(errors) or f"{empty.engine}: no text")
            return Page(text, index + 1, self._label(index), engine=doc.engine)
        if empty is not None:
            return empty
        logger.warning("%s: page %d unreadable: %s", self.path, index + 1, "; ".join(errors))
        return self._unreadable(index, "; ".join(errors))

    def _engines(self) -> Iterator[OpenPdf]:
        """The open files in order, opening the next fallback only when needed."""
        yield from list(self.docs)
        while self.fallbacks:
            engine = self.fallbacks.pop(0)
            try:
                doc = engine.open(self.path, self.password)
            except Exception as exc:
                logger.info("%s: %s cannot open it: %s", self.path, engine.name, exc)
                continue
            self.docs.append(doc)
            yield doc

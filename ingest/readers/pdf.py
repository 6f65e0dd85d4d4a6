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

A page without a usable text layer (fewer than :data:`MIN_LAYER_CHARS`
letters and digits) that draws images is a scan: given an OCR engine, the
loader renders it with PDFium and reads it by OCR (``engine="ocr"``). OCR
time does not count against the budget: a long scanned file is slow, not
broken, and each page is bounded by its pixels
(:data:`ingest.readers.pdf_engines.MAX_RENDER_PIXELS`).

The engines themselves are in :mod:`ingest.readers.pdf_engines`.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.blocks.grids import may_hold_grid
from ingest.readers.pdf_engines import ENGINES, OpenPdf, PdfEngine
from ingest.readers.types import LoadedFile, Page, Segment, SkipFile
from rag.errors import IngestError

if TYPE_CHECKING:
    from ingest.readers.ocr import OcrEngine

__all__ = ["GARBLED", "MIN_FIGURE_LINES", "MIN_LAYER_CHARS", "TIME_BUDGET_S", "load_pdf",
           "text_layer_garbled", "text_layer_too_thin"]

logger = logging.getLogger(__name__)
TIME_BUDGET_S = 180.0
"""Seconds of text extraction one PDF may take; its later pages are reported unreadable."""

MIN_LAYER_CHARS = 32
"""Letters and digits a page's text layer needs to be used as it is when the page draws
images (a scanned page may carry a stamp or a page number as text)."""



def load_pdf(
    path: Path,
    password: str | None = None,
    *,
    engines: Sequence[PdfEngine] = ENGINES,
    time_budget_s: float = TIME_BUDGET_S,
    clock: Callable[[], float] = time.perf_counter,
    ocr: OcrEngine | None = None,
) -> LoadedFile:
    """Open a PDF with the first engine that can; its pages come lazily.

    Args:
        path: The PDF file.
        password: Tried after the empty password on encrypted files.
        engines: Engines in order of preference (tests inject failing ones).
        time_budget_s: Seconds of extraction for the whole file.
        clock: Seconds, for the budget.
        ocr: Reads the pages that have no usable text layer but draw
            images; None leaves them empty (reported as scanned).

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
    reader = _Reader(path, password, doc, rest, time_budget_s, clock, ocr)
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
        ocr: OcrEngine | None = None,
    ) -> None:
        self.path = path
        self.password = password
        self.docs: list[OpenPdf] = [doc]
        self.fallbacks = fallbacks
        self.budget = budget
        self.clock = clock
        self.spent = 0.0
        self.ocr = ocr

    def pages(self) -> Iterator[Page]:
        """Every page of the main engine's count, in order; closes the files at the end.

        Scanned pages are read by the OCR engine's threads, a few pages ahead
        of the one yielded; the pages still come in order.
        """
        ahead: deque[Page | _Reading] = deque()
        depth = self.ocr.threads if self.ocr is not None else 0
        try:
            for index in range(self.docs[0].page_count):
                ahead.append(self._page(index))
                while ahead and (len(ahead) > depth or isinstance(ahead[0], Page)):
                    yield self._finish(ahead.popleft())
            while ahead:
                yield self._finish(ahead.popleft())
        finally:
            for item in ahead:
                if isinstance(item, _Reading):
                    item.text.cancel()
            for doc in self.docs:
                doc.close()

    def _page(self, index: int) -> Page | _Reading:
        """The page read from its text layer, or the OCR of it under way."""
        if self.spent >= self.budget:
            return self._unreadable(index, f"not read: the {self.budget:g} s time budget "
                                           "of the file was spent")
        started = self.clock()
        page = self._read(index)
        self.spent += self.clock() - started
        if page.garbled and self.ocr is None:
            return replace(page, error=f"{GARBLED}, and OCR is off (ocr.enabled)")
        if self.ocr is None or not (page.garbled or self._scanned(index, page)):
            return page
        renderer = next((d for d in self._engines() if d.renders), None)
        if renderer is None:
            return page
        try:
            image = renderer.render(index, self.ocr.dpi)
        except Exception as exc:  # a page PDFium cannot draw must not lose the others
            return self._ocr_failed(page, exc)
        return _Reading(page, self.ocr.submit(image))

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
        garbled = False
        for doc in self._engines():
            if index >= doc.page_count:
                errors.append(f"{doc.engine}: it finds only {doc.page_count} page(s)")
                continue
            try:
                text = doc.text(index)
            except Exception as exc:  # a broken page must not lose the other pages
                errors.append(f"{doc.engine}: {exc}")
                continue
            if text_layer_garbled(text):  # fonts mapped to control codes: no text to keep
                errors.append(f"{doc.engine}: {GARBLED}")
                garbled = True
                continue
            text = text.replace("\x00", "")
            if not text.strip():
                empty = empty or Page(text, index + 1, self._label(index), engine=doc.engine,
                                      images=doc.has_images(index))
                continue
            if errors or empty:
                logger.info("%s: page %d read by %s (%s)", self.path, index + 1, doc.engine,
                            "; ".join(errors) or f"{empty.engine}: no text")
            return Page(text, index + 1, self._label(index), engine=doc.engine,
                        words=self._words(index, text))
        if empty is not None:
            return empty
        if garbled:
            return Page("", index + 1, self._label(index), engine=self.docs[0].engine,
                        garbled=True)
        logger.warning("%s: page %d unreadable: %s", self.path, index + 1, "; ".join(errors))
        return self._unreadable(index, "; ".join(errors))

    def _words(self, index: int, text: str) -> tuple[Segment, ...]:
        """The page's runs with their boxes when its text shows a table (the first engine
        that places words: PDFium); none otherwise or when it cannot."""
        if len(_FIGURES_LINE.findall(text)) < MIN_FIGURE_LINES and not may_hold_grid(text):
            return ()
        for doc in self._engines():
            if doc.renders and index < doc.page_count:
                try:
                    return tuple(doc.words(index))
                except Exception as exc:  # no boxes: the page is read line by line
                    logger.debug("%s: page %d: no word boxes: %s", self.path, index + 1, exc)
                    return ()
        return ()

    def _scanned(self, index: int, page: Page) -> bool:
        """A page read without error, with too little text, that draws images."""
        if page.error or not text_layer_too_thin(page.text):
            return False
        return page.images or self.docs[0].has_images(index)

    def _ocr_failed(self, page: Page, exc: Exception) -> Page:
        logger.warning("%s: page %s: OCR failed: %s", self.path, page.number, exc)
        return Page(page.text, page.number, page.label, engine=page.engine,
                    images=page.images, error=f"OCR failed: {exc}")

    def _finish(self, item: Page | _Reading) -> Page:
        """The page; for a scan, as OCR read it (the text layer when OCR finds less)."""
        if isinstance(item, Page):
            return item
        page = item.page
        try:
            text = item.text.result()
        except Exception as exc:  # a page OCR cannot read must not lose the others
            return self._ocr_failed(page, exc)
        engine = self.ocr.name if self.ocr is not None else ""
        if not text.strip() and not page.text.strip():  # a blank scan: OCR read it, found nothing
            return Page("", page.number, page.label, engine=engine, images=True)
        if _letters(text) <= _letters(page.text):
            return page
        return Page(text, page.number, page.label, engine=engine)

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


@dataclass(frozen=True)
class _Reading:
    """A scanned page whose image OCR is reading."""

    page: Page
    """The page as its text layer gave it."""
    text: Future[str]


MIN_FIGURE_LINES = 3
"""Least lines ending in two figures for a page's word boxes to be read (its tables)."""
_FIGURES_LINE = re.compile(
    r"[\d)%\u2014-][ \t]+\(?[$\u20ac\u00a3]?[ \t]*\(?\d[\d,.]*\)?[ \t]?%?[ \t]*$", re.MULTILINE)

GARBLED = "text layer unreadable (its fonts map the text to control characters)"
"""Why a page's text layer was not used (:func:`text_layer_garbled`); OCR reads it instead."""
GARBLED_SHARE = 0.25
"""Share of a page's visible characters that may be control, private-use or unassigned
code points before its text layer counts as garbled (real pages hold under 0.05: a
minus sign of a TeX math font, a brace piece)."""


def text_layer_garbled(text: str) -> bool:
    r"""Whether a page's extracted text is mostly control, private-use or unassigned characters
    (fonts without a usable character map), so the page has no usable text layer.

    Example:
        >>> text_layer_garbled("F\x03n\x05e\x04m\x06b\x02\\\x03h\x05e\x01")
        True
        >>> text_layer_garbled("x \x00 y = 2, a minus sign read as NUL.")
        False
    """
    visible = [char for char in text if not char.isspace()]
    bad = sum(char == "\ufffd" or unicodedata.category(char) in _NOT_TEXT for char in visible)
    return bool(visible) and bad > GARBLED_SHARE * len(visible)


_NOT_TEXT = frozenset({"Cc", "Co", "Cn", "Cs"})


def _letters(text: str) -> int:
    return sum(char.isalnum() for char in text)


def text_layer_too_thin(text: str) -> bool:
    """Whether a page's text layer has too few letters and digits to stand for the page.

    A page that also draws images is then a scan, read by OCR (a scanner may stamp a
    page number as text).

    Example:
        >>> text_layer_too_thin("p. 7"), text_layer_too_thin("The lease ends in 2029. " * 2)
        (True, False)
    """
    return _letters(text) < MIN_LAYER_CHARS

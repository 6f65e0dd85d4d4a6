"""Counting a source's pages as they are chunked, and the report's words for them.

Only numbered (PDF) pages count as empty or unreadable; a text file with
nothing in it is an empty document, not a page without text.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.readers import LoadedFile, Page
from ingest.readers.ocr import OCR_ENGINE as OCR
from ingest.readers.pdf_engines import ENGINES

__all__ = ["PageStats", "empty_reason", "page_runs", "read_note"]

_SAY = {OCR: "OCR"}
"""How the report names an engine, where not by its name."""


class PageStats:
    """What the pages of one source held, counted as they pass."""

    def __init__(self) -> None:
        self.pages = 0
        self.empty_pages = 0
        self.scanned_pages = 0
        self.ocr_blank: list[int] = []
        """Scanned pages on which OCR found no text (blank scans)."""
        self.chunks = 0
        self.engines: dict[str, list[int]] = {}
        self.unreadable: list[int] = []
        self.errors: list[str] = []

    def count(self, page: Page) -> None:
        """Count one page; only numbered (PDF) pages count as empty or unreadable.

        The blocks of a long text file after its first (``offset`` > 0) are
        more of the same document, not pages of their own.
        """
        if page.offset == 0:
            self.pages += 1
        number = page.number if page.number is not None else self.pages
        if page.error:
            self.unreadable.append(number)
            self.errors.append(page.error)
            return
        blank = page.number is not None and not page.text.strip()
        if page.engine and not (blank and page.engine == OCR):
            self.engines.setdefault(page.engine, []).append(number)
        if blank:
            self.empty_pages += 1
            if page.engine == OCR:
                self.ocr_blank.append(number)
            self.scanned_pages += int(page.images and page.engine != OCR)

    @property
    def ocr_pages(self) -> tuple[int, ...]:
        """The pages whose text OCR read."""
        return tuple(self.engines.get(OCR, ()))

    @property
    def engine(self) -> str:
        """The engines that read pages, preferred first, joined by ``+``."""
        rank = {engine.name: n for n, engine in enumerate(ENGINES)}
        return "+".join(sorted(self.engines, key=lambda name: rank.get(name, len(rank))))


def page_runs(numbers: Sequence[int]) -> str:
    """Page numbers with runs shortened.

    Example:
        >>> page_runs([2, 4, 5, 6, 7]), page_runs([])
        ('2, 4-7', '')
    """
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _page_list(numbers: Sequence[int]) -> str:
    """Name pages with runs shortened.

    Example:
        >>> _page_list([3]), _page_list([2, 4, 5, 6, 7])
        ('page 3', 'pages 2, 4-7')
    """
    return f"{'page' if len(numbers) == 1 else 'pages'} {page_runs(numbers)}"


def _unreadable_note(stats: PageStats) -> str:
    if not stats.unreadable:
        return ""
    more = "; other errors in the log" if len(set(stats.errors)) > 1 else ""
    return f"{_page_list(stats.unreadable)} unreadable ({stats.errors[0]}{more})"


def _blank_scans_note(stats: PageStats) -> str:
    return f"OCR found no text on {_page_list(stats.ocr_blank)}" if stats.ocr_blank else ""


def read_note(stats: PageStats) -> str:
    """Say what is worth knowing about a file that was indexed.

    Args:
        stats: The file's page counts.

    Returns:
        Notes such as ``read by pdfium``, ``pages 2-4 read by OCR`` or
        ``page 3 unreadable (...)``,
        joined by ``; ``; empty when everything was read by the preferred engine.
    """
    preferred = ENGINES[0].name
    others = {name: pages for name, pages in stats.engines.items() if name != preferred}
    notes: list[str] = []
    if others and preferred not in stats.engines:
        notes.append("read by " + " and ".join(_SAY.get(name, name) for name in others))
    else:
        notes.extend(f"{_page_list(pages)} read by {_SAY.get(name, name)}"
                     for name, pages in others.items())
    notes.append(_unreadable_note(stats))
    if stats.scanned_pages:
        notes.append(f"{stats.scanned_pages} page(s) without a text layer (scanned; OCR is off)")
    notes.append(_blank_scans_note(stats))
    return "; ".join(note for note in notes if note)


def empty_reason(loaded: LoadedFile, stats: PageStats) -> str:
    """Say why a file that was read gave no text.

    Args:
        loaded: The file as its loader opened it.
        stats: Its page counts.

    Returns:
        ``no pages``; ``no text layer (scanned?)...`` only when some empty
        page shows images and OCR is off; ``OCR found no text...`` for scans
        and images OCR read as blank; ``no text in N page(s) (blank, ...)``
        otherwise; with the unreadable pages, if any. Other files:
        whitespace only.
    """
    if loaded.file_type not in ("pdf", "image"):
        return "no text (whitespace only)"
    if stats.pages == 0:
        return "no pages"
    notes: list[str] = []
    if stats.scanned_pages:
        notes.append(
            f"no text layer (scanned?): {stats.scanned_pages} of {stats.pages} page(s) "
            "show images but no text, and OCR is off (ocr.enabled)"
        )
    elif stats.ocr_blank:
        notes.append(_blank_scans_note(stats))
    elif stats.empty_pages:
        notes.append(
            f"no text in {stats.empty_pages} page(s) (blank, drawings or a form; no images)"
        )
    notes.append(_unreadable_note(stats))
    return "; ".join(note for note in notes if note)

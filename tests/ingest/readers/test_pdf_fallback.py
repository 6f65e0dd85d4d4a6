"""PDFs pypdf refuses or half-reads, blank versus scanned pages, files with nothing in them.

Every PDF here is real: hand-written bytes that pypdf and PDFium parse, built
so that the engine under test really fails where it should (one array past
pypdf's 100,000-element limit; a page tree that PDFium counts shorter).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest

from ingest import ingest_paths
from ingest.readers import load_file
from ingest.readers.pdf import load_pdf
from ingest.readers.pdf_engines import PdfiumEngine, PypdfEngine
from rag.errors import IngestError

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
IMAGE = (  # a 2x2 grey image, as a scanner would put a whole page
    b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
    b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream"
)
BIG_ARRAY = b"[" + b" 0" * 100_001 + b" ]"
"""One element past pypdf's limit on array length: pypdf raises LimitReachedError."""
TEXT_FONT = b"<< /Font << /F1 3 0 R >> >>"
WITH_IMAGE = b"<< /XObject << /Im1 4 0 R >> >>"
DRAW_IMAGE = b"q 400 0 0 600 100 100 cm /Im1 Do Q"
DRAW_LINES = b"1 w 72 72 m 500 700 l S 72 700 m 500 72 l S"


def text_ops(text: str) -> bytes:
    """A content stream showing ``text`` in Helvetica."""
    return b"BT /F1 12 Tf 72 720 Td (" + text.encode() + b") Tj ET"


def write_pdf(
    path: Path,
    pages: Sequence[tuple[bytes, bytes]],
    *,
    count: int | None = None,
    catalog_extra: bytes = b"",
) -> Path:
    """Write a PDF; each page is ``(content stream, resources dictionary)``.

    Objects: 1 catalog, 2 page tree, 3 font, 4 image, then per page its
    dictionary, content stream and resources. ``count`` overrides the page
    tree's /Count (PDFium believes it, pypdf walks the kids).
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"",  # the page tree, filled in below
        FONT,
        IMAGE,
    ]
    kids = []
    for content, resources in pages:
        first = len(objects) + 1
        kids.append(b"%d 0 R" % first)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Contents %d 0 R /Resources %d 0 R >>" % (first + 1, first + 2)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(resources)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(kids), len(pages) if count is None else count
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref
    )
    path.write_bytes(bytes(out))
    return path


def text_page(text: str) -> tuple[bytes, bytes]:
    return text_ops(text), TEXT_FONT


def refused_pdf(path: Path, texts: Sequence[str], *, count: int | None = None) -> Path:
    """A PDF pypdf refuses to open (its catalog holds an over-long array)."""
    pages = [text_page(t) for t in texts]
    return write_pdf(path, pages, count=count, catalog_extra=b"/Junk " + BIG_ARRAY)


def half_read_pdf(path: Path) -> Path:
    """Three pages; pypdf raises on page 2 (its resources hold an over-long array)."""
    pages = [
        text_page("Owls hunt at night."),
        (text_ops("Bats sleep by day."), b"<< /Font << /F1 3 0 R >> /Junk " + BIG_ARRAY + b" >>"),
        text_page("Moths fly to lamps."),
    ]
    return write_pdf(path, pages)


def lost_page_pdf(path: Path) -> Path:
    """Three pages, page 3 unreadable by both: pypdf raises on it, PDFium counts only 2."""
    pages = [
        text_page("Owls hunt at night."),
        text_page("Bats sleep by day."),
        (text_ops("Moths fly to lamps."), b"<< /Font << /F1 3 0 R >> /Junk " + BIG_ARRAY + b" >>"),
    ]
    return write_pdf(path, pages, count=2)


class RefusingEngine:
    """A first engine that opens nothing (as pypdf on a file past its limits)."""

    name = "pypdf"

    def open(self, path: Path, password: str | None) -> None:
        raise IngestError(f"corrupt PDF: refused {path.name}")


class BlankReadingEngine:
    """A first engine that opens the file with pypdf but reads page 2 as empty (a half read)."""

    name = "pypdf"

    def open(self, path: Path, password: str | None):  # noqa: ANN201
        doc = PypdfEngine().open(path, password)
        real = doc.text
        doc.text = lambda index: "" if index == 1 else real(index)
        return doc


def pages_of(path: Path, **kwargs) -> list:  # noqa: ANN003
    return list(load_pdf(path, **kwargs).pages)


# -- engines ---------------------------------------------------------------


def test_a_file_pypdf_refuses_is_read_by_pdfium(tmp_path: Path) -> None:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    path = refused_pdf(tmp_path / "refused.pdf", ["Owls hunt at night.", "Bats sleep by day."])
    with pytest.raises(LimitReachedError):  # the premise: pypdf really refuses it
        len(PdfReader(path).pages)
    pages = pages_of(path)
    assert [(p.number, p.engine, p.error) for p in pages] == [(1, "pdfium", ""), (2, "pdfium", "")]
    assert "Owls hunt at night." in pages[0].text and "Bats sleep by day." in pages[1].text
    assert "\r" not in pages[0].text


def test_an_injected_failing_first_engine_hands_the_file_to_the_next(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "fine.pdf", [text_page("Herons wait.")])
    pages = pages_of(path, engines=(RefusingEngine(), PdfiumEngine()))
    assert [(p.engine, p.text.strip()) for p in pages] == [("pdfium", "Herons wait.")]
    with pytest.raises(IngestError, match="refused fine.pdf"):
        load_pdf(path, engines=(RefusingEngine(),))


def test_a_page_read_without_text_is_read_again_by_the_next_engine(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "two.pdf", [text_page("Herons wait."), text_page("Owls hunt.")])
    pages = pages_of(path, engines=(BlankReadingEngine(), PdfiumEngine()))
    assert [(p.engine, p.text.strip()) for p in pages] == [
        ("pypdf", "Herons wait."), ("pdfium", "Owls hunt.")]
    blank = write_pdf(tmp_path / "blank.pdf", [(b"", b"<< >>")])  # no engine finds text:
    first_reading = [("pypdf", "", False)]  # the first reading stands
    assert [(p.engine, p.text, p.images) for p in pages_of(blank)] == first_reading


def test_a_page_pypdf_cannot_read_is_read_by_pdfium(tmp_path: Path, caplog) -> None:  # noqa: ANN001
    path = half_read_pdf(tmp_path / "half.pdf")
    with caplog.at_level(logging.INFO, logger="ingest.readers.pdf"):
        pages = pages_of(path)
    assert [(p.engine, p.text.strip(), p.error) for p in pages] == [
        ("pypdf", "Owls hunt at night.", ""),
        ("pdfium", "Bats sleep by day.", ""),
        ("pypdf", "Moths fly to lamps.", ""),
    ]
    assert f"{path}: page 2 read by pdfium (pypdf: Reached maximum array" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_page_no_engine_reads_is_named_with_its_file(
    tmp_path: Path, caplog  # noqa: ANN001
) -> None:
    path = lost_page_pdf(tmp_path / "lost.pdf")
    with caplog.at_level(logging.WARNING, logger="ingest.readers.pdf"):
        pages = pages_of(path)
    assert [(p.number, p.engine) for p in pages] == [(1, "pypdf"), (2, "pypdf"), (3, "")]
    assert pages[2].text == "" and "maximum array element count" in pages[2].error
    assert "pdfium: it finds only 2 page(s)" in pages[2].error
    assert f"{path}: page 3 unreadable: pypdf: Reached maximum array" in caplog.text
    assert "BytesIO" not in caplog.text


def test_pages_past_the_time_budget_are_reported_not_read(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "slow.pdf", [text_page(f"Page {n} text.") for n in range(1, 5)])
    ticks = iter(range(100))  # a clock that moves 1 s per reading
    pages = pages_of(path, time_budget_s=2.0, clock=lambda: float(next(ticks)))
    assert [p.text.strip() for p in pages[:2]] == ["Page 1 text.", "Page 2 text."]
    assert [p.number for p in pages if p.error] == [3, 4]
    assert all("2 s time budget" in p.error and not p.text for p in pages[2:])


@pytest.mark.parametrize("engine", [PypdfEngine(), PdfiumEngine()], ids=lambda e: e.name)
def test_each_engine_tells_image_pages_from_blank_ones(
    tmp_path: Path, engine  # noqa: ANN001
) -> None:
    path = write_pdf(
        tmp_path / "mixed.pdf",
        [(b"", b"<< >>"), (DRAW_IMAGE, WITH_IMAGE), (DRAW_LINES, b"<< >>"), text_page("Words.")],
    )
    pages = pages_of(path, engines=(engine,))
    assert [p.engine for p in pages] == [engine.name] * 4
    assert [p.images for p in pages] == [False, True, False, False]
    assert [bool(p.text.strip()) for p in pages] == [False, False, False, True]


def test_zero_pages_and_zero_bytes(tmp_path: Path) -> None:
    from ingest.readers import SkipFile

    zero_pages = write_pdf(tmp_path / "zero.pdf", [])
    assert pages_of(zero_pages) == []
    for name in ("empty.pdf", "empty.txt", "empty.docx", "empty.md"):
        (tmp_path / name).write_bytes(b"")
        with pytest.raises(SkipFile, match="^empty file$"):
            load_file(tmp_path / name)


def test_pdfium_asks_for_the_password_as_pypdf_does(tmp_path: Path) -> None:
    from ingest.readers import SkipFile
    from tests.ingest.conftest import make_pdf

    locked = make_pdf(
        tmp_path / "locked.pdf", ["Hidden bats."], owner_password="o", user_password="pw"
    )
    only = (PdfiumEngine(),)
    with pytest.raises(SkipFile, match="encrypted PDF: needs a password"):
        load_pdf(locked, engines=only)
    with pytest.raises(SkipFile, match="encrypted PDF: wrong password"):
        load_pdf(locked, "nope", engines=only)
    pages = pages_of(locked, password="pw", engines=only)
    assert [p.text.strip() for p in pages] == ["Hidden bats."]


def test_pdfium_blames_no_password_left_over_from_an_earlier_file(tmp_path: Path) -> None:
    from ingest.readers import SkipFile
    from tests.ingest.conftest import make_pdf

    locked = make_pdf(
        tmp_path / "locked.pdf", ["Hidden bats."], owner_password="o", user_password="pw"
    )
    with pytest.raises(SkipFile):
        PdfiumEngine().open(locked, None)
    zero = write_pdf(tmp_path / "zero.pdf", [])  # PDFium fails on it without saying why
    with pytest.raises(IngestError) as raised:
        PdfiumEngine().open(zero, None)
    assert type(raised.value) is IngestError and "password" not in str(raised.value)


# -- the report --------------------------------------------------------------


def test_the_report_says_which_engine_read_what_and_why_nothing_was_found(
    settings, index, tmp_path: Path, chunker  # noqa: ANN001
) -> None:
    """With OCR off, as the scans here are images of nothing (tests/ingest/readers/test_ocr.py reads
    real ones)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    refused_pdf(docs / "refused.pdf", ["Owls hunt at night.", "Bats sleep by day."])
    refused_pdf(docs / "short.pdf", ["Herons wait in ponds."], count=3)
    half_read_pdf(docs / "half.pdf")
    lost_page_pdf(docs / "lost.pdf")
    write_pdf(docs / "plain.pdf", [text_page("Swifts sleep flying."), (DRAW_IMAGE, WITH_IMAGE)])
    write_pdf(docs / "blank.pdf", [(b"", b"<< >>"), (DRAW_LINES, b"<< >>")])
    write_pdf(docs / "scan.pdf", [(DRAW_IMAGE, WITH_IMAGE), (b"", b"<< >>")])
    write_pdf(docs / "zero.pdf", [])
    for name in ("empty.pdf", "empty.txt", "empty.docx", "empty.md"):
        (docs / name).write_bytes(b"")
    (docs / "blank.txt").write_text("  \n\t\n")

    no_ocr = settings.model_copy(update={"ocr": settings.ocr.model_copy(update={"enabled": False})})
    report = ingest_paths([docs], no_ocr, index=index, chunker=chunker)
    got = {Path(e.source).name: e for e in report.entries}

    def row(name: str) -> tuple:
        e = got[name]
        return e.status, e.reason, e.engine, e.pages, e.empty_pages, e.unreadable_pages

    assert row("refused.pdf") == ("added", "read by pdfium", "pdfium", 2, 0, ())
    assert got["refused.pdf"].chunks == 2
    assert row("half.pdf") == ("added", "page 2 read by pdfium", "pypdf+pdfium", 3, 0, ())
    assert row("plain.pdf")[:3] == (
        "added", "1 page(s) without a text layer (scanned; OCR is off)", "pypdf")
    assert (got["plain.pdf"].empty_pages, got["plain.pdf"].scanned_pages) == (1, 1)

    status, reason, engine, pages, empty, unreadable = row("lost.pdf")
    assert (status, engine, pages, empty, unreadable) == ("added", "pypdf", 3, 0, (3,))
    assert reason.startswith("page 3 unreadable (pypdf: ") and "lost.pdf" not in reason
    status, reason, engine, pages, empty, unreadable = row("short.pdf")
    assert (status, engine, pages, unreadable) == ("added", "pdfium", 3, (2, 3))
    assert reason.startswith("read by pdfium; pages 2-3 unreadable (")

    assert row("blank.pdf") == (
        "skipped", "no text in 2 page(s) (blank, drawings or a form; no images)", "pypdf", 2, 2, ()
    )
    assert row("scan.pdf")[:2] == (
        "skipped", "no text layer (scanned?): 1 of 2 page(s) show images but no text, "
        "and OCR is off (ocr.enabled)"
    )
    assert got["scan.pdf"].scanned_pages == 1
    assert row("zero.pdf")[:2] == ("skipped", "no pages")
    for name in ("empty.pdf", "empty.txt", "empty.docx", "empty.md"):
        assert row(name) == ("skipped", "empty file", "", 0, 0, ()), name
    assert row("blank.txt") == ("skipped", "no text (whitespace only)", "", 1, 0, ())

    assert report.ok, [(e.source, e.reason) for e in report.by_status("failed")]
    assert report.empty_pages == 1 + 2 + 2 and report.scanned_pages == 1 + 1
    assert report.unreadable_pages == 1 + 2
    indexed = {Path(record.source).name: record.chunks for record in index.ledger.all()}
    assert indexed == {name: got[name].chunks for name in
                       ("refused.pdf", "short.pdf", "half.pdf", "lost.pdf", "plain.pdf")}
    assert index.count() == sum(indexed.values()) == report.chunks_written


def test_a_file_emptied_since_the_last_run_loses_its_chunks(
    index, tmp_path: Path, chunker  # noqa: ANN001
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Kestrels hover over fields. " * 20)
    assert ingest_paths([path], index=index, chunker=chunker).entries[0].status == "added"
    path.write_bytes(b"")
    entry = ingest_paths([path], index=index, chunker=chunker).entries[0]
    assert entry.status == "skipped" and entry.reason.startswith("empty file; its ")
    assert "old chunk(s) were removed" in entry.reason
    assert index.count() == 0


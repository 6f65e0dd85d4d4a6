"""OCR: scanned PDF pages and image files read offline, reported, and switched off."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import ingest_paths, load_file
from ingest.readers.ocr import TesseractOcr, make_ocr
from rag.errors import ConfigError, IngestError
from rag.settings import OcrSettings
from tests.ingest.conftest import make_pdf
from tests.scans import garbled_pdf, scan_image, scanned_pdf, word_recall

LEASE = (
    "The lease for the warehouse at 14 Harbour Road runs from March 2019 to February 2029. "
    "Rent of 4,250 pounds is payable monthly in advance, and the tenant insures the building "
    "against fire and flood.\n\n"
    "Either party may end the lease after five years by giving six months notice in writing. "
    "Repairs to the roof and the outer walls are the landlord's; the tenant keeps the inside "
    "in good order and returns the keys on the last day."
)
INVOICE = (
    "Invoice 2291 from Northwind Traders covers forty crates of olive oil delivered to the "
    "Leeds depot on 3 June. Payment is due within thirty days of delivery."
)


@pytest.fixture(scope="module")
def ocr() -> Iterator[TesseractOcr]:
    engine = TesseractOcr()
    yield engine
    engine.close()


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_generated_scans_give_back_their_words(ocr: TesseractOcr, tmp_path: Path,
                                               dpi: int) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf", [scan_image(LEASE, dpi=dpi)], dpi)
    (page,) = load_file(pdf, ocr=ocr).pages
    assert page.engine == "ocr" and page.number == 1 and not page.error
    assert word_recall(LEASE, page.text) >= 0.95


def test_only_pages_without_a_text_layer_are_read_by_ocr(ocr: TesseractOcr,
                                                         tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    typed = make_pdf(tmp_path / "typed.pdf", ["Minutes of the board meeting held in May."])
    scans = scanned_pdf(tmp_path / "scans.pdf", [scan_image(INVOICE), scan_image(LEASE)], 200)
    writer = PdfWriter()
    for part in (scans, typed):  # scanned, scanned, typed
        for page in PdfReader(part).pages:
            writer.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    writer.write(mixed)

    pages = list(load_file(mixed, ocr=ocr).pages)
    assert [(p.number, p.engine) for p in pages] == [(1, "ocr"), (2, "ocr"), (3, "pypdf")]
    assert "Northwind" in pages[0].text and "Harbour Road" in pages[1].text
    assert pages[2].text.startswith("Minutes of the board meeting")


def test_a_scan_with_a_stamp_as_its_only_text_is_read_by_ocr(ocr: TesseractOcr,
                                                             tmp_path: Path) -> None:
    from fpdf import FPDF

    image = tmp_path / "scan.png"
    scan_image(INVOICE, dpi=150).save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=0, y=0, w=210)
    pdf.set_font("helvetica", size=8)
    pdf.text(190, 290, "p. 7")  # a page number stamped as text by the scanner
    pdf.output(str(tmp_path / "stamped.pdf"))

    (page,) = load_file(tmp_path / "stamped.pdf", ocr=ocr).pages
    assert page.engine == "ocr" and "Northwind Traders" in page.text


class FailingOnSecondPage(TesseractOcr):
    """The real engine, failing on the second image it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.images = 0

    def submit(self, image):  # noqa: ANN001, ANN201
        from concurrent.futures import Future

        self.images += 1
        if self.images != 2:
            return super().submit(image)
        failed: Future[str] = Future()
        failed.set_exception(RuntimeError("Tesseract gave up"))
        return failed


def test_a_page_ocr_fails_on_is_reported_and_the_others_are_read(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scans.pdf",
                      [scan_image(LEASE), scan_image(INVOICE), scan_image(LEASE)], 200)
    engine = FailingOnSecondPage()
    try:
        pages = list(load_file(pdf, ocr=engine).pages)
    finally:
        engine.close()
    assert [(p.number, p.engine, bool(p.error)) for p in pages] == [
        (1, "ocr", False), (2, "pypdf", True), (3, "ocr", False)]
    assert pages[1].error == "OCR failed: Tesseract gave up" and pages[1].text == ""
    assert "Harbour Road" in pages[0].text and "Harbour Road" in pages[2].text


def test_without_ocr_a_scanned_page_stays_empty_and_shows_images(tmp_path: Path) -> None:
    pdf = scanned_pdf(tmp_path / "scan.pdf", [scan_image(INVOICE)], 200)
    (page,) = load_file(pdf).pages
    assert page.text == "" and page.images and page.engine == "pypdf"


def test_image_files_are_read_frame_by_frame(ocr: TesseractOcr, tmp_path: Path) -> None:
    lease, invoice = scan_image(LEASE, dpi=200), scan_image(INVOICE, dpi=200)
    lease.save(tmp_path / "lease.png")
    invoice.convert("RGB").save(tmp_path / "invoice.jpg", quality=85)
    lease.save(tmp_path / "both.tiff", save_all=True, append_images=[invoice])

    (png,) = load_file(tmp_path / "lease.png", ocr=ocr).pages
    (jpeg,) = load_file(tmp_path / "invoice.jpg", ocr=ocr).pages
    tiff = list(load_file(tmp_path / "both.tiff", ocr=ocr).pages)
    assert word_recall(LEASE, png.text) >= 0.95 and word_recall(INVOICE, jpeg.text) >= 0.95
    assert [p.number for p in tiff] == [1, 2] and all(p.engine == "ocr" for p in tiff)
    assert "Harbour Road" in tiff[0].text and "Northwind" in tiff[1].text


def test_a_corrupt_image_fails_with_a_reason(ocr: TesseractOcr, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 20)
    with pytest.raises(IngestError, match="unreadable image"):
        list(load_file(broken, ocr=ocr).pages)
    text = tmp_path / "text.jpg"
    text.write_text("a text file named like a photo")
    with pytest.raises(IngestError, match="unreadable image"):
        list(load_file(text, ocr=ocr).pages)


def test_the_off_switch_and_a_missing_language(tmp_path: Path) -> None:
    assert make_ocr(OcrSettings(enabled=False)) is None
    assert isinstance(make_ocr(OcrSettings()), TesseractOcr)
    with pytest.raises(ConfigError, match="no OCR model for klingon.*have: .*eng"):
        make_ocr(OcrSettings(language="eng+klingon"))


def test_ingest_reports_ocr_pages_and_goes_on_past_a_bad_image(index, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "inbox"
    folder.mkdir()
    scanned_pdf(folder / "lease.pdf", [scan_image(INVOICE), scan_image(LEASE)], 200)
    scan_image(INVOICE, dpi=150).save(folder / "invoice.png")
    (folder / "broken.tif").write_bytes(b"II*\x00" + b"\x00" * 64)
    (folder / "notes.txt").write_text("The spare keys are kept at the front desk.")
    before = set(threading.enumerate())

    report = ingest_paths([folder], index=index)

    entries = {Path(e.source).name: e for e in report.entries}
    assert entries["lease.pdf"].status == "added" and entries["lease.pdf"].ocr_pages == (1, 2)
    assert entries["lease.pdf"].reason == "read by OCR"
    assert entries["invoice.png"].status == "added" and entries["invoice.png"].ocr_pages == (1,)
    assert entries["broken.tif"].status == "failed"
    assert entries["broken.tif"].reason.startswith("unreadable image")
    assert entries["notes.txt"].status == "added" and report.ocr_pages == 3
    pages = {(c.metadata["file_name"], c.metadata["page"]) for c in index.fetch()
             if "Harbour Road" in c.text}
    assert pages == {("lease.pdf", 2)}
    ledger = {Path(r.source).name: r.ocr_pages for r in index.ledger.all()}
    assert ledger == {"lease.pdf": (1, 2), "invoice.png": (1,), "notes.txt": ()}
    started = set(threading.enumerate()) - before
    assert not [t for t in started if t.name.startswith("ocr")]  # the run's engine was closed


def test_with_ocr_off_scans_are_reported_and_images_skipped(settings, index,  # noqa: ANN001
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    scanned_pdf(folder / "lease.pdf", [scan_image(LEASE)], 200)
    scan_image(INVOICE, dpi=150).save(folder / "invoice.png")
    off = settings.model_copy(update={"ocr": OcrSettings(enabled=False)})

    report = ingest_paths([folder], off, index=index)

    entries = {Path(e.source).name: e for e in report.entries}
    assert entries["lease.pdf"].status == "skipped" and entries["lease.pdf"].scanned_pages == 1
    assert "OCR is off" in entries["lease.pdf"].reason
    assert entries["invoice.png"].status == "skipped"
    assert entries["invoice.png"].reason == "image file: OCR is off (ocr.enabled = false)"
    assert report.ocr_pages == 0 and index.fetch() == []


def test_a_blank_scan_is_reported_as_such(index, tmp_path: Path) -> None:  # noqa: ANN001
    from PIL import Image

    blank = Image.new("L", (1654, 2339), 255)
    scanned_pdf(tmp_path / "blank.pdf", [blank], 200)

    (entry,) = ingest_paths([tmp_path / "blank.pdf"], index=index).entries
    assert entry.status == "skipped" and entry.reason == "OCR found no text on page 1"
    assert entry.scanned_pages == 0 and entry.ocr_pages == ()


def test_a_garbled_text_layer_is_read_by_ocr_not_indexed(ocr: TesseractOcr, tmp_path: Path) -> None:
    lines = ["The boiler was replaced on 14 March 2019", "by the contractor Hallam and Sons."]
    pdf = garbled_pdf(tmp_path / "garbled.pdf", lines)
    (page,) = load_file(pdf, ocr=ocr).pages
    assert page.engine == "ocr" and not page.error
    assert word_recall(" ".join(lines), page.text) >= 0.9
    assert all(char.isprintable() or char.isspace() for char in page.text)

    (page,) = load_file(pdf).pages  # OCR off: no text, and the reason
    assert page.text == "" and page.garbled
    assert page.error == ("text layer unreadable (its fonts map the text to control "
                          "characters), and OCR is off (ocr.enabled)")

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ingest.readers.ocr import TesseractOcr
from rag.errors import ConfigError, IngestError
from rag.ui.page_image import MAX_SIDE, render_page
from tests.rag.ui.pictures import (
    HARBOUR,
    HARBOUR_PRINTED,
    HERONS,
    KEEPER,
    OWLS,
    SCAN_DPI,
    draw_scan,
    highlighted_box,
    make_text_pdf,
    overlap,
    scaled,
    text_box,
)

MARGIN = 6
"""Pixels a highlight may reach beyond the printed characters (its padding and outline)."""


@pytest.fixture(scope="module")
def ocr() -> TesseractOcr:
    return TesseractOcr()


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    return make_text_pdf(tmp_path / "birds.pdf")


def _covers(outer: tuple[float, ...], inner: tuple[float, ...], margin: float) -> bool:
    """``outer`` holds ``inner`` and reaches at most ``margin`` pixels beyond it."""
    return all(
        inner[i] - margin <= outer[i] <= inner[i] + 1 for i in (0, 1)
    ) and all(inner[i] - 1 <= outer[i] <= inner[i] + margin for i in (2, 3))


def test_a_quoted_sentence_is_highlighted_where_the_page_prints_it(pdf: Path) -> None:
    picture = render_page(pdf, 1, [KEEPER])

    keeper = text_box(pdf, 1, KEEPER.rstrip("."), picture.width)  # letters and digits are matched
    herons = text_box(pdf, 1, HERONS, picture.width)
    shown = highlighted_box(picture)
    assert shown is not None and _covers(shown, keeper, MARGIN), (shown, keeper)
    assert overlap(shown, herons) == 0


def test_a_sentence_hyphenated_at_a_line_end_is_found_from_its_indexed_text(pdf: Path) -> None:
    picture = render_page(pdf, 1, [HARBOUR])  # indexed without the hyphen and line break

    both_lines = text_box(pdf, 1, HARBOUR_PRINTED.rstrip("."), picture.width)
    first_line = text_box(pdf, 1, HARBOUR_PRINTED.split("-\n")[0], picture.width)
    shown = highlighted_box(picture)
    assert shown is not None and _covers(shown, both_lines, MARGIN), (shown, both_lines)
    assert both_lines[3] - first_line[3] > 10  # it did span two lines


def test_a_passage_not_on_the_page_highlights_nothing(pdf: Path) -> None:
    assert highlighted_box(render_page(pdf, 1, [OWLS])) is None
    assert highlighted_box(render_page(pdf, 2, [OWLS])) is not None


def test_a_passage_partly_on_the_page_highlights_its_longest_run(pdf: Path) -> None:
    printed = "The lighthouse keeper climbs two hundred and twelve steps"
    picture = render_page(pdf, 1, [f"{printed} and then words the page never had."])

    run = text_box(pdf, 1, printed, picture.width)
    shown = highlighted_box(picture)
    assert shown is not None and _covers(shown, run, MARGIN), (shown, run)
    assert highlighted_box(render_page(pdf, 1, ["The lighthouse keeper is tall."])) is None


def test_the_picture_is_rgb_at_the_asked_resolution_and_capped(pdf: Path, tmp_path: Path) -> None:
    from fpdf import FPDF

    picture = render_page(pdf, 1, [], dpi=110)
    assert picture.mode == "RGB"
    assert picture.width == math.ceil(210 / 25.4 * 110)  # A4 is 210 mm wide

    poster = FPDF(format=(2000, 1000))  # mm: a poster
    poster.set_font("Helvetica", size=40)
    poster.add_page()
    poster.multi_cell(0, 20, KEEPER)
    poster.output(str(tmp_path / "poster.pdf"))
    big = render_page(tmp_path / "poster.pdf", 1, [KEEPER], dpi=300)
    assert big.width == MAX_SIDE and abs(big.height - MAX_SIDE / 2) <= 1
    shown = highlighted_box(big)
    keeper = text_box(tmp_path / "poster.pdf", 1, KEEPER.rstrip("."), big.width)
    assert shown is not None and _covers(shown, keeper, MARGIN), (shown, keeper)


def test_a_scanned_page_is_read_by_ocr_to_highlight_the_quote(
    ocr: TesseractOcr, tmp_path: Path
) -> None:
    scan, (herons, keeper) = draw_scan([HERONS, KEEPER])
    path = tmp_path / "scan.pdf"
    scan.save(path, "PDF", resolution=SCAN_DPI)

    picture = render_page(path, 1, [KEEPER], ocr=ocr)

    factor = picture.width / scan.width
    shown = highlighted_box(picture)
    assert shown is not None and _covers(shown, scaled(keeper, factor), MARGIN), (
        shown, scaled(keeper, factor))
    assert overlap(shown, scaled(herons, factor)) == 0
    assert highlighted_box(render_page(path, 1, [KEEPER])) is None  # no OCR, no highlight


def test_an_image_files_frames_are_pages(ocr: TesseractOcr, tmp_path: Path) -> None:
    first, (_, keeper) = draw_scan([HERONS, KEEPER])
    second, _ = draw_scan([OWLS])
    path = tmp_path / "scans.tiff"
    first.save(path, save_all=True, append_images=[second])

    picture = render_page(path, 1, [KEEPER], ocr=ocr)

    assert max(picture.size) == MAX_SIDE  # 2339 pixels high, scaled down
    shown = highlighted_box(picture)
    factor = picture.width / first.width
    assert shown is not None and _covers(shown, scaled(keeper, factor), MARGIN), (
        shown, scaled(keeper, factor))
    assert highlighted_box(render_page(path, 2, [KEEPER], ocr=ocr)) is None
    with pytest.raises(IngestError, match="has 2 page"):
        render_page(path, 3, [KEEPER], ocr=ocr)


def test_unreadable_files_and_missing_pages_are_refused(pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="birds.pdf has 2 page"):
        render_page(pdf, 3, [KEEPER])
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    with pytest.raises(IngestError, match="broken.pdf cannot be opened"):
        render_page(broken, 1, [KEEPER])
    notes = tmp_path / "notes.txt"
    notes.write_text(KEEPER)
    with pytest.raises(ConfigError):
        render_page(notes, 1, [KEEPER])

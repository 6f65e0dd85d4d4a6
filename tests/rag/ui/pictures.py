"""Small documents with known sentences at known places, for the page picture tests.

A text PDF (fpdf2) whose sentences' boxes are read back from PDFium's
character boxes, and scans (text drawn with a TrueType font at 200 dpi) whose
sentences' boxes are where they were drawn. :func:`highlighted_box` finds the
yellow highlight in a picture.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

from tests.scans import FONTS

__all__ = [
    "HARBOUR",
    "HARBOUR_PRINTED",
    "HERONS",
    "KEEPER",
    "OWLS",
    "SCAN_DPI",
    "draw_scan",
    "highlighted_box",
    "make_text_pdf",
    "overlap",
    "scaled",
    "text_box",
]

Box = tuple[float, float, float, float]

HERONS = "Herons wait in the shallow water of the estuary until the tide turns at dusk."
KEEPER = "The lighthouse keeper climbs two hundred and twelve steps every single evening."
HARBOUR = "Storm warnings are posted at the harbourmaster's office before noon each day."
HARBOUR_PRINTED = HARBOUR.replace("harbourmaster's", "harbour-\nmaster's")
"""As printed: hyphenated at a line end, as the indexed (cleaned) text is not."""
OWLS = "Owls hunt over the dunes at night and sleep in the old church tower by day."
"""Printed on page 2 only."""

SCAN_DPI = 200


def make_text_pdf(path: Path) -> Path:
    """Page 1: herons, keeper, harbour (hyphenated), far apart; page 2: owls."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    for sentence in (HERONS, KEEPER, HARBOUR_PRINTED):
        pdf.multi_cell(0, 8, sentence)
        pdf.ln(30)
    pdf.add_page()
    pdf.multi_cell(0, 8, OWLS)
    pdf.output(str(path))
    return path


def text_box(path: Path, page: int, words: str, width: int) -> Box:
    """The box of printed ``words`` in a picture ``width`` pixels wide, from PDFium's char boxes."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        pdf_page = document[page - 1]
        textpage = pdf_page.get_textpage()
        text = textpage.get_text_range()
        assert len(text) == textpage.count_chars()  # fpdf2's text maps 1:1 onto char indices
        # PDFium gives a hyphen at a line end as U+FFFE, other line ends as CRLF.
        printed = words.replace("-\n", "\ufffe").replace("\n", "\r\n")
        start = text.index(printed)
        boxes = [textpage.get_charbox(i) for i in range(start, start + len(printed))
                 if not text[i].isspace()]
        page_width, page_height = pdf_page.get_size()
        textpage.close()
        pdf_page.close()
    finally:
        document.close()
    scale = width / page_width
    return (min(b[0] for b in boxes) * scale, (page_height - max(b[3] for b in boxes)) * scale,
            max(b[2] for b in boxes) * scale, (page_height - min(b[1] for b in boxes)) * scale)


def draw_scan(lines: list[str], *, size: tuple[int, int] = (1654, 2339)
              ) -> tuple[Image.Image, list[Box]]:
    """A grayscale page (A4 at 200 dpi) with one line of text every 200 pixels.

    Returns:
        The page and each line's drawn box.
    """
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONTS["serif"], round(11 * SCAN_DPI / 72))
    boxes: list[Box] = []
    for number, line in enumerate(lines):
        at = (150, 200 + 200 * number)
        draw.text(at, line, fill=0, font=font)
        boxes.append(draw.textbbox(at, line, font=font))
    return page, boxes


def scaled(box: Box, factor: float) -> Box:
    return (box[0] * factor, box[1] * factor, box[2] * factor, box[3] * factor)


def highlighted_box(picture: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of the yellow (highlighted) pixels; None when there are none.

    Page ink is gray, so only the highlight has much more red than blue.
    """
    red, _, blue = picture.convert("RGB").split()
    yellow = ImageChops.subtract(red, blue).point(lambda v: 255 if v > 60 else 0)
    return yellow.getbbox()


def overlap(a: Box, b: Box) -> float:
    """The area two boxes share (0 when apart)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0) * max(height, 0)

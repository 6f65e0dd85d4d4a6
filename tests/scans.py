"""Generated scans: text rendered to an image as a scanner would give it, and wrapped in a PDF.

Used by the OCR tests and by ``bench/ocr_bench.py``. A page is A4 at the
given resolution, the text wrapped to the page width in a TrueType font
installed with Debian's fonts (DejaVu, Liberation), then lightly degraded the
way a flatbed scan is: turned by a fraction of a degree, blurred, speckled.
The PDF holds one image per page and no text layer.
"""

from __future__ import annotations

import random
import re
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = ["FONTS", "scan_image", "scanned_pdf", "word_recall", "words"]

FONTS = {
    "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "mono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
}
"""Fonts the scans are set in, by a short name."""

_A4_INCHES = (8.27, 11.69)


def scan_image(text: str, *, dpi: int = 200, font: str = "serif", points: float = 11,
               seed: int = 0, degrade: bool = True) -> Image.Image:
    """One A4 page of ``text`` as a grayscale scan.

    Args:
        text: The page's text; paragraphs split on blank lines, each wrapped.
        dpi: Resolution of the scan.
        font: A key of :data:`FONTS`.
        points: Font size in points.
        seed: Seeds the speckle, so a page is the same each time.
        degrade: Turn, blur and speckle the page like a flatbed scan.

    Raises:
        ValueError: When the text does not fit on the page (the words OCR
            should find must all be on it).
    """
    width, height = (int(side * dpi) for side in _A4_INCHES)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    face = ImageFont.truetype(FONTS[font], round(points * dpi / 72))
    margin, line_height = dpi, round(points * 1.45 * dpi / 72)
    columns = max(20, int((width - 2 * margin) / (face.getlength("n") or 1)))
    y = margin
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        for line in textwrap.wrap(" ".join(paragraph.split()), columns):
            if y + line_height > height - margin:
                raise ValueError(f"the text does not fit on one page at {points} pt")
            draw.text((margin, y), line, fill=0, font=face)
            y += line_height
        y += line_height // 2
    if not degrade:
        return page
    page = page.rotate(0.4, resample=Image.Resampling.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.5 * dpi / 200))
    rnd = random.Random(seed)
    pixels = page.load()
    for _ in range(width * height // 400):
        pixels[rnd.randrange(width), rnd.randrange(height)] = rnd.choice((0, 255))
    return page


def scanned_pdf(path: Path, pages: Sequence[Image.Image], dpi: int) -> Path:
    """Write ``pages`` as a PDF of images (no text layer) at ``dpi``."""
    first, *rest = pages
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return path


def words(text: str) -> list[str]:
    """Lower-case words of letters and digits.

    Example:
        >>> words("Rent: $1,200 (monthly).")
        ['rent', '1', '200', 'monthly']
    """
    return re.findall(r"[a-z0-9]+", text.lower())


def word_recall(expected: str, found: str) -> float:
    """Share of ``expected``'s words that ``found`` has, each counted as often as it occurs.

    Example:
        >>> word_recall("the cat sat on the mat", "the cat sat on a mat")
        0.8333333333333334
    """
    want, got = Counter(words(expected)), Counter(words(found))
    total = sum(want.values())
    return sum(min(n, got[w]) for w, n in want.items()) / total if total else 1.0


def garbled_pdf(path: Path, lines: Sequence[str]) -> Path:
    """A one-page PDF that draws ``lines`` in Helvetica, whose ToUnicode map sends every
    character to control or private-use code points: it renders right, extracts as garbage
    (a font without a usable character map)."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CMapName /Garbled def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"2 beginbfrange <20> <3F> <0001> <40> <7E> <E000> endbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    text = b"BT /F1 14 Tf 72 720 Td 18 TL\n" + b"".join(
        b"(" + line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*\n"
        for line in lines) + b"ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(data))
    return path

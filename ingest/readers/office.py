"""Office documents into pages: DOCX (python-docx), after a check that it is no ZIP bomb."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.readers.types import LoadedFile, Page, SkipFile
from rag.errors import IngestError

__all__ = ["MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "load_docx"]


MAX_UNZIPPED_BYTES = 256 << 20
"""Most bytes a DOCX (a ZIP archive) may unpack to."""
MAX_ZIP_RATIO = 200
"""Highest unpacked-to-packed size ratio accepted for a DOCX part (text compresses ~10x)."""


def _check_not_a_zip_bomb(path: Path) -> None:
    """Refuse a DOCX whose parts would unpack to far more than the file's size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(f"corrupt DOCX: {exc}") from exc
    total = sum(m.file_size for m in members)
    ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
    if total > MAX_UNZIPPED_BYTES or (ratio > MAX_ZIP_RATIO and total > 10 << 20):
        raise SkipFile(
            f"refused: the DOCX would unpack to {total / (1 << 20):.0f} MB "
            f"(compression ratio {ratio:.0f}:1), which looks like a ZIP bomb"
        )


def load_docx(path: Path) -> LoadedFile:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    head = path.open("rb").read(4)
    if head != b"PK\x03\x04":
        raise SkipFile("not a DOCX file (no ZIP signature)")
    _check_not_a_zip_bomb(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise IngestError(f"corrupt DOCX: {exc}") from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors
        raise IngestError(f"corrupt DOCX: {exc}") from exc
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                parts.append(" | ".join(dict.fromkeys(c for c in cells if c)))
        else:
            parts.append(block.text)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip()
    title = document.core_properties.title or None
    return LoadedFile("docx", iter([Page(text)]), title)

"""Office documents into pages: DOCX (python-docx), after a check that it is no ZIP bomb."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

from ingest.blocks import clean_text, paragraph_blocks
from ingest.readers.types import Block, LoadedFile, Page, SkipFile, blocks_text
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
    blocks = tuple(_docx_blocks(document, Table))
    text = blocks_text(blocks)
    title = document.core_properties.title or None
    return LoadedFile("docx", iter([Page(text, blocks=blocks)]), title)


def _docx_blocks(document: Any, table_type: type) -> Iterator[Block]:
    """The document's blocks by their styles: ``Title`` and ``Heading N`` headings,
    ``List ...`` items, ``Caption`` captions, tables with their first row as heads;
    other paragraphs by the plain-text rules (a "Key: value" line is a field)."""
    groups = count(1)
    group = 0
    for part in document.iter_inner_content():
        if isinstance(part, table_type):
            rows = [tuple(dict.fromkeys(" ".join(cell.text.split()) for cell in row.cells))
                    for row in part.rows]
            rows = [row for row in rows if any(row)]
            if rows:
                heads, body = (rows[0], rows[1:]) if len(rows) > 1 else ((), rows)
                yield Block("table", heads=heads, rows=tuple(body))
            group = 0
            continue
        text = clean_text(part.text).strip()
        style = (part.style.name if part.style is not None else "") or ""
        if not text:
            continue
        if style == "Title" or style.startswith("Heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            yield Block("heading", " ".join(text.split()), level=level)
            group = 0
        elif style.startswith("List"):
            group = group or next(groups)
            marker = "1." if "Number" in style else "-"
            yield Block("item", f"{marker} {' '.join(text.split())}", group=group)
        elif style == "Caption":
            yield Block("caption", " ".join(text.split()))
            group = 0
        else:
            group = 0
            yield from paragraph_blocks([ln.strip() for ln in text.split("\n") if ln.strip()],
                                        groups=groups)

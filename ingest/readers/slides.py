"""PowerPoint presentations (PPTX, python-pptx) into pages: one page a slide.

A slide's title is its heading, the bullets of its body placeholders are
list items (one list a text box), other text boxes are paragraphs by the
plain-text rules, tables are tables with their first row as the heads, and
the speaker notes follow under a "Speaker notes" heading. Shapes are read
top to bottom, left to right; grouped shapes are read inside their group.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

from ingest.blocks import clean_text, paragraph_blocks
from ingest.readers.types import Block, LoadedFile, Page, SkipFile, blocks_text
from ingest.readers.zipped import open_zip
from rag.errors import IngestError

__all__ = ["NOTES_HEADING", "load_pptx"]

NOTES_HEADING = "Speaker notes"
"""The heading the speaker notes of a slide come under."""

_TITLES = ("TITLE", "CENTER_TITLE", "VERTICAL_TITLE")
_BODIES = ("BODY", "OBJECT", "VERTICAL_BODY", "VERTICAL_OBJECT")


def load_pptx(path: Path) -> LoadedFile:
    """A PPTX presentation, a page a slide (the page number is the slide number)."""
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    open_zip(path, "PPTX").close()
    try:
        deck = Presentation(str(path))
    except ValueError as exc:
        if "not a PowerPoint file" in str(exc):
            raise SkipFile("not a PPTX file (the package holds no presentation)") from exc
        raise IngestError(f"corrupt PPTX: {exc}") from exc
    except (PackageNotFoundError, KeyError) as exc:
        raise IngestError(f"corrupt PPTX: {exc}") from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors
        raise IngestError(f"corrupt PPTX: {type(exc).__name__}: {exc}") from exc
    title = deck.core_properties.title or None
    return LoadedFile("pptx", _pages(deck), title)


def _pages(deck: Any) -> Iterator[Page]:
    try:
        for number, slide in enumerate(deck.slides, start=1):
            blocks = tuple(slide_blocks(slide))
            yield Page(blocks_text(blocks), number=number, blocks=blocks)
    except (KeyError, ValueError, AttributeError) as exc:
        raise IngestError(f"corrupt PPTX: {type(exc).__name__}: {exc}") from exc


def slide_blocks(slide: Any) -> Iterator[Block]:
    """A slide's blocks: its title, its shapes' text and tables, its speaker notes."""
    groups = count(1)
    shapes = list(_shapes(slide.shapes))
    titles = [shape for shape in shapes if _placeholder(shape) in _TITLES]
    for shape in titles[:1]:
        text = " ".join(clean_text(shape.text_frame.text).split())
        if text:
            yield Block("heading", text, level=1)
    for shape in shapes:
        if shape in titles[:1]:
            continue
        yield from _shape_blocks(shape, groups)
    if slide.has_notes_slide:
        frame = slide.notes_slide.notes_text_frame
        lines = [line.strip() for line in clean_text(frame.text if frame else "").split("\n")
                 if line.strip()]
        if lines:
            yield Block("heading", NOTES_HEADING, level=2)
            yield from paragraph_blocks(lines, groups=groups)


def _shapes(shapes: Any) -> Iterator[Any]:
    """The shapes, groups opened, top to bottom and left to right."""
    def place(shape: Any) -> tuple[int, int]:
        return (shape.top or 0, shape.left or 0)

    for shape in sorted(shapes, key=place):
        if getattr(shape, "shape_type", None) is not None and shape.shape_type == 6:  # GROUP
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _placeholder(shape: Any) -> str:
    if not getattr(shape, "is_placeholder", False):
        return ""
    try:
        return str(shape.placeholder_format.type.name)
    except (AttributeError, ValueError):
        return ""


def _shape_blocks(shape: Any, groups: Iterator[int]) -> Iterator[Block]:
    if getattr(shape, "has_table", False) and shape.has_table:
        yield from _table(shape.table)
        return
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return
    paragraphs = [(" ".join(clean_text(p.text).split()), p.level)
                  for p in shape.text_frame.paragraphs]
    paragraphs = [(text, level) for text, level in paragraphs if text]
    if not paragraphs:
        return
    if _placeholder(shape) in _BODIES:
        group = next(groups)
        for text, _ in paragraphs:
            yield Block("item", f"- {text}", group=group)
    else:
        yield from paragraph_blocks([text for text, _ in paragraphs], groups=groups)


def _table(table: Any) -> Iterator[Block]:
    rows = [tuple(" ".join(clean_text(cell.text).split()) for cell in row.cells)
            for row in table.rows]
    rows = [row for row in rows if any(row)]
    if rows:
        heads, body = (rows[0], rows[1:]) if len(rows) > 1 else ((), rows)
        yield Block("table", heads=heads, rows=tuple(body))

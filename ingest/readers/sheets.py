"""Spreadsheets into pages: XLSX/XLSM (openpyxl), ODS (its XML, streamed) and CSV/TSV.

Each sheet is read row by row (:func:`ingest.readers.sheet_rows.sheet_pages`):
its header row heads a table whose rows are the sheet's rows, at most
:data:`~ingest.readers.sheet_rows.ROWS_PER_PAGE` to a page labelled with the
sheet and its rows (``"Sales!2-41"``). Values are the ones the file stores
as shown: an XLSX's cached results (formulas are never evaluated, macros
never run) in their number formats, an ODS cell's display text, a CSV's
text as written. Nothing holds a whole sheet: openpyxl reads in its
read-only mode, an ODS's ``content.xml`` is parsed as a stream, a CSV is
decoded in blocks.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from itertools import count, groupby
from pathlib import Path
from typing import Any

from ingest.readers.decoding import iter_text
from ingest.readers.sheet_rows import sheet_pages
from ingest.readers.types import LoadedFile, Page, SkipFile
from ingest.readers.zipped import open_zip, read_member
from rag.errors import IngestError

__all__ = ["MAX_REPEAT", "load_csv", "load_ods", "load_xlsx"]

MAX_REPEAT = 1000
"""Most copies made of a repeated ODS row or cell with content (empty ones are skipped)."""

_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def load_xlsx(path: Path) -> LoadedFile:
    """An XLSX or XLSM workbook, its sheets' cached values as their formats show them."""
    import openpyxl

    with open_zip(path, "XLSX") as archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise SkipFile("not an XLSX workbook (the package holds no xl/workbook.xml)")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_vba=False,
                                      keep_links=False)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError) as exc:
        raise IngestError(f"corrupt XLSX: {exc}") from exc
    except Exception as exc:  # openpyxl's InvalidFileException, XML parse errors
        raise IngestError(f"corrupt XLSX: {type(exc).__name__}: {exc}") from exc
    title = book.properties.title or None
    return LoadedFile("xlsx", _xlsx_pages(book), title)


def _xlsx_pages(book: Any) -> Iterator[Page]:
    from ingest.readers.numformat import show

    numbers = count(1)
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # trust the rows, not a stale <dimension>
            rows = ((n, [show(c.value, getattr(c, "number_format", None)) for c in row])
                    for n, row in enumerate(sheet.iter_rows(min_row=1), start=1))
            yield from sheet_pages(sheet.title, rows, numbers)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, EOFError) as exc:
        raise IngestError(f"corrupt XLSX: {exc}") from exc
    except Exception as exc:  # XML parse errors from inside the sheet stream
        if isinstance(exc, IngestError):
            raise
        raise IngestError(f"corrupt XLSX: {type(exc).__name__}: {exc}") from exc
    finally:
        book.close()


def load_ods(path: Path) -> LoadedFile:
    """An OpenDocument spreadsheet: each cell's display text, streamed from ``content.xml``."""
    archive = open_zip(path, "ODS")
    try:
        mime = read_member(archive, "mimetype", "ODS", limit=1024) \
            if "mimetype" in archive.namelist() else _ODS_MIME
        if not mime.strip().startswith(_ODS_MIME):
            raise SkipFile(f"not an ODS spreadsheet ({mime[:80].decode('ascii', 'replace')})")
        if "META-INF/manifest.xml" in archive.namelist() and b"encryption-data" in \
                read_member(archive, "META-INF/manifest.xml", "ODS"):
            raise SkipFile("encrypted ODS (password-protected): not read")
        if "content.xml" not in archive.namelist():
            raise IngestError("corrupt ODS: no content.xml")
    except BaseException:
        archive.close()
        raise
    return LoadedFile("ods", _ods_pages(archive))


def _ods_pages(archive: zipfile.ZipFile) -> Iterator[Page]:
    import xml.etree.ElementTree as ET

    numbers = count(1)
    try:
        with archive, archive.open("content.xml") as stream:
            rows = _ods_rows(stream)
            for (_, sheet), group in groupby(rows, key=lambda r: (r[0], r[1])):
                yield from sheet_pages(sheet, ((n, cells) for _, _, n, cells in group), numbers)
    except ET.ParseError as exc:
        raise IngestError(f"corrupt ODS: content.xml: {exc}") from exc
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise IngestError(f"corrupt ODS: {exc}") from exc


def _ods_rows(stream: Any) -> Iterator[tuple[int, str, int, list[str]]]:
    """``(sheet index, sheet name, row number, cells)`` of every row, as parsed."""
    import xml.etree.ElementTree as ET

    stack: list[Any] = []
    sheet, name, number = 0, "", 0
    cells: list[str] = []
    for event, elem in ET.iterparse(stream, events=("start", "end")):
        if event == "start":
            stack.append(elem)
            if elem.tag == f"{{{_TABLE}}}table":
                sheet, name, number = sheet + 1, elem.get(f"{{{_TABLE}}}name", ""), 0
            elif elem.tag == f"{{{_TABLE}}}table-row":
                cells = []
            continue
        stack.pop()
        if elem.tag in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
            text = _cell_text(elem)
            repeat = int(elem.get(f"{{{_TABLE}}}number-columns-repeated", "1") or 1)
            cells.extend([text] * (min(repeat, MAX_REPEAT) if text else min(repeat, 1)))
            elem.clear()
        elif elem.tag == f"{{{_TABLE}}}table-row":
            repeat = int(elem.get(f"{{{_TABLE}}}number-rows-repeated", "1") or 1)
            if any(cells):
                for _ in range(min(repeat, MAX_REPEAT)):
                    number += 1
                    yield sheet, name, number, list(cells)
                number += max(0, repeat - MAX_REPEAT)
            else:
                number += repeat
            elem.clear()
            if stack:
                stack[-1].remove(elem)


def _cell_text(cell: Any) -> str:
    """A cell's display text (its paragraphs), else its stored value."""
    paragraphs = [_paragraph_text(p) for p in cell.iter(f"{{{_TEXT}}}p")]
    if paragraphs:
        return " ".join(p for p in paragraphs if p)
    for attribute in ("value", "date-value", "time-value", "boolean-value", "string-value"):
        value = cell.get(f"{{{_OFFICE}}}{attribute}")
        if value is not None:
            return value
    return ""


def _paragraph_text(elem: Any) -> str:
    parts = [elem.text or ""]
    for child in elem:
        tag = child.tag.rpartition("}")[2]
        if tag == "s":
            parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1") or 1))
        elif tag in ("tab", "line-break"):
            parts.append(" ")
        else:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def load_csv(path: Path) -> LoadedFile:
    """A CSV or TSV file (a ``.tsv`` or ``.tab`` is tab-separated; a CSV's delimiter is
    sniffed), one sheet named after the file."""
    blocks = iter_text(path)
    first = next(blocks, "")
    tab = path.suffix.lower() in (".tsv", ".tab")
    delimiter = "\t" if tab else _delimiter(first)
    lines = _lines(_chained(first, blocks))
    return LoadedFile(path.suffix.lower().lstrip("."), _csv_pages(lines, delimiter, path.stem))


def _chained(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _delimiter(sample: str) -> str:
    """The delimiter of a CSV: the one of ``, ; | tab`` that splits its first lines alike."""
    lines = [line for line in sample[:65536].splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not sample.endswith("\n"):
        lines = lines[:-1]  # the last line may be cut
    best, best_score = ",", 0
    for candidate in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in lines]
        if counts and min(counts) > 1:
            score = sum(1 for c in counts if c == counts[0]) * 10 + counts[0]
            if score > best_score:
                best, best_score = candidate, score
    return best


def _lines(blocks: Iterator[str]) -> Iterator[str]:
    """Lines (with their ends) from text blocks that may cut a line."""
    tail = ""
    for block in blocks:
        parts = re.split(r"(?<=\n)", tail + block)
        tail = parts.pop()
        yield from parts
    if tail:
        yield tail


def _csv_pages(lines: Iterator[str], delimiter: str, name: str) -> Iterator[Page]:
    reader = csv.reader(lines, delimiter=delimiter)
    rows = ((reader.line_num, row) for row in reader)
    try:
        yield from sheet_pages(name, rows, count(1))
    except csv.Error as exc:
        raise IngestError(f"corrupt CSV at line {reader.line_num}: {exc}") from exc

"""E-books and notebooks into pages: EPUB (its chapters in reading order) and Jupyter notebooks.

An EPUB is a ZIP of XHTML chapters; ``META-INF/container.xml`` names the
package document (OPF), whose spine lists the chapters in reading order.
They are read here with :mod:`zipfile` and the project's HTML block reader
(:func:`ingest.readers.html_blocks.html_blocks`), a page a chapter titled by
the table of contents (EPUB 3 navigation document or EPUB 2 NCX). An EPUB
whose chapters are encrypted (DRM) is skipped.

A notebook's Markdown cells go through the Markdown block reader, its code
cells become code blocks; outputs are left out.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ingest.readers.types import Block, LoadedFile, Page, SkipFile, blocks_text
from ingest.readers.zipped import MAX_MEMBER_BYTES, open_zip, read_member
from rag.errors import IngestError

__all__ = ["load_epub", "load_ipynb"]

_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_FONT_OBFUSCATION = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")


def _xml(data: bytes, what: str) -> Any:
    import xml.etree.ElementTree as ET

    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise IngestError(f"corrupt EPUB: {what}: {exc}") from exc


def load_epub(path: Path) -> LoadedFile:
    """An EPUB book, a page a chapter in spine order, each titled by the table of contents."""
    archive = open_zip(path, "EPUB")
    try:
        names = set(archive.namelist())
        if "mimetype" in names:
            mime = read_member(archive, "mimetype", "EPUB", limit=1024).strip()
            if mime != b"application/epub+zip":
                raise SkipFile(f"not an EPUB ({mime[:80].decode('ascii', 'replace')})")
        if "META-INF/container.xml" not in names:
            raise SkipFile("not an EPUB (no META-INF/container.xml)")
        _refuse_drm(archive, names)
        container = _xml(read_member(archive, "META-INF/container.xml", "EPUB"), "container.xml")
        root = container.find(f".//{_CONTAINER}rootfile")
        opf_path = root.get("full-path", "") if root is not None else ""
        opf = _xml(read_member(archive, opf_path, "EPUB"), opf_path)
        title = (opf.findtext(f".//{_DC}title") or "").strip() or None
        chapters, toc = _spine(opf, posixpath.dirname(opf_path))
        titles = _toc_titles(archive, toc, names)
    except BaseException:
        archive.close()
        raise
    return LoadedFile("epub", _chapter_pages(archive, chapters, titles), title)


def _refuse_drm(archive: zipfile.ZipFile, names: set[str]) -> None:
    """Skip a book whose chapters are encrypted (font obfuscation alone is fine)."""
    if "META-INF/encryption.xml" not in names:
        return
    data = read_member(archive, "META-INF/encryption.xml", "EPUB")
    encrypted = _xml(data, "encryption.xml")
    for item in encrypted.iter():
        if item.tag.endswith("EncryptionMethod") and \
                item.get("Algorithm", "") not in _FONT_OBFUSCATION:
            raise SkipFile("encrypted EPUB (DRM-protected): not read")


def _spine(opf: Any, base: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The chapters' paths in reading order, and the tables of contents (path, kind)."""
    manifest: dict[str, tuple[str, str, str]] = {}
    for item in opf.iter(f"{_OPF}item"):
        href = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
        manifest[item.get("id", "")] = (href, item.get("media-type", ""),
                                        item.get("properties", ""))
    toc = [(href, "nav") for href, _, props in manifest.values() if "nav" in props.split()]
    spine = opf.find(f"{_OPF}spine")
    if spine is None:
        raise IngestError("corrupt EPUB: the package has no spine")
    ncx = manifest.get(spine.get("toc", ""))
    if ncx is not None:
        toc.append((ncx[0], "ncx"))
    chapters = []
    for ref in spine.iter(f"{_OPF}itemref"):
        item = manifest.get(ref.get("idref", ""))
        if item is not None and "nav" not in item[2].split() and "html" in item[1]:
            chapters.append(item[0])
    return chapters, toc


def _toc_titles(archive: zipfile.ZipFile, toc: list[tuple[str, str]],
                names: set[str]) -> dict[str, str]:
    """Each chapter path's title in the table of contents (the first entry pointing at it)."""
    from bs4 import BeautifulSoup

    titles: dict[str, str] = {}
    for href, kind in toc:
        if href not in names:
            continue
        base = posixpath.dirname(href)
        if kind == "nav":
            soup = BeautifulSoup(read_member(archive, href, "EPUB"), "lxml")
            links = [(a.get("href", ""), a.get_text(" ", strip=True)) for a in soup.find_all("a")]
        else:
            ncx = _xml(read_member(archive, href, "EPUB"), href)
            links = [(point.find(f"{_NCX}content").get("src", ""),
                      " ".join((point.findtext(f"{_NCX}navLabel/{_NCX}text") or "").split()))
                     for point in ncx.iter(f"{_NCX}navPoint")
                     if point.find(f"{_NCX}content") is not None]
        for link, text in links:
            target = posixpath.normpath(posixpath.join(base, unquote(link.split("#")[0])))
            if text and link:
                titles.setdefault(target, text)
    return titles


def _chapter_pages(archive: zipfile.ZipFile, chapters: list[str],
                   titles: dict[str, str]) -> Iterator[Page]:
    from bs4 import BeautifulSoup

    from ingest.readers.html_blocks import html_blocks

    number = 0
    with archive:
        for chapter in chapters:
            if chapter not in archive.NameToInfo:
                continue
            soup = BeautifulSoup(read_member(archive, chapter, "EPUB", MAX_MEMBER_BYTES), "lxml")
            blocks = html_blocks(soup)
            title = titles.get(chapter) or next(
                (b.text for b in blocks if b.kind == "heading"), None)
            if title and not (blocks and blocks[0].kind == "heading"):
                blocks.insert(0, Block("heading", title, level=1))
            if not blocks:
                continue
            number += 1
            yield Page(blocks_text(blocks), number=number, label=title, blocks=tuple(blocks))


def load_ipynb(path: Path) -> LoadedFile:
    """A Jupyter notebook: Markdown cells as Markdown, code cells as code; no outputs."""
    from ingest.readers.markdown import markdown_blocks

    if path.stat().st_size > MAX_MEMBER_BYTES:
        raise SkipFile(f"notebook too large ({path.stat().st_size >> 20} MB)")
    try:
        notebook = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise SkipFile(f"not a Jupyter notebook (not JSON: {exc})") from exc
    if not isinstance(notebook, dict) or not isinstance(_cells(notebook), list):
        raise SkipFile("not a Jupyter notebook (no cells)")
    blocks: list[Block] = []
    for cell in _cells(notebook):
        if not isinstance(cell, dict):
            raise IngestError("corrupt notebook: a cell is no JSON object")
        source = cell.get("source", cell.get("input", ""))
        text = "".join(source) if isinstance(source, list) else str(source or "")
        if not text.strip():
            continue
        if cell.get("cell_type") == "markdown":
            blocks.extend(markdown_blocks(text))
        elif cell.get("cell_type") == "code":
            blocks.append(Block("code", text.strip("\n")))
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return LoadedFile("ipynb", iter([Page(blocks_text(blocks), blocks=tuple(blocks))]), title)


def _cells(notebook: dict[str, Any]) -> Any:
    """The cells of a notebook (format 4), or of its first worksheet (format 3)."""
    if "cells" in notebook:
        return notebook["cells"]
    sheets = notebook.get("worksheets")
    if isinstance(sheets, list) and sheets and isinstance(sheets[0], dict):
        return sheets[0].get("cells")
    return None

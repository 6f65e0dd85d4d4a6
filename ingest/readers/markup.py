"""Plain text, Markdown, reStructuredText and HTML files into pages.

Text comes in blocks (:func:`ingest.readers.decoding.iter_text`), so a large
file is never in memory whole; HTML is parsed whole, up to :data:`MAX_HTML_BYTES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from itertools import chain
from pathlib import Path

from ingest.readers.decoding import decode_text, iter_text
from ingest.readers.types import LoadedFile, Page, SkipFile, blocks_text

__all__ = ["MAX_HTML_BYTES", "load_html", "load_markdown", "load_rst", "load_text"]


MAX_HTML_BYTES = 32 << 20
"""Largest HTML file read: the parser holds the whole document tree (several times its size)."""


def _read_text(path: Path) -> str:
    """The whole text of a file whose format needs all of it at once (HTML)."""
    return decode_text(path.read_bytes())


def _text_pages(path: Path) -> tuple[str, Iterator[Page]]:
    """Read a text file as blocks: the first block, and pages of all blocks, lazily.

    A long file comes in several blocks of at most :data:`ingest.readers.decoding.BLOCK_CHARS`
    characters cut at paragraph breaks (see :func:`ingest.readers.decoding.iter_text`),
    so it is never in memory whole. Each block is a :class:`Page` without a
    number: text files have no pages. The encoding and the binary check
    happen here, before the pages are taken.
    """
    blocks = iter_text(path)
    first = next(blocks, "")
    return first, _offset_pages(chain([first], blocks))


def _offset_pages(blocks: Iterator[str]) -> Iterator[Page]:
    offset = 0
    for block in blocks:
        yield Page(block, offset=offset)
        offset += len(block)


_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_RST_TITLE = re.compile(r"^\s*(\S[^\n]*)\n([=\-~^\"'`#*+]{3,})\s*$", re.MULTILINE)


def load_text(path: Path) -> LoadedFile:
    _, pages = _text_pages(path)
    return LoadedFile("text", pages)


def load_markdown(path: Path) -> LoadedFile:
    first, pages = _text_pages(path)
    match = _MD_TITLE.search(first[:20_000])
    return LoadedFile("markdown", _with_markdown_blocks(pages), match.group(1) if match else None)


def _with_markdown_blocks(pages: Iterator[Page]) -> Iterator[Page]:
    """Each block of a Markdown file with its parsed blocks (blocks are cut at blank lines)."""
    from ingest.readers.markdown import markdown_blocks

    for page in pages:
        yield replace(page, blocks=tuple(markdown_blocks(page.text)))


def load_rst(path: Path) -> LoadedFile:
    first, pages = _text_pages(path)
    match = _RST_TITLE.search(first[:20_000])
    title = None
    if match and len(match.group(2)) >= len(match.group(1).strip()):  # underlined in full
        title = match.group(1).strip()
    return LoadedFile("rst", pages, title)


def load_html(path: Path) -> LoadedFile:
    from bs4 import BeautifulSoup

    size = path.stat().st_size
    if size > MAX_HTML_BYTES:
        raise SkipFile(
            f"HTML file too large to parse ({size / (1 << 20):.0f} MB; the limit is "
            f"{MAX_HTML_BYTES >> 20} MB): save it as text (.txt) to ingest it"
        )
    from ingest.readers.html_blocks import html_blocks, html_title

    soup = BeautifulSoup(_read_text(path), "lxml")
    title = html_title(soup)
    blocks = tuple(html_blocks(soup))
    text = blocks_text(blocks)
    return LoadedFile("html", iter([Page(text, blocks=blocks)]), title)

"""Chunk headers: the document's title and the chunk's section, a short line per chunk.

A chunk cut from the middle of a report rarely names the report ("The
Company's gross margin decreased ..."), so what the index embeds and
keyword-indexes for a chunk starts with a header: the document's title (and
file name) and the heading of the section the chunk starts in, for example
``2023 Q3 AAPL — Note 4 – Condensed Consolidated Financial Statement Details``.
The header is stored in the chunk's metadata (``title``, ``section``,
``header``); the chunk's text, the one that is shown and quoted, stays as it
was (see :func:`rag.index.searchable_text`).

The rules, kept simple on purpose:

- **Title**: the document's own title (PDF or DOCX metadata, HTML ``<title>``,
  the first ``#`` heading of Markdown, the underlined title of
  reStructuredText) when it looks like one (:func:`looks_like_title`: it
  holds a word of three letters or more, so an SEC accession number such as
  ``0000320193-22-000070`` is not a title), else the file name without its
  extension.
- **File name**: follows the document's own title unless the title holds
  all its words already: people name files with what questions ask for
  (``2023 Q1 MSFT.pdf`` for "Form 10-Q for Microsoft Corp filed 01/24/2023").
- **Section**: Markdown headings (``#`` lines outside code fences); in other
  formats a line that looks like a heading (:func:`heading_line`) and was not
  seen before in the document (a line that recurs is a running page header or
  a table's column titles, not a section). A chunk's section is the last
  heading that begins before the end of its second line (so a heading it
  opens with counts, after a running page header too), pages before included.
- A part the chunk's first line already says is left out; the header is cut
  to :data:`HEADER_TOKENS` tokens.

Changing these rules changes the chunks: bump
:data:`rag.index.searchable.HEADER_VERSION` with them, so indexes are rebuilt.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from pathlib import PurePath

__all__ = [
    "HEADER_TOKENS",
    "ChunkHeaders",
    "document_title",
    "heading_line",
    "looks_like_title",
]

HEADER_TOKENS = 32
"""Most tokens in a chunk's header (a product rule: about one line, room for a
report's title, its file name and a section heading); the chunker leaves this
much room below the embedding model's limit."""

SEPARATOR = " — "
"""Between the title, the file name and the section."""

_TITLE_WORD = re.compile(r"[^\W\d_]{3,}")
_WORD = re.compile(r"\w+")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_NUMBERING = re.compile(r"^(\d+(\.\d+)*\.?|[IVXLC]+\.)\s+")
_HEADING_WORDS = 10
_HEADING_CHARS = 80
_LEADING_LINES = 2


def looks_like_title(text: str | None) -> bool:
    """Whether a metadata title says something: it holds a word of 3+ letters.

    Example:
        >>> looks_like_title("Form 10-Q for Microsoft Corp")
        True
        >>> looks_like_title("0000320193-22-000070")
        False
    """
    return bool(text and _TITLE_WORD.search(text))


def document_title(title: str | None, file_name: str | None) -> str:
    """The title a document's chunks carry: its own when it looks like one, else its file name.

    Args:
        title: The title the loader found (metadata or first heading), if any.
        file_name: The file's name, if the document is a file.

    Returns:
        The title, the file name without extension, or "" when there is neither.

    Example:
        >>> document_title("0000320193-23-000077", "2023 Q3 AAPL.pdf")
        '2023 Q3 AAPL'
    """
    if looks_like_title(title):
        return " ".join(str(title).split())
    return PurePath(file_name).stem if file_name else ""


def heading_line(line: str) -> str | None:
    """The line as a heading when it looks like one (formats without heading marks).

    A heading is short (at most 10 words, 80 characters), starts with a
    capital letter (after an optional number such as ``2.1`` or ``IV.``),
    capitalises every word of four letters or more and its last word (so a
    line of a wrapped sentence ending "... of" is not one), is mostly letters
    (so table rows of figures are not headings) and does not end like a
    sentence or a clause (``.``, ``,``, ``;``, ``:``).

    Example:
        >>> heading_line("Note 4 – Condensed Consolidated Financial Statement Details")
        'Note 4 – Condensed Consolidated Financial Statement Details'
        >>> [heading_line(s) for s in ("Apple Inc.", "Components $ 3,788 $ 1,637", "the end")]
        [None, None, None]
    """
    text = " ".join(line.split())
    words = text.split()
    if not words or len(words) > _HEADING_WORDS or len(text) > _HEADING_CHARS:
        return None
    if text[-1] in ".,;:" or not _TITLE_WORD.search(text):
        return None
    if not _NUMBERING.sub("", text)[:1].isupper():
        return None
    letters = sum(c.isalpha() for c in text)
    if letters * 4 < 3 * sum(not c.isspace() for c in text):
        return None
    for n, word in enumerate(words, start=1):
        alpha = [c for c in word if c.isalpha()]
        if alpha and not alpha[0].isupper() and (len(alpha) >= 4 or n == len(words)):
            return None
    return text


def _lines_end(text: str, count: int) -> int:
    """The offset just past the end of the ``count``-th non-blank line of ``text``."""
    position = 0
    for line in text.splitlines(keepends=True):
        position += len(line)
        if line.strip():
            count -= 1
            if count == 0:
                return position - (len(line) - len(line.rstrip("\r\n")))
    return len(text)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return _plain(_MD_HEADING.sub(r"\1", line))
    return ""


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _plain(text: str) -> str:
    return " ".join(text.split()).strip(" .:").casefold()


class ChunkHeaders:
    """Builds the header metadata of one document's chunks, page after page.

    Call :meth:`page` with each page's text before :meth:`metadata` for its chunks.

    Args:
        title: The title the loader found (metadata or first heading), if any.
        file_name: The document's file name, if it is a file.
        markdown: Sections come from ``#`` headings (else from heading-like lines).
        count_tokens: Tokens in a text (the chunker's count).
        truncate: Cuts a text to at most a number of tokens.
        limit: Most tokens in a header.
    """

    def __init__(
        self,
        title: str | None,
        *,
        file_name: str | None,
        markdown: bool,
        count_tokens: Callable[[str], int],
        truncate: Callable[[str, int], str],
        limit: int = HEADER_TOKENS,
    ) -> None:
        self.title = document_title(title, file_name)
        stem = PurePath(file_name).stem if file_name else ""
        said = set(_words(self.title))
        self.name = stem if not set(_words(stem)) <= said else ""
        """The file name, when the title does not say it already."""
        self.markdown = markdown
        self.count_tokens = count_tokens
        self.truncate = truncate
        self.limit = limit
        self._starts: list[int] = []
        self._names: list[str] = []
        self._before = ""
        self._fenced = False
        self._seen: set[str] = set()

    def page(self, text: str) -> None:
        """Find the headings of the next page (the last one carries over to later pages)."""
        if self._names:
            self._before = self._names[-1]
        self._starts, self._names = [], []
        position = 0
        for line in text.splitlines(keepends=True):
            name = self._heading(line)
            if name:
                self._starts.append(position)
                self._names.append(name)
            position += len(line)

    def _heading(self, line: str) -> str | None:
        if not self.markdown:
            name = heading_line(line)
            if name is None or name.casefold() in self._seen:
                return None  # a repeated line: a running page header or a table's column titles
            self._seen.add(name.casefold())
            return name
        if _FENCE.match(line):
            self._fenced = not self._fenced
            return None
        match = None if self._fenced else _MD_HEADING.match(line.rstrip("\r\n"))
        return " ".join(match.group(1).split()) if match else None

    def section(self, text: str, start: int) -> str:
        """The section of a chunk: the last heading that begins before the end of its second line.

        So a chunk that opens with a heading (or a running page header, then
        a heading) gets that heading, and one that opens in the middle of a
        section gets the heading above it, on an earlier page if need be.

        Args:
            text: The chunk's text.
            start: Its offset in the current page.
        """
        reach = start + _lines_end(text, _LEADING_LINES)
        n = bisect.bisect_left(self._starts, reach)
        return self._names[n - 1] if n else self._before

    def metadata(self, text: str, start: int) -> dict[str, str]:
        """``title``, ``section`` and ``header`` of a chunk (each left out when empty).

        Args:
            text: The chunk's text.
            start: Its offset in the current page.
        """
        section = self.section(text, start)
        first = _first_line(text)
        parts: list[str] = []
        for part in (self.title, self.name, section):
            if part and _plain(part) != first and all(_plain(part) != _plain(p) for p in parts):
                parts.append(part)
        header = SEPARATOR.join(parts)
        if header and self.count_tokens(header) > self.limit:
            header = self.truncate(header, self.limit).rstrip(" " + SEPARATOR)
        meta = {"title": self.title, "section": section, "header": header}
        return {key: value for key, value in meta.items() if value}

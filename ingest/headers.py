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
- **Section**: the heading the chunk falls under, from the page's blocks (a
  heading the chunk opens with, else the last one before it, pages before
  included; see :mod:`ingest.packing`).
- A part the chunk's first line already says is left out; the header is cut
  to :data:`HEADER_TOKENS` tokens.

Changing these rules changes the chunks: bump
:data:`rag.index.searchable.HEADER_VERSION` with them, so indexes are rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

__all__ = [
    "HEADER_TOKENS",
    "ChunkHeaders",
    "document_title",
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
    """Builds the header metadata of one document's chunks.

    Args:
        title: The title the loader found (metadata or first heading), if any.
        file_name: The document's file name, if it is a file.
        count_tokens: Tokens in a text (the chunker's count).
        truncate: Cuts a text to at most a number of tokens.
        limit: Most tokens in a header.
    """

    def __init__(
        self,
        title: str | None,
        *,
        file_name: str | None,
        count_tokens: Callable[[str], int],
        truncate: Callable[[str, int], str],
        limit: int = HEADER_TOKENS,
    ) -> None:
        self.title = document_title(title, file_name)
        stem = PurePath(file_name).stem if file_name else ""
        said = set(_words(self.title))
        self.name = stem if not set(_words(stem)) <= said else ""
        """The file name, when the title does not say it already."""
        self.count_tokens = count_tokens
        self.truncate = truncate
        self.limit = limit

    def metadata(self, text: str, section: str = "") -> dict[str, str]:
        """``title``, ``section`` and ``header`` of a chunk (each left out when empty).

        Args:
            text: The chunk's text.
            section: The heading the chunk falls under (from the page's blocks,
                see :mod:`ingest.packing`).
        """
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

"""What the index embeds and keyword-indexes for a chunk: its header, then its text.

Ingest stores a short header in each chunk's metadata (the document's title
and the chunk's section, see :mod:`ingest.headers`). The vector and the BM25
entry of a chunk are made from the header followed by the text, so a chunk
that never names its document is still found by the document's name; the
stored text (what is shown and quoted) stays the chunk's text alone.

Example:
    >>> searchable_text("Net sales rose 8%.", {"header": "2023 Q3 AAPL — Results"})
    '2023 Q3 AAPL — Results\\n\\nNet sales rose 8%.'
    >>> searchable_text("No header here.", {})
    'No header here.'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["HEADER_KEY", "HEADER_VERSION", "searchable_text"]

HEADER_KEY = "header"
"""The metadata key of a chunk's header."""

HEADER_VERSION = 10
"""The form of the chunks ingest writes (1: title and section headers, see
:mod:`ingest.headers`; 2: chunks packed from typed blocks with their units, see
:mod:`ingest.packing`; 3: a PDF's tables read from its words' positions, see
:mod:`ingest.blocks.layout`; 4: a running footer under a table is no row of it;
5: a table of contents is left out, see :mod:`ingest.blocks.contents`; 6: a PDF's
tables of words without figures, see :mod:`ingest.blocks.grids`; 7: lines of labels and
figures, a receipt's or a price list's, are rows, see :mod:`ingest.blocks.plain`, and
columns lined up with spaces a table, see :mod:`ingest.blocks.aligned`; 8: a heading
unit holds the headings above it, see :class:`rag.index.units.Unit`, and a plain text
FAQ's "Q:" line is the heading of its answer; 9: a mail's "Subject:" line is the heading
of its text, a contract's numbered clause "3.1 ..." a list item; 10: a table of words
whose heads name a unit ("Area (km2)") is a table). The index manifest
records it (``chunk_header``; 0 for collections built before headers existed), so a
collection built with another form is rebuilt by the next ingest instead of mixing two
kinds of chunks. Change it whenever the header rules change."""


def searchable_text(text: str, metadata: Mapping[str, Any] | None) -> str:
    """The text embedded and keyword-indexed for a chunk: header, blank line, text.

    Args:
        text: The chunk's text (as stored and shown).
        metadata: The chunk's metadata; a chunk without ``header`` is indexed as it is.

    Returns:
        The text to embed and to index.
    """
    header = str((metadata or {}).get(HEADER_KEY) or "").strip()
    return f"{header}\n\n{text}" if header else text

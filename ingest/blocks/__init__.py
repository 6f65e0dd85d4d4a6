"""Typed blocks from text: clean text, the blocks of plain text, page furniture.

Readers of formats with structure (Markdown, HTML, DOCX) hand over their own
blocks (:class:`ingest.readers.types.Block`); for the others (plain text, PDF
text layers, OCR) the blocks are found here from the text's lines.

What lives here:

- :mod:`~ingest.blocks.clean`: Unicode NFKC, soft hyphens and control
  characters out, end-of-line hyphens joined, hard-wrapped lines unwrapped;
- :mod:`~ingest.blocks.plain`: the blocks of plain text (headings, paragraphs,
  list items, key-value fields, rows of figures);
- :mod:`~ingest.blocks.furniture`: running headers and footers and page
  numbers, found across a document's pages;
- :mod:`~ingest.blocks.contents`: a table of contents, left out like furniture;
- :mod:`~ingest.blocks.layout`: a PDF page's tables from where its words stand
  (columns and their heads).

May import: :mod:`ingest.readers.types` and :mod:`rag.text`; nothing else of
ingest, never the index or the query path.

Example:
    >>> [(b.kind, b.text) for b in text_blocks("Harbor lights\\nThe lighthouse was built in 1871.")]
    [('heading', 'Harbor lights'), ('paragraph', 'The lighthouse was built in 1871.')]
"""

from __future__ import annotations

from ingest.blocks.clean import clean_text, unwrap_lines
from ingest.blocks.contents import contents_left_out
from ingest.blocks.furniture import PageFurniture
from ingest.blocks.layout import page_blocks
from ingest.blocks.plain import paragraph_blocks, text_blocks

__all__ = [
    "PageFurniture",
    "clean_text",
    "contents_left_out",
    "page_blocks",
    "paragraph_blocks",
    "text_blocks",
    "unwrap_lines",
]

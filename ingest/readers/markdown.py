"""Markdown into typed blocks, with a real parser (markdown-it-py, CommonMark and GFM tables).

Headings (ATX ``#`` and setext underlines) become headings, list items items
(one group per list), GFM tables tables with their head row, fenced and
indented code code, and paragraphs paragraphs. A paragraph's soft line breaks
are kept for the plain-text rules (:func:`ingest.blocks.paragraph_blocks`), so
a form written as "Key: value" lines stays a form and a hard-wrapped
paragraph is unwrapped. Inline markup is dropped (``**bold**`` -> ``bold``,
links keep their text, images their alt text).

Example:
    >>> blocks = markdown_blocks("# Harbor lights\\nThe lighthouse was built in 1871.")
    >>> [(b.kind, b.text) for b in blocks]
    [('heading', 'Harbor lights'), ('paragraph', 'The lighthouse was built in 1871.')]
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from itertools import count
from typing import TYPE_CHECKING, Any

from ingest.blocks import clean_text, paragraph_blocks
from ingest.blocks.clean import hyphenated_words, unwrap_lines
from ingest.readers.types import Block

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["markdown_blocks"]


@functools.cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown text, in order.

    Args:
        text: The Markdown source.

    Returns:
        The blocks (headings, paragraphs, items, tables, code).
    """
    text = clean_text(text)
    tokens = _parser().parse(text)
    return list(_Walker(hyphenated_words(text)).blocks(tokens))


class _Walker:
    def __init__(self, known: set[str]) -> None:
        self.known = known
        self.groups = count(1)

    def blocks(self, tokens: Sequence[Token]) -> Iterator[Block]:
        lists: list[int] = []  # the group of each open list
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                yield Block("heading", _inline(tokens[i + 1]), level=int(token.tag[1:]))
                i += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                lists.append(next(self.groups))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "list_item_open" and lists:
                end = _closing(tokens, i)
                yield from self._item(tokens[i + 1:end], token, lists[-1])
                i = end + 1
                continue
            elif kind == "table_open":
                end = _closing(tokens, i)
                yield _table(tokens[i:end])
                i = end + 1
                continue
            elif kind in ("fence", "code_block"):
                yield Block("code", token.content.rstrip("\n"))
            elif kind == "paragraph_open":
                lines = _inline(tokens[i + 1]).split("\n")
                yield from paragraph_blocks([ln.strip() for ln in lines if ln.strip()],
                                            known=self.known, groups=self.groups)
                i += 3
                continue
            elif kind == "html_block":
                text = token.content.strip()
                if text and not text.startswith("<"):
                    yield Block("paragraph", text)
            i += 1

    def _item(self, tokens: Sequence[Token], opening: Token, group: int) -> Iterator[Block]:
        """One list item: its first paragraph is the item; nested lists follow as items."""
        marker = opening.info + opening.markup if opening.markup in ".)" else "-"
        rest: Sequence[Token] = tokens
        if len(tokens) >= 3 and tokens[0].type == "paragraph_open":
            lines = [line.strip() for line in _inline(tokens[1]).split("\n") if line.strip()]
            yield Block("item", f"{marker} {unwrap_lines(lines, known=self.known)}", group=group)
            rest = tokens[3:]
        yield from self.blocks(rest)


def _closing(tokens: Sequence[Token], start: int) -> int:
    """The index of the token that closes the one at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def _inline(token: Token) -> str:
    """The plain text of an inline token: soft breaks as line breaks, markup dropped."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content if child.type != "html_inline" else "")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content or str(child.attrs.get("alt", "")))
    return "".join(parts).strip()


def _table(tokens: Sequence[Token]) -> Block:
    heads: list[str] = []
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    in_head = False
    for i, token in enumerate(tokens):
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(" ".join(_inline(tokens[i + 1]).split()))
        elif token.type == "tr_close":
            if in_head:
                heads = row
            else:
                rows.append(tuple(row))
    return Block("table", heads=tuple(heads), rows=tuple(rows))

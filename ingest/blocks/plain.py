"""The blocks of plain text: what a reader without markup finds in the lines.

Plain text files, PDF text layers and OCR give lines; their structure is in
the lines' shapes. Paragraphs are separated by blank lines; inside one, each
line is one of:

- a heading: a Markdown ``#`` line, a line underlined with ``===`` or ``---``
  (setext, reStructuredText), or a short title-like first line (no end
  punctuation, at most :data:`HEADING_WORDS` words) followed by longer prose;
- a list item: a bullet (``-``, ``*``, ``•``) or a number (``1.``, ``2)``), with
  the lines that continue it;
- a field of a form: ``Key: value`` with a short key; in a FAQ, a ``Q:`` line is
  the heading of the ``A:`` lines that answer it; a mail's ``Subject:`` line is the
  heading of its text;
- a row of figures: at least two numbers and few words (a table line of a PDF), or
  one of a run of short lines that each end in a figure (a receipt's or a price
  list's "Sourdough loaf £3.95");
- prose: lines of a hard-wrapped paragraph are joined while a line reaches
  near the text's width (:func:`ingest.blocks.clean.unwrap_lines`); a short line
  ends its paragraph.

Example:
    >>> blocks = text_blocks("Name: Ada Byron\\nPolicy number: 77-1203\\n\\n- Planly\\n- Tasko")
    >>> [(b.kind, b.text) for b in blocks]
    [('field', 'Name: Ada Byron'), ('field', 'Policy number: 77-1203'), ('item', '- Planly'), ('item', '- Tasko')]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from itertools import count

from ingest.blocks.aligned import aligned_cells, aligned_table
from ingest.blocks.clean import clean_text, hyphenated_words, unwrap_lines
from ingest.readers.types import Block

__all__ = ["HEADING_WORDS", "SENTENCE_END", "heading_line", "paragraph_blocks",
           "text_blocks"]

HEADING_WORDS = 8
"""Most words in a heading found by its shape alone (no ``#``, no underline)."""
WRAPPED_SHARE = 0.6
"""A line at least this share of the text's width was wrapped: the next line continues it."""

FAQ_LEVEL = 3
"""The heading level of a plain text FAQ's "Q:" line (under the page's own headings)."""
PRICED_WORDS = 5
"""Most words before the figure of a line in a list of prices (a longer line is prose)."""

_QUESTION = re.compile(r"^(?:Q|Question)\s*:\s*(\S.*\?)\s*$", re.IGNORECASE)
_SUBJECT = re.compile(r"^Subject\s*:\s+(\S.*?)\s*$", re.IGNORECASE)
_ANSWER = re.compile(r"^(?:A|Answer)\s*:\s+(?=\S)", re.IGNORECASE)
_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^(?:={3,}|-{3,}|~{3,}|\^{3,}|\*{3,}|\+{3,})\s*$")
_ITEM = re.compile(r"^(?:[-*+\u2022\u25aa\u25e6\u25cf\u2013]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+\S"
                   r"|^\d{1,3}(?:\.\d{1,3})+\.?\s+[A-Z].*[.;:!?]$")
"""A list item: a bullet, a number or a letter; or a contract's numbered clause, a sentence
("3.1 The rent is £950 a month."; "5.2 Effect of Model Size" is a section's heading)."""
_FIELD = re.compile(r"^([^\W\d_][^:.!?]{0,38}?)\s*:\s+(\S.*)$")
_NUMBER = re.compile(r"^[(\-$€£]*\d[\d,.]*%?\)?$")
_WORD = re.compile(r"[^\W\d_]{2,}")
SENTENCE_END = (".", "!", "?", ":", ";", ",")
"""What a line that ends a sentence or a clause ends in (a wrapped line does not)."""
_DIGITS = re.compile(r"\d+")
_MONEY = re.compile(r"[$€£¥]\s?\d|\d\.\d")
"""An amount or a decimal: a row's figure, never a column's head."""
_TITLE_WORD = re.compile(r"[^\W\d_]{3,}")
_NUMBERING = re.compile(r"^(\d+(\.\d+)*\.?|[IVXLC]+\.)\s+")
_HEADING_WORDS = 10
_HEADING_CHARS = 80


def text_blocks(text: str, *, known: Collection[str] | None = None,
                lined_up: bool = True) -> list[Block]:
    """The blocks of a page of plain text.

    Args:
        text: The page's text, as read (it is cleaned here).
        known: Hyphenated words of the document (default: those of ``text``).
        lined_up: Read columns lined up with spaces as tables
            (:mod:`ingest.blocks.aligned`): a typed text's spaces, not the runs of
            spaces a PDF's text layer leaves between words.

    Returns:
        The blocks, in reading order.
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    text = clean_text(text)
    known = hyphenated_words(text) if known is None else known
    lines = text.split("\n")
    cells = ([aligned_cells(line) for line in raw] if lined_up and len(raw) == len(lines)
             else [None] * len(lines))  # columns lined up by spaces, read before cleaning
    width = _width(lines)
    groups = count(1)
    blocks: list[Block] = []
    paragraph: list[str] = []
    run: list[tuple[str, ...]] = []
    for line, row in zip([*lines, ""], [*cells, None], strict=True):
        if row is not None and (not run or len(row) == len(run[0])):
            run.append(row)
            continue
        if len(run) > 1:
            blocks.extend(paragraph_blocks(paragraph, known=known, width=width, groups=groups))
            blocks.append(aligned_table(run))
            paragraph = []
        else:
            paragraph.extend(" ".join(r) for r in run)
        run = [row] if row is not None else []
        if line.strip() and row is None:
            paragraph.append(line.strip())
        elif not line.strip() and paragraph:
            blocks.extend(paragraph_blocks(paragraph, known=known, width=width, groups=groups))
            paragraph = []
    return blocks


def paragraph_blocks(lines: Sequence[str], *, known: Collection[str] = (),
                     width: int | None = None, groups: Iterator[int] | None = None
                     ) -> Iterator[Block]:
    """The blocks of one paragraph's lines (no blank line among them).

    Args:
        lines: Clean, stripped, non-empty lines.
        known: Hyphenated words of the document.
        width: The text's line width (default: this paragraph's longest line).
        groups: Numbers for the lists found (distinct across a page's paragraphs).

    Yields:
        Headings, items, fields, rows (as a table without heads) and prose paragraphs.
    """
    width = width or _width(lines)
    groups = groups or count(1)
    prose: list[str] = []
    rows: list[str] = []
    group = 0
    i = 0

    def flush() -> Iterator[Block]:
        nonlocal prose, rows
        if prose and len(rows) > 1 and len(prose) == 1 and _column_heads(prose[0], rows):
            yield _figures_table(rows, _column_heads(prose[0], rows))
            prose, rows = [], []
        if prose:
            yield Block("paragraph", unwrap_lines(prose, known=known))
        if len(rows) == 1:  # a line of figures alone (a date, a reference): a paragraph
            yield Block("paragraph", rows[0])
        elif rows:
            heads = _column_heads(rows[0], rows[1:]) if len(rows) > 2 else ()
            yield _figures_table(rows[1:], heads) if heads else _figures_table(rows, ())
        prose, rows = [], []

    while i < len(lines):
        line = _ANSWER.sub("", lines[i])  # "A: No, swims are drop-in." answers the line above
        following = lines[i + 1] if i + 1 < len(lines) else ""
        asked = _QUESTION.match(line)
        if asked:  # "Q: Do I need to book?": the heading of its answer, as in a Markdown FAQ
            yield from flush()
            yield Block("heading", asked.group(1), level=FAQ_LEVEL)
            i += 1
            continue
        subject = _SUBJECT.match(line)
        if subject:  # a mail's "Subject: Year 4 trip": the title of what follows
            yield from flush()
            yield Block("heading", subject.group(1), level=1)
            i += 1
            continue
        heading = _heading(line, following, first=not prose and not rows and i == 0,
                           width=width)
        if heading is not None:
            yield from flush()
            text, level, used = heading
            yield Block("heading", text, level=level)
            i += used
            continue
        if _UNDERLINE.match(line):  # a rule or a title's overline: decoration
            yield from flush()
            i += 1
            continue
        if _ITEM.match(line):
            yield from flush()
            group = group or next(groups)
            item = [line]
            while (i + 1 < len(lines) and not _ITEM.match(lines[i + 1])
                   and not _FIELD.match(lines[i + 1]) and lines[i + 1][:1].islower()):
                i += 1
                item.append(lines[i])
            yield Block("item", unwrap_lines(item, known=known), group=group)
            i += 1
            continue
        group = 0
        if (_FIELD.match(line) and not prose and len(line) <= 160
                and not (len(line) >= WRAPPED_SHARE * width and _continues(line, following))):
            yield from flush()
            yield Block("field", line)
        elif _is_row(line) or _priced_run(line, lines[i - 1] if i else "", following):
            if prose and not (len(prose) == 1 and not rows and _looks_like_heads(prose[0])):
                yield from flush()
            rows.append(line)
        else:
            if rows:
                yield from flush()
            prose.append(line)
            if len(line) < WRAPPED_SHARE * width and not _continues(line, following):
                yield from flush()  # a short line ends its paragraph
        i += 1
    yield from flush()


def _heading(line: str, following: str, *, first: bool, width: int
             ) -> tuple[str, int, int] | None:
    """``(text, level, lines used)`` when ``line`` is a heading, else None."""
    atx = _ATX.match(line)
    if atx:
        return atx.group(2), len(atx.group(1)), 1
    if (first and heading_line(line) and (not following or following[:1].isupper())
            and not _ITEM.match(line) and not _FIELD.match(line) and not _is_row(line)):
        return line, 2, 1  # a title-cased line on its own or above its paragraph
    if following and _UNDERLINE.match(following) and not _UNDERLINE.match(line) \
            and len(following) >= min(len(line), 3) and len(line.split()) <= 12:
        return line, 1 if following[0] in "=*" else 2, 2
    words = line.split()
    if (first and following and 0 < len(words) <= HEADING_WORDS
            and len(line) < WRAPPED_SHARE * width and not line.endswith(SENTENCE_END)
            and line[0].isupper() | line[0].isdigit() and _WORD.search(line)
            and not _ITEM.match(line) and not _FIELD.match(line) and not _is_row(line)
            and not _priced_run(line, "", following)
            and following[:1].isupper() and len(following.split()) > len(words)):
        return line, 2, 1
    return None


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


def _continues(line: str, following: str) -> bool:
    """A short line whose sentence goes on in the next one (no end punctuation, the next
    line starts lower-case)."""
    return bool(following) and not line.endswith(SENTENCE_END) and following[:1].islower()


def _is_row(line: str) -> bool:
    """A line of figures: two numbers or more, and fewer words than numbers plus two."""
    tokens = line.replace("|", " ").split()
    numbers = sum(bool(_NUMBER.match(t)) for t in tokens)
    words = sum(bool(_WORD.fullmatch(t.strip(".,;:()"))) for t in tokens)
    return numbers >= 2 and words <= numbers + 2


def _priced(line: str) -> bool:
    """A short label and one figure after it: "Sourdough loaf £3.95", "TOTAL £12.85"."""
    tokens = line.replace("|", " ").split()
    label = tokens[:-1]
    return (bool(label) and bool(_NUMBER.match(tokens[-1])) and len(label) <= PRICED_WORDS
            and any(_WORD.search(t) for t in label) and not line[:1].islower()
            and not any(_NUMBER.match(t) for t in label))


def _priced_run(line: str, previous: str, following: str) -> bool:
    """One of two or more lines in a row that each give a label and a figure: a list of
    prices, not a wrapped paragraph (whose next line goes on in lower case: "The crew won
    in 1998 / and again in 2004")."""
    return (_priced(line) and not _continues(line, following)
            and (_priced(previous) or _priced(following)))


def _cells(row: str) -> tuple[str, ...]:
    """A row of figures as its label and its values ("Net sales $81,797 $83,000")."""
    tokens = row.split()
    values = len(tokens)
    while values > 0 and _NUMBER.match(tokens[values - 1].rstrip(",;")):
        values -= 1
    currency = tokens[values - 1] if values and tokens[values - 1] in ("$", "€", "£") else ""
    label = " ".join(tokens[:values]).rstrip(" $€£")
    figures = " ".join(tokens[values:]).replace("$ ", "$").split()
    if figures and currency:  # "Inventories $ 941": the first figure's symbol
        figures[0] = currency + figures[0]
    return (label, *figures)


def _figures_table(rows: Sequence[str], heads: tuple[str, ...]) -> Block:
    cells = [_cells(row) for row in rows]
    if heads and all(len(c) == len(heads) for c in cells):
        return Block("table", heads=heads, rows=tuple(cells))
    if not heads and all(_priced(row) for row in rows):  # labels and their figures
        return Block("table", rows=tuple(cells))
    return Block("table", rows=tuple((row,) for row in rows))


def _looks_like_heads(line: str) -> bool:
    """A line that can name a table's value columns: short, no end punctuation."""
    return len(line.split()) <= 16 and not line.endswith((".", "!", "?"))


def _column_heads(line: str, rows: Sequence[str]) -> tuple[str, ...]:
    """``line`` cut into one head per value column of ``rows`` (after an empty head for the
    labels), when its words split evenly: "Quarter ended June 30, 2031 Quarter ended June 30,
    2030" over rows of two figures; empty when they do not."""
    columns = {len(_cells(row)) - 1 for row in rows}
    if len(columns) != 1 or not _looks_like_heads(line) or _MONEY.search(line):
        return ()
    (count,) = columns
    words = line.split()
    if count < 1 or len(words) % count:
        return ()
    size = len(words) // count
    parts = [" ".join(words[i:i + size]).rstrip(",") for i in range(0, len(words), size)]
    if count > 1 and len({_DIGITS.sub("#", p) for p in parts}) != 1:
        return ()  # parts of one pattern ("Quarter ended June 30, 2031" / "... 2030") only
    return ("", *parts)


def _width(lines: Sequence[str]) -> int:
    """The text's line width: the longest of its lines of four words or more."""
    long = [len(line.strip()) for line in lines if len(line.split()) >= 4]
    return max(long, default=max((len(line) for line in lines), default=0)) or 1

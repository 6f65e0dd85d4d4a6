"""Words and sentences: the text helpers shared by the keyword index and the answer path.

One place for what counts as a word, a stop word, a stem and a sentence, so
the keyword index, focusing, phrase extraction and the chain agree.

Example:
    >>> content_words("How long is the Quillon bridge?")
    ['long', 'quillon', 'bridge']
    >>> split_sentences("It opened in 1994. It is 412 m long! Is it? Yes.")
    ['It opened in 1994.', 'It is 412 m long!', 'Is it?', 'Yes.']
    >>> split_sentences("The manager, Dr. Ines Varga, and J. R. Hale signed it. Done.")
    ['The manager, Dr. Ines Varga, and J. R. Hale signed it.', 'Done.']
"""

from __future__ import annotations

import re

__all__ = ["HOW_MEASURES", "STOPWORDS", "WORD", "content_words", "names_in", "sentence_spans", "split_sentences",
           "stem", "word_overlap"]

WORD = re.compile(r"\w+", re.UNICODE)
"""A word: a run of letters, digits or underscores (any script)."""

STOPWORDS = frozenset(
    """a an and are as at be but by for from has have how i in is it its of on or
    that the their there these this to was were what when where which who whom why
    will with does did do can could would should about into than then them they
    he she his her we you your our not no yes if so""".split()
)
"""English function words that say nothing about a passage's topic."""

HOW_MEASURES = frozenset("""many much long old far large big high tall often heavy wide deep
    fast hot cold early late soon""".split())
"""The words after "how" that ask for a measure ("how long", "how many"): the answer's
kind, not its topic ("Returns accepted within 14 days." answers "How long do I have to
return items?")."""
_MEASURE = re.compile(r"\b(how)\s+(?:" + "|".join(sorted(HOW_MEASURES)) + r")\b", re.IGNORECASE)
_DOTTED = re.compile(r"\d+(?:\.\d+)+")
"""A number with dots: a version, a section, a decimal ("2.4.0", "5.2", "3.8")."""
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n{2,}")
"""Where a sentence ends: after ``.!?`` before a capital or digit, or at a blank line."""
_LINE_ITEM = re.compile(r"\n(?=[ \t]*(?:[-*+\u2022][ \t]|\d{1,3}[.)][ \t]|#{1,6}[ \t]|\|))")
"""A line break before a list item, a heading or a table row also ends one."""
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*$", re.MULTILINE)
_ABBREVIATION = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Rev|Sr|Jr|St|Mt|No|Nos|Fig|Figs|Vol|vs|etc|approx|Inc|Ltd|"
    r"Co|Corp|Dept|Univ|Ave|Rd|e\.g|i\.e|cf)|(?<![\w.])[A-Z])\.$")
"""A title, a common abbreviation or an initial before a full stop: no sentence ends there."""
"""A Markdown code fence: inside one, every line is a sentence of its own."""


def content_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` without stopwords, in order.

    Example:
        >>> content_words("How long is the Quillon bridge?")
        ['long', 'quillon', 'bridge']
    """
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS]


def stem(word: str) -> str:
    """Strip one common English suffix, so "opened" and "opens" match "open".

    Deliberately light (no dictionary): for matching question words against
    sentences. The keyword index stems with SQLite's Porter stemmer instead.

    Example:
        >>> [stem(w) for w in ["bridges", "opened", "Opening", "boxes", "glass", "is"]]
        ['bridge', 'open', 'open', 'box', 'glass', 'is']
    """
    word = word.lower()
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def word_overlap(question: str, text: str) -> float:
    """The share of the question's content words that ``text`` contains.

    Words are compared lower-cased and lightly stemmed (see :func:`stem`); a number with
    dots is one word, so version 2.4.0 is not half of 2.3.0. The measure a "how" question
    asks for ("how long", "how many") is not one of its words: the answer states it in
    its own kind ("within 14 days").

    Example:
        >>> word_overlap("When did the bridge open?", "The bridges opened in 1994.")
        1.0
        >>> word_overlap("What changed in 2.4.0?", "2.3.0 Added a dark theme. Changed 4 and 0.")
        0.5
        >>> word_overlap("How long do I have to return items?", "Returns within 14 days.")
        0.5
    """
    wanted = _overlap_words(_MEASURE.sub(r"\1", question))
    if not wanted:
        return 0.0
    return len(wanted & _overlap_words(text)) / len(wanted)


def _overlap_words(text: str) -> set[str]:
    """The stemmed content words of ``text``, a dotted number one word ("2.4.0", "3.8")."""
    return {stem(w) for w in content_words(_DOTTED.sub(lambda m: m.group().replace(".", "_"),
                                                        text))}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of ``text`` are: ``(start, end)`` character offsets.

    Sentences end at ``.!?`` before a capital or digit, at blank lines, before
    Markdown list items, headings and table rows, and each line of a fenced
    code block is one. Spans are trimmed of surrounding whitespace; empty
    pieces and the fence lines themselves are left out.

    Example:
        >>> text = "Intro:\\n- `rag forget F` removes F.\\n- Done."
        >>> [text[s:e] for s, e in sentence_spans(text)]
        ['Intro:', '- `rag forget F` removes F.', '- Done.']
    """
    spans: list[tuple[int, int]] = []
    position, in_code = 0, False
    for fence in [*_FENCE.finditer(text), None]:
        end = fence.start() if fence else len(text)
        pieces = (_lines(text, position, end) if in_code
                  else _cut(text, position, end))
        spans.extend(pieces)
        if fence:
            position, in_code = fence.end(), not in_code
    return spans


def _cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The trimmed sentence spans of prose ``text[start:end]``."""
    cuts = sorted({m.start() for m in _BOUNDARY.finditer(text, start, end)
                   if not _ABBREVIATION.search(text, max(start, m.start() - 12), m.start())}
                  | {m.start() for m in _LINE_ITEM.finditer(text, start, end)})
    bounds = [start, *cuts, end]
    return [span for a, b in zip(bounds, bounds[1:]) if (span := _trim(text, a, b))]


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The trimmed spans of the non-blank lines of ``text[start:end]``."""
    spans, position = [], start
    for line in text[start:end].split("\n"):
        if span := _trim(text, position, position + len(line)):
            spans.append(span)
        position += len(line) + 1
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``(start, end)`` without surrounding whitespace; None when nothing is left."""
    piece = text[start:end]
    if not piece.strip():
        return None
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (and paragraphs), dropping empty pieces.

    Args:
        text: A chunk's text.

    Returns:
        The sentences of :func:`sentence_spans`, whitespace-normalised, in order.

    Example:
        >>> split_sentences("Le pont a ouvert en 1994. Il mesure 412 m.\\n\\nFin")
        ['Le pont a ouvert en 1994.', 'Il mesure 412 m.', 'Fin']
    """
    return [" ".join(text[start:end].split()) for start, end in sentence_spans(text)]


def names_in(name: str, text: str) -> bool:
    """Whether ``text`` holds the name whole (case and runs of spaces aside), or a one-word
    name lightly stemmed ("Normans" in "the Norman conquest").

    Example:
        >>> names_in("Grey Island", "Pell  island and grey clips"), names_in("Normans", "Norman rule")
        (False, True)
    """
    name, text = " ".join(name.lower().split()), " ".join(text.lower().split())
    if name in text:
        return True
    words = name.split()
    return len(words) == 1 and stem(words[0]) in text

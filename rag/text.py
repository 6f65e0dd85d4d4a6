"""Words and sentences: the text helpers shared by the keyword index and the answer path.

One place for what counts as a word, a stop word, a stem and a sentence, so
the keyword index, focusing, phrase extraction and the chain agree.

Example:
    >>> content_words("How long is the Quillon bridge?")
    ['long', 'quillon', 'bridge']
    >>> split_sentences("It opened in 1994. It is 412 m long! Is it? Yes.")
    ['It opened in 1994.', 'It is 412 m long!', 'Is it?', 'Yes.']
"""

from __future__ import annotations

import re

__all__ = ["STOPWORDS", "WORD", "content_words", "split_sentences", "stem", "word_overlap"]

WORD = re.compile(r"\w+", re.UNICODE)
"""A word: a run of letters, digits or underscores (any script)."""

STOPWORDS = frozenset(
    """a an and are as at be but by for from has have how i in is it its of on or
    that the their there these this to was were what when where which who whom why
    will with does did do can could would should about into than then them they
    he she his her we you your our not no yes if so""".split()
)
"""English function words that say nothing about a passage's topic."""

_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n{2,}")


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

    Words are compared lower-cased and lightly stemmed (see :func:`stem`).

    Example:
        >>> word_overlap("When did the bridge open?", "The bridges opened in 1994.")
        1.0
    """
    wanted = {stem(w) for w in content_words(question)}
    if not wanted:
        return 0.0
    return len(wanted & {stem(w) for w in content_words(text)}) / len(wanted)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (and paragraphs), dropping empty pieces.

    Args:
        text: A chunk's text.

    Returns:
        The sentences, whitespace-normalised, in order.

    Example:
        >>> split_sentences("Le pont a ouvert en 1994. Il mesure 412 m.\\n\\nFin")
        ['Le pont a ouvert en 1994.', 'Il mesure 412 m.', 'Fin']
    """
    return [" ".join(part.split()) for part in _BOUNDARY.split(text) if part and part.strip()]

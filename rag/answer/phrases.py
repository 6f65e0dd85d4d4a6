"""Candidate answer phrases: where a sentence is cut, and what a phrase looks like.

A sentence is cut at punctuation and at the question's own words (an answer
seldom repeats its question), with stop words and hedges ("virtually",
"other") trimmed from both ends; its runs of words between inner ones are
candidates too ("1994" out of "traffic in 1994"). Each piece is also offered
with up to two adjacent question words ("Lisbon" and "Lisbon Treaty"). Names
(capitalised runs joined by "of", "the", ..., such as "Court of Justice of the
European Union") and dates written over a comma ("August 15, 1971") are offered
whole, even where the question names part of them.

:func:`phrase_features` describes a phrase alone (a year, a number,
capitals, its length, its place beside the question's words); how much each
feature counts is the ranker's business (:mod:`rag.answer.extract`).

Example:
    >>> words = "The bridge opened in 1994, after delays.".split()
    >>> sorted(trim_edges(" ".join(words[a:b])) for a, b in phrase_ranges(words, {1, 2}))
    ['1994', 'after delays']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import STOPWORDS, WORD

__all__ = ["is_filler", "normal_word", "phrase_features", "phrase_ranges", "trim_edges",
           "whole_date"]

_ENDS_CLAUSE = re.compile(r"[,;:)\].!?\"]$")
_OPENS = re.compile(r"^[(\[\"]")
_EDGE_PUNCT = re.compile(r"^[(\[\"'‘“]+|[,;:)\].!?\"'’”]+$")
_POSSESSIVE = re.compile(r"['’]s?$")
_YEAR = re.compile(r"\b1\d{3}s?\b|\b20\d{2}s?\b")  # "1994", "the 1980s"
_DATE_WORD = re.compile(r"January|February|March|April|May|June|July|August|September|"
                        r"October|November|December|century")
_NUMBER_WORDS = frozenset("""two three four five six seven eight nine ten eleven twelve
    fifteen twenty thirty forty fifty hundred hundreds thousand thousands million millions
    billion billions half dozen""".split())
#: Words trimmed from a candidate's ends: the keyword index's stop words, plus
#: discourse and hedging words that open phrases but are never answers alone
#: ("Other components", "Virtually all", "Since complexity theory").
_FILLERS = STOPWORDS | frozenset("""other others such since some also however these those
    many virtually nearly almost usually typically generally commonly regularly still already
    may must been being often both each any while although though because upon within
    thus here only even just well own same had""".split())
_CONNECTORS = {"of", "the", "on", "for", "and", "de", "du", "von", "van", "der", "la", "le"}
_MONTHS = {m.lower() for m in _DATE_WORD.pattern.split("|")} - {"century"}


def normal_word(word: str) -> str:
    """The word lower-cased without punctuation (\"Newcomen's,\" -> \"newcomens\")."""
    return "".join(WORD.findall(word.lower()))


def is_filler(word: str) -> bool:
    """Whether a word is punctuation, a stop word or a hedge, never an answer alone."""
    plain = normal_word(word)
    return not plain or plain in _FILLERS


def _pieces(words: Sequence[str], asked: set[int]) -> set[tuple[int, int]]:
    """Word ranges cut at punctuation and question words, fillers trimmed, plus extensions."""
    ranges: set[tuple[int, int]] = set()
    run: list[int] = []

    def close() -> None:
        kept = run[:]
        while kept and is_filler(words[kept[0]]):
            kept.pop(0)
        while kept and is_filler(words[kept[-1]]):
            kept.pop()
        if kept:
            ranges.add((kept[0], kept[-1] + 1))

    for i, word in enumerate(words):
        if i in asked or (run and _OPENS.match(word)):
            close()
            run = []
            if i in asked:
                continue
        run.append(i)
        if _ENDS_CLAUSE.search(word):
            close()
            run = []
    close()
    for start, end in list(ranges):  # the pieces of a run between its inner fillers
        piece: int | None = None
        for i in range(start, end + 1):
            filler = i == end or is_filler(words[i])
            if not filler and piece is None:
                piece = i
            elif filler and piece is not None:
                ranges.add((piece, i))
                piece = None
    extended = set(ranges)
    for start, end in ranges:
        left = start
        while left - 1 in asked and not _ENDS_CLAUSE.search(words[left - 1]) and start - left < 2:
            left -= 1
        right = end
        while right in asked and not _ENDS_CLAUSE.search(words[right - 1]) and right - end < 2:
            right += 1
        extended |= {(left, end), (start, right), (left, right)}
    return extended


def _names(words: Sequence[str]) -> set[tuple[int, int]]:
    """Runs of capitalised words, joined by connectors ("Court of Justice of the European
    Union"), whether or not the question names some of them; with a bracketed acronym."""
    ranges: set[tuple[int, int]] = set()
    i = 0
    while i < len(words):
        if not words[i][:1].isupper():
            i += 1
            continue
        end = i + 1
        while not _ENDS_CLAUSE.search(words[end - 1]) and end < len(words):
            j = end
            while j < len(words) and normal_word(words[j]) in _CONNECTORS and j - end < 2:
                j += 1
            if j < len(words) and words[j][:1].isupper():
                end = j + 1
            elif j < len(words) and re.fullmatch(r"\([A-Z]{2,}\)\W*", words[j]):
                end = j + 1
                break
            else:
                break
        starts = {i + 1 if is_filler(words[i]) else i}  # "The European Court" -> "European Court"
        if i == 0:  # capitalised only as the sentence's first word: "Today the Court of ..."
            starts.add(next((j for j in range(1, end) if words[j][:1].isupper()), 0))
        ranges |= {(start, end) for start in starts if end - start >= 2}
        i = end
    return ranges


def _dates(words: Sequence[str]) -> set[tuple[int, int]]:
    """Dates written over a comma: "August 15, 1971" and "15 August 1971"."""
    ranges: set[tuple[int, int]] = set()
    for i, word in enumerate(words):
        if normal_word(word) not in _MONTHS:
            continue
        after = [normal_word(w) for w in words[i + 1: i + 3]]
        if len(after) == 2 and after[0].isdigit() and len(after[1]) == 4 and after[1].isdigit():
            ranges.add((i, i + 3))
        if i > 0 and normal_word(words[i - 1]).isdigit() and after[:1] and len(after[0]) == 4 \
                and after[0].isdigit():
            ranges.add((i - 1, i + 2))
    return ranges


def phrase_ranges(words: Sequence[str], asked: set[int]) -> set[tuple[int, int]]:
    """The word ranges ``(start, end)`` of a sentence that are candidate phrases.

    Args:
        words: The sentence's words (split on white space).
        asked: Positions of the words that are the question's own.

    Returns:
        Pieces cut at punctuation and question words, names and dates.
    """
    return _pieces(words, asked) | _names(words) | _dates(words)


def trim_edges(text: str) -> str:
    """Strip edge punctuation and a closing possessive, but keep balanced brackets.

    Example:
        >>> trim_edges("Thomas Newcomen's"), trim_edges("DTIME(n2),"), trim_edges("(1994)")
        ('Thomas Newcomen', 'DTIME(n2)', '1994')
    """
    trimmed = _POSSESSIVE.sub("", _EDGE_PUNCT.sub("", text))
    if text.rstrip(",;:.!?").endswith(")") and "(" in trimmed:
        trimmed += ")"  # "DTIME(n2)": the bracket belongs to the phrase
    return trimmed


def phrase_features(text: str, start: int, end: int, asked: set[int], stems: Sequence[str],
              head: str | None) -> dict[str, float]:
    """The features of words ``start:end`` of a sentence (``stems``: its words' stems).

    They describe the phrase alone; how much each counts depends on the kind of
    question (:data:`rag.answer.extract.WEIGHTS`): a year matters for "when", capitals for "who".
    """
    length = end - start
    distance = min((min(abs(p - start), abs(p - (end - 1))) for p in asked), default=99)
    has_number = any(c.isdigit() for c in text) or not _NUMBER_WORDS.isdisjoint(
        normal_word(w) for w in re.split(r"[\s-]", text))  # "ten-horsepower" holds "ten"
    phrase_words = text.split()
    capitals = sum(w[:1].isupper() for w in phrase_words) / max(1, len(phrase_words))
    inside = sum(start <= p < end for p in asked)
    year = bool(_YEAR.search(text) or _DATE_WORD.search(text))
    return {
        "distance": min(distance, 10) / 10,
        "no_question_word": float(not asked),
        "length": min(length, 12) / 12,
        "question_words": float(inside),
        "year": float(year),
        "number": float(has_number and not year),  # apart, so "when" can prefer years
        "capitals": capitals,
        "number_not_name": float(has_number and not capitals),
        "after_question_words": float(bool(asked) and start > max(asked)),
        "before_question_words": float(bool(asked) and end <= min(asked)),
        "one_word": float(length == 1),
        "two_three_words": float(length in (2, 3)),
        "asked_share": inside / length,
        "sentence_start": float(start == 0),
        "head_nearby": float(head is not None and head in stems[max(0, start - 2): end + 1]),
    }


_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_FULL_DATE = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}"
                        rf"(?:st|nd|rd|th)?,?)\s+(?:1\d{{3}}|20\d{{2}})\b")


def whole_date(phrase: str, sentence: str) -> str:
    """A bare year widened to the whole date that holds it in its sentence ("2026" of "on
    1 May 2026" is "1 May 2026"); the phrase itself otherwise.

    Example:
        >>> whole_date("2026", "The next meeting will be held on 1 May 2026 at 7.30 pm.")
        '1 May 2026'
        >>> whole_date("1994", "It opened on August 15, 1994."), whole_date("1994", "In 1994.")
        ('August 15, 1994', '1994')
    """
    if not re.fullmatch(r"(?:1\d{3}|20\d{2})", phrase.strip()):
        return phrase
    dates = [m.group() for m in _FULL_DATE.finditer(sentence) if m.group().endswith(phrase.strip())]
    return dates[0] if len(dates) == 1 else phrase


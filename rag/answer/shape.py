"""The shape of a quoted answer: whole lists, table cells, form values, and short facts of
the type the question asks for (the names a question gives: :mod:`rag.answer.names`).

- :func:`whole_list`: a question for a list or the steps of a how-to gets every
  item of the list its best unit belongs to (or introduces), in order.
- :func:`fits_kind`: a short fact is given only when its type fits the question
  (who: a name; when: a date; how many or how much: a number).

Example:
    >>> fits_kind("1994", "When did the bridge open?"), fits_kind("Backups", "When is it backed up?")
    (True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.answer.cells import states_phone_number
from rag.answer.evidence import Evidence, last_heading
from rag.answer.extract import question_kind
from rag.answer.names import NOT_NAMES
from rag.answer.quotes import asks_yes_no
from rag.text import STOPWORDS, WORD, content_words, stem

__all__ = ["asks_change", "asks_how_to", "command_after", "fits_kind", "informative", "list_evidence",
           "promote_kind", "table_evidence", "wants_list"]

_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)s?\b")
_MONTHS = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|daily|weekly|monthly|yearly|annually|night|morning|"
    r"evening|noon|midnight|today|tomorrow|yesterday|century|decade|quarter"
    r"|(?:every|each)\s+(?:day|week|month|year)|day\s+of\s+(?:the|each|every)\s+(?:week|month))\b",
    re.IGNORECASE)
"""Months, days and times of day, and recurring times ("on the first day of each month")."""
_DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"
                   r"|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?:[.:]\d{2})?\s*(?:am|pm)\b", re.IGNORECASE)
"""A date in figures (3/8, 03-08-2024, 3.8.2024: with dots only with its year, so a version
"3.8" or a size "2.5" is none) or a time of day (10:30, 8.45am, 9 pm)."""
_ASKS_NUMBER = re.compile(r"\bnumbers?\b", re.IGNORECASE)  # a phone, policy or bus number
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|"
                     r"once|twice)\b", re.IGNORECASE)
_HOW_MANY = re.compile(r"\bhow\s+many\b", re.IGNORECASE)
_ASKS_YEARS = re.compile(r"\bhow\s+(?:old|long)\b|\byears?\b", re.IGNORECASE)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b(?!\s*(?:[$€£%]|dollars|euros|pounds))")
_COUNT = re.compile(r"\b\d[\d,.]*\b")
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|dozens?)\b", re.IGNORECASE)
_PLACE = re.compile(r"\b(?:in|at|on|near|from|to|inside|behind|opposite)\s+(?:the\s+|room\s+)?"
                    r"(?:[A-Z]\w*|\d+\s+[A-Z]\w+|[A-Z]-?\d+)"
                    r"|" + r"\b(?:in|at|on|under|underneath|beneath|behind|beside|inside|near|next\s+to|"
                    r"above|below|opposite|outside|on\s+top\s+of)\s+"
                    r"(?:the|a|an|my|your|our|his|her|their|each|every)\s+\w+")
"""A place: a preposition of place before a name ("in Leeds", "at B-214") or before a
thing ("under the blue flowerpot", "in the top drawer")."""
_PLACE_NAME = re.compile(r"\b[A-Z][a-z]+|\b\d+[A-Za-z]?\s+[A-Z]|\b[A-Z]{1,3}-?\d+")
"""A place: a capitalised name, a number before a street's name, a room like B-214."""
_LIST_ASK = re.compile(r"^\s*list\b|^\s*what\s+(?:are|were)\s+the\s+(?:\w+\s+)?(?:steps|items|"
                       r"products|services|options|parts|countries|members|stages|features)\b",
                       re.IGNORECASE)
_HOW_TO = re.compile(r"^\s*how\s+(?:do|can|should|would)\s+(?:i|you|we|one)\b", re.IGNORECASE)
_CHANGE = re.compile(r"\b(?:chang|trend|compar|grow|grew|increas|decreas|declin|fluctuat|evolv|"
                     r"shift|rose|fell|differ)\w*", re.IGNORECASE)
_STEP = re.compile(r"\d{1,3}[.)]\s+$")  # a step's number before its item ("2. " of "2. Press")
_PLURAL_HEAD = re.compile(r"^\s*(?:what|which)\s+(\w+)", re.IGNORECASE)


def fits_kind(phrase: str, question: str, *, context: str | None = None) -> bool:
    """Whether ``phrase`` is of the type the question asks for (any type for other questions).

    ``context`` is the sentence the phrase is quoted from, when known: a name
    answers "where" only when that sentence states a place ("Hi Sam," does not
    say where the key is; "The office is in Leeds." does).

    Example:
        >>> fits_kind("Mary Ellison", "Who was the last keeper?")
        True
        >>> fits_kind("founded in 2009 in Leeds", "Who were the founders?")
        False
        >>> fits_kind("10 GB", "How much storage?"), fits_kind("1988", "How many members?")
        (True, False)
        >>> fits_kind("Ruth Banner", "What is the secretary's phone number?")
        False
        >>> fits_kind("two engineers", "How many engineers will be hired?")
        True
        >>> fits_kind("raffle at half time", "How many people can be in a team?")
        False
        >>> fits_kind("10:00", "How much does the workshop cost?")
        False
        >>> fits_kind("gets 27 days of leave", "Where is the office?")
        False
        >>> fits_kind("under the blue flowerpot", "Where is the spare key?")
        True
        >>> fits_kind("Sam", "Where is the spare key?", context="Hi Sam,")
        False
        >>> fits_kind("Leeds", "Where is the office?", context="The office is in Leeds.")
        True
    """
    kind = question_kind(question)
    if kind == "when":
        return _states(phrase, kind)
    if kind == "how_many":
        numbers = [n.lower() for n in _NUMBER.findall(phrase)] + _NUMBER_WORD.findall(phrase)
        if not numbers or (_HOW_MANY.search(question) and set(numbers) == {"half"}):
            return False  # "half time" counts nothing: "half" answers how much, not how many
        if _YEAR.fullmatch(phrase.strip()) and not _ASKS_YEARS.search(question):
            return False  # "How many members ...?" is not answered by "1988"
        return not _CLOCK.search(phrase)  # a time of day is never how many or how much
    if kind == "where":
        if _YEAR.search(phrase):
            return False
        if _PLACE.search(phrase):
            return True
        return bool(_PLACE_NAME.search(phrase)) and (context is None or bool(_PLACE.search(context)))
    if kind == "who":
        words = [w for w in phrase.split() if w.lower() not in STOPWORDS]
        names = [w for w in words if w[:1].isupper()]
        return bool(words) and words[0][:1].isupper() and len(names) * 2 >= len(words)
    return not _ASKS_NUMBER.search(question) or any(c.isdigit() for c in phrase)


def asks_how_to(question: str) -> bool:
    """Whether the question asks how to do something (its answer: numbered steps).

    Example:
        >>> asks_how_to("How do I descale the kettle?"), asks_how_to("What products are sold?")
        (True, False)
    """
    return bool(_HOW_TO.search(question))


def asks_change(question: str) -> bool:
    """Whether the question asks how something changed or compares (its answer: figures of
    two periods or more, a table's row as well as prose).

    Example:
        >>> asks_change("How has net income changed?"), asks_change("What does it do?")
        (True, False)
    """
    return bool(_CHANGE.search(question))


def wants_list(question: str) -> bool:
    """Whether the question asks for a list or the steps of a how-to.

    Example:
        >>> [wants_list(q) for q in ("What products does the company sell?",
        ...                          "How do I descale the kettle?", "What does Pro cost?")]
        [True, True, False]
    """
    if asks_how_to(question) or _LIST_ASK.search(question):
        return True
    head = _PLURAL_HEAD.match(question)
    return bool(head) and head.group(1).lower().endswith("s") and \
        head.group(1).lower() not in NOT_NAMES


def list_evidence(ranked: Sequence[Evidence], texts: Sequence[str], min_share: float, *,
                  steps_only: bool = False, question: str = "") -> Evidence | None:
    """For a question that asks for a list: the whole list that one of the best units
    belongs to (an item) or introduces (a sentence ending in ``:``), as one unit spanning
    the introducing sentence and every item, in order (first one under a heading naming the
    list ``question`` asks for: "What ingredients ...?"); None when no list is near the top.

    Args:
        ranked: The units, best first.
        texts: The chunks' texts, numbered from 1 as the units' ``n``.
        min_share: The list's unit must score at least this share of the best.
        steps_only: Only a numbered list (the steps of a how-to) is taken whole.
    """
    if not ranked:
        return None
    floor, head = min_share * ranked[0].score, _PLURAL_HEAD.match(question)
    noun = stem(head.group(1).lower()) if head else ""
    near = [unit for unit in ranked[:6] if unit.score >= floor]
    for unit in sorted(near, key=lambda u: noun not in map(  # its own heading names the list
            stem, WORD.findall(last_heading(u.heading).lower()))):
        span = _list_span(unit, ranked, texts[unit.n - 1] if steps_only else None)
        if span is not None:
            start, end = span
            text = texts[unit.n - 1][start:end]
            return replace(unit, start=start, end=end, text=text, kind="list", heads="")
    return None


def table_evidence(best: Evidence, ranked: Sequence[Evidence], texts: Sequence[str],
                   max_words: int) -> Evidence | None:
    """A table row quoted with its table: the head row and the rows around ``best`` (the
    whole table when it fits), at most ``max_words`` words, as one unit; None when
    ``best`` is no row of a table of two rows or more."""
    if best.kind != "row" or not best.group:
        return None
    rows = sorted((u for u in ranked if u.n == best.n and u.kind == "row"
                   and u.group == best.group), key=lambda u: u.start)
    if len(rows) < 2:
        return None
    at = rows.index(best)
    first = last = at
    words = best.words
    while True:  # grow the window a row at a time, after the best row first
        grown = False
        for side in (last + 1, first - 1):
            if 0 <= side < len(rows) and words + rows[side].words <= max_words:
                words += rows[side].words
                first, last = min(first, side), max(last, side)
                grown = True
        if not grown:
            break
    if first == last:
        return None
    text = texts[best.n - 1]
    start = rows[first].start
    if best.heads and first == 0:
        start = text.rfind("\n", 0, start - 1) + 1  # the head row above the first row
    return replace(best, start=start, end=rows[last].end, text=text[start:rows[last].end],
                   kind="table", heads="")


def _list_span(unit: Evidence, ranked: Sequence[Evidence], numbered_in: str | None
               ) -> tuple[int, int] | None:
    """The span of the list ``unit`` belongs to or introduces; with ``numbered_in`` (the
    chunk's text) only a list whose items are numbered there."""
    same_chunk = sorted((u for u in ranked if u.n == unit.n), key=lambda u: u.start)
    group, start = (unit.group, None) if unit.kind == "item" else (0, unit.start)
    if not group and unit.flat_text.endswith(":"):
        after = [u for u in same_chunk if u.start > unit.start]
        group = after[0].group if after and after[0].kind == "item" else 0
    items = [u for u in same_chunk if u.kind == "item" and u.group == group] if group else []
    if len(items) < 2 or numbered_in is not None and not all(
            _STEP.search(numbered_in, max(0, u.start - 6), u.start) for u in items):
        return None
    return (items[0].start if start is None else start), items[-1].end


_ASKS_PHONE = re.compile(r"\b(?:phone|telephone|mobile|fax|call|ring)\b", re.IGNORECASE)


def promote_kind(ranked: Sequence[Evidence], question: str, min_share: float) -> list[Evidence]:
    """``ranked`` with the best unit that states what the question asks for (a date for
    "when", a number for "how many", a name for "who") first, when it scores within
    ``min_share`` of the best; unchanged for other questions.

    Example:
        >>> units = [Evidence(1, 0, 5, "Policy number: 77-1203-X", 0.9, "field"),
        ...          Evidence(1, 6, 9, "Start date: 1 March 2024", 0.8, "field")]
        >>> promote_kind(units, "When did the policy start?", 0.5)[0].text
        'Start date: 1 March 2024'
        >>> units = [Evidence(1, 0, 5, "We are at 14 Quay Road.", 0.9),
        ...          Evidence(1, 6, 9, "Call us on 555-0142.", 0.8)]
        >>> promote_kind(units, "What is the phone number?", 0.5)[0].text
        'Call us on 555-0142.'
    """
    if not ranked:
        return []
    floor = min_share * ranked[0].score
    kind = question_kind(question)
    if _ASKS_PHONE.search(question) and kind != "who":  # a phone number ("who" asks a name)
        for i, unit in enumerate(ranked[:5]):
            if unit.score >= floor and states_phone_number(unit.flat_text):
                return [unit, *ranked[:i], *ranked[i + 1:]]
    if kind == "other":
        return list(ranked)
    for i, unit in enumerate(ranked[:5]):
        if unit.score < floor:
            break
        text = unit.text.split(":", 1)[1] if unit.kind == "field" and ":" in unit.text \
            else unit.flat_text
        if _states(text, kind):
            return [unit, *ranked[:i], *ranked[i + 1:]]
    return list(ranked)


def _states(text: str, kind: str) -> bool:
    """Whether a unit states something of the kind asked (a looser test than :func:`fits_kind`)."""
    if kind == "when":
        return bool(_YEAR.search(text) or _MONTHS.search(text) or _DATE.search(text))
    if kind == "how_many":
        return bool(_NUMBER_WORD.search(text)) or any(not _YEAR.fullmatch(m)
                                                      for m in _COUNT.findall(text))
    if kind == "where":
        return bool(_PLACE.search(text))
    return any(word[:1].isupper() for word in text.split()[1:])


def informative(ranked: Sequence[Evidence], question: str) -> list[Evidence]:
    """The units that say something beyond the question's own words ("Notero" does not
    answer "What is Notero for?"), with the heading they fall under when it states what
    the question asks for ("Added a dark theme." under "2.3.0 - 2025-11-20" answers
    "When was the dark theme added?"); all of them when none does, or when the
    question is answered yes or no ("Pets are not allowed.").

    Example:
        >>> units = [Evidence(1, 0, 6, "Notero", 0.9, "item"),
        ...          Evidence(1, 8, 30, "Notero keeps meeting notes.", 0.7)]
        >>> [u.text for u in informative(units, "What is Notero for?")]
        ['Notero keeps meeting notes.']
    """
    if asks_yes_no(question):  # restating the question, or denying it, answers it
        return list(ranked)
    asked = {stem(w) for w in content_words(question)}
    kind = question_kind(question)

    def says(unit: Evidence) -> str:  # with its heading when that states what is asked
        told = kind != "other" and unit.heading and _states(unit.heading, kind)
        return f"{unit.heading} {unit.flat_text}" if told else unit.flat_text

    kept = [u for u in ranked if {stem(w) for w in content_words(says(u))} - asked]
    return kept or list(ranked)


def command_after(quotes: Sequence[Evidence], ranked: Sequence[Evidence]) -> list[Evidence]:
    """For a how-to question: the first quote that a code block follows in its chunk (right
    after it, or after one sentence that ends with a colon), then that sentence and the
    code ("One command pulls one and switches to it:" ``rag models pull ...``); empty
    when no quote is followed by code.

    Example:
        >>> units = [Evidence(1, 0, 9, "Say hello.", 0.9), Evidence(1, 10, 20, "Run this:", 0.5),
        ...          Evidence(1, 21, 30, "make hi", 0.4, "code")]
        >>> [u.text for u in command_after(units[:1], units)]
        ['Say hello.', 'Run this:', 'make hi']
    """
    for quote in quotes:
        after = sorted((u for u in ranked if u.n == quote.n and u.start >= quote.end),
                       key=lambda u: u.start)
        if after and after[0].kind == "code":
            return [quote, after[0]]
        if len(after) > 1 and after[0].text.rstrip().endswith(":") and after[1].kind == "code":
            return [quote, after[0], after[1]]
    return []

